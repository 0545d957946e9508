//! cw20 balance messages: same attributes as cw20-base 2.0, every movement through the gate.

use cosmwasm_std::{Addr, Binary, DepsMut, Env, MessageInfo, Response, Uint128};
use cw20::Cw20ReceiveMsg;

use super::allowances::deduct_allowance;
use crate::error::{ContractError, ContractResult};
use crate::ledger::{self, Movement};
use crate::state::TOKEN_INFO;

pub fn transfer(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    recipient: String,
    amount: Uint128,
) -> ContractResult {
    transfer_own(deps, &env, &info.sender, &recipient, amount, false)?;
    Ok(Response::new()
        .add_attribute("action", "transfer")
        .add_attribute("from", info.sender)
        .add_attribute("to", recipient)
        .add_attribute("amount", amount))
}

pub fn send(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    contract: String,
    amount: Uint128,
    msg: Binary,
) -> ContractResult {
    transfer_own(deps, &env, &info.sender, &contract, amount, false)?;
    Ok(Response::new()
        .add_attribute("action", "send")
        .add_attribute("from", &info.sender)
        .add_attribute("to", &contract)
        .add_attribute("amount", amount)
        .add_message(
            Cw20ReceiveMsg {
                sender: info.sender.into(),
                amount,
                msg,
            }
            .into_cosmos_msg(contract)?,
        ))
}

pub fn burn(deps: DepsMut, env: Env, info: MessageInfo, amount: Uint128) -> ContractResult {
    ledger::apply(
        deps,
        &env,
        Movement::Burn {
            from: &info.sender,
            spender: None,
            amount,
        },
    )?;
    Ok(Response::new()
        .add_attribute("action", "burn")
        .add_attribute("from", info.sender)
        .add_attribute("amount", amount))
}

pub fn mint(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    recipient: String,
    amount: Uint128,
) -> ContractResult {
    let config = TOKEN_INFO
        .may_load(deps.storage)?
        .ok_or(ContractError::Unauthorized {})?;
    if config
        .mint
        .as_ref()
        .ok_or(ContractError::Unauthorized {})?
        .minter
        != info.sender
    {
        return Err(ContractError::Unauthorized {});
    }
    let to = deps.api.addr_validate(&recipient)?;
    ledger::apply(deps, &env, Movement::Mint { to: &to, amount })?;
    Ok(Response::new()
        .add_attribute("action", "mint")
        .add_attribute("to", recipient)
        .add_attribute("amount", amount))
}

pub fn transfer_from(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    owner: String,
    recipient: String,
    amount: Uint128,
) -> ContractResult {
    let to = deps.api.addr_validate(&recipient)?;
    let from = deps.api.addr_validate(&owner)?;
    apply_from(
        deps,
        &env,
        &from,
        &info.sender,
        amount,
        Movement::Transfer {
            from: &from,
            to: &to,
            spender: Some(&info.sender),
            amount,
            travel_rule_ref: false,
        },
    )?;
    Ok(Response::new()
        .add_attribute("action", "transfer_from")
        .add_attribute("from", owner)
        .add_attribute("to", recipient)
        .add_attribute("by", info.sender)
        .add_attribute("amount", amount))
}

pub fn send_from(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    owner: String,
    contract: String,
    amount: Uint128,
    msg: Binary,
) -> ContractResult {
    let to = deps.api.addr_validate(&contract)?;
    let from = deps.api.addr_validate(&owner)?;
    apply_from(
        deps,
        &env,
        &from,
        &info.sender,
        amount,
        Movement::Transfer {
            from: &from,
            to: &to,
            spender: Some(&info.sender),
            amount,
            travel_rule_ref: false,
        },
    )?;
    Ok(Response::new()
        .add_attribute("action", "send_from")
        .add_attribute("from", &owner)
        .add_attribute("to", &contract)
        .add_attribute("by", &info.sender)
        .add_attribute("amount", amount)
        .add_message(
            Cw20ReceiveMsg {
                sender: info.sender.into(),
                amount,
                msg,
            }
            .into_cosmos_msg(contract)?,
        ))
}

pub fn burn_from(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    owner: String,
    amount: Uint128,
) -> ContractResult {
    let from = deps.api.addr_validate(&owner)?;
    apply_from(
        deps,
        &env,
        &from,
        &info.sender,
        amount,
        Movement::Burn {
            from: &from,
            spender: Some(&info.sender),
            amount,
        },
    )?;
    Ok(Response::new()
        .add_attribute("action", "burn_from")
        .add_attribute("from", owner)
        .add_attribute("by", info.sender)
        .add_attribute("amount", amount))
}

pub fn update_minter(
    deps: DepsMut,
    info: MessageInfo,
    new_minter: Option<String>,
) -> ContractResult {
    let mut config = TOKEN_INFO
        .may_load(deps.storage)?
        .ok_or(ContractError::Unauthorized {})?;
    let mint = config.mint.as_ref().ok_or(ContractError::Unauthorized {})?;
    if mint.minter != info.sender {
        return Err(ContractError::Unauthorized {});
    }
    let cap = mint.cap;
    config.mint = new_minter
        .map(|m| deps.api.addr_validate(&m))
        .transpose()?
        .map(|minter| crate::state::MinterData { minter, cap });
    TOKEN_INFO.save(deps.storage, &config)?;
    Ok(Response::new()
        .add_attribute("action", "update_minter")
        .add_attribute(
            "new_minter",
            config
                .mint
                .map(|m| m.minter.into_string())
                .unwrap_or_else(|| "None".to_string()),
        ))
}

/// The `*_from` messages: plans the movement, spends `amount` of `owner`'s allowance to
/// `spender`, then commits (nothing is written when either refuses).
fn apply_from(
    deps: DepsMut,
    env: &Env,
    owner: &Addr,
    spender: &Addr,
    amount: Uint128,
    mv: Movement,
) -> ContractResult<()> {
    let plan = ledger::plan(deps.as_ref(), env, &mv)?;
    deduct_allowance(deps.storage, owner, spender, &env.block, amount)?;
    ledger::commit(deps.storage, &plan)
}

/// transfer, send and pay: `sender` moves its own `amount` to `recipient` through the gate.
/// Returns the validated recipient.
pub fn transfer_own(
    deps: DepsMut,
    env: &Env,
    sender: &Addr,
    recipient: &str,
    amount: Uint128,
    travel_rule_ref: bool,
) -> ContractResult<Addr> {
    let to = deps.api.addr_validate(recipient)?;
    ledger::apply(
        deps,
        env,
        Movement::Transfer {
            from: sender,
            to: &to,
            spender: None,
            amount,
            travel_rule_ref,
        },
    )?;
    Ok(to)
}
