//! Issuer controls, each behind its own role: pause (pauser), freezes (freezer),
//! forced transfer and recovery (agent). Every control emits a typed event.

use cosmwasm_std::{DepsMut, Env, MessageInfo, Response, Uint128};
use farthing_types::token::{events, Role};

use super::{ensure_reason, ensure_role};
use crate::error::{ContractError, ContractResult};
use crate::ledger::{self, Movement};
use crate::state::{CONFIG, RECOVERED};

pub fn set_paused(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    paused: bool,
    reason: String,
) -> ContractResult {
    ensure_role(deps.as_ref(), &info.sender, Role::Pauser)?;
    ensure_reason(&reason)?;
    let mut config = CONFIG.load(deps.storage)?;
    match (config.paused, paused) {
        (true, true) => return Err(ContractError::Paused),
        (false, false) => return Err(ContractError::NotPaused),
        _ => {}
    }
    let now = env.block.time;
    config.paused_seconds = config.paused_until(now);
    config.paused_at = paused.then_some(now.seconds());
    config.paused = paused;
    CONFIG.save(deps.storage, &config)?;
    Ok(Response::new()
        .add_event(events::paused(paused, &info.sender, &reason))
        .add_attribute("action", if paused { "pause" } else { "unpause" })
        .add_attribute("sender", info.sender))
}

pub fn set_frozen(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    address: String,
    frozen: bool,
    reason: String,
) -> ContractResult {
    ensure_role(deps.as_ref(), &info.sender, Role::Freezer)?;
    ensure_reason(&reason)?;
    let addr = deps.api.addr_validate(&address)?;
    ledger::update_account(deps, &addr, |acc| {
        match (acc.frozen, frozen) {
            (true, true) => return Err(ContractError::AccountFrozen { address }),
            (false, false) => return Err(ContractError::NotFrozen { address }),
            _ => {}
        }
        // The freeze clock moves the deadlines of the channels the address pays from, so
        // a freeze does not eat its payees' time to claim.
        let now = env.block.time.seconds();
        if frozen {
            acc.frozen_at = now;
        } else {
            acc.frozen_seconds = acc.frozen_until(env.block.time);
            acc.frozen_at = 0;
        }
        acc.frozen = frozen;
        Ok(())
    })?;
    Ok(Response::new()
        .add_event(events::frozen(frozen, &addr, &info.sender, &reason))
        .add_attribute("action", if frozen { "freeze" } else { "unfreeze" })
        .add_attribute("sender", info.sender))
}

pub fn freeze_tokens(
    deps: DepsMut,
    info: MessageInfo,
    address: String,
    amount: Uint128,
    freeze: bool,
    reason: String,
) -> ContractResult {
    ensure_role(deps.as_ref(), &info.sender, Role::Freezer)?;
    ensure_reason(&reason)?;
    if amount.is_zero() {
        return Err(ContractError::ZeroAmount);
    }
    let addr = deps.api.addr_validate(&address)?;
    let total = ledger::update_account(deps, &addr, |acc| {
        if freeze {
            let unfrozen = acc.balance.saturating_sub(acc.frozen_amount);
            if amount > unfrozen {
                return Err(ContractError::InsufficientFunds {
                    address,
                    available: unfrozen,
                    needed: amount,
                });
            }
            acc.frozen_amount = acc.frozen_amount.checked_add(amount)?;
        } else {
            if amount > acc.frozen_amount {
                return Err(ContractError::UnfreezeTooMuch {
                    address,
                    amount,
                    frozen: acc.frozen_amount,
                });
            }
            acc.frozen_amount = acc.frozen_amount.checked_sub(amount)?;
        }
        Ok(acc.frozen_amount)
    })?;
    Ok(Response::new()
        .add_event(events::tokens_frozen(
            freeze,
            &addr,
            amount,
            total,
            &info.sender,
            &reason,
        ))
        .add_attribute(
            "action",
            if freeze {
                "freeze_tokens"
            } else {
                "unfreeze_tokens"
            },
        )
        .add_attribute("sender", info.sender))
}

#[allow(clippy::too_many_arguments)] // one argument per message field
pub fn forced_transfer(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    from: String,
    to: String,
    amount: Uint128,
    reason: String,
    unfreeze: bool,
) -> ContractResult {
    ensure_role(deps.as_ref(), &info.sender, Role::Agent)?;
    ensure_reason(&reason)?;
    let from_addr = deps.api.addr_validate(&from)?;
    let to_addr = deps.api.addr_validate(&to)?;
    if from_addr == to_addr {
        return Err(ContractError::ForcedTransferToSelf);
    }
    let plan = ledger::apply(
        deps,
        &env,
        Movement::Forced {
            from: &from_addr,
            to: &to_addr,
            amount,
            unfreeze,
        },
    )?;
    Ok(Response::new()
        .add_event(events::forced_transfer(
            &from_addr,
            &to_addr,
            amount,
            plan.released,
            &info.sender,
            &reason,
        ))
        .add_attribute("action", "forced_transfer")
        .add_attribute("sender", info.sender))
}

pub fn recover(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    lost: String,
    new_address: String,
    reason: String,
) -> ContractResult {
    ensure_role(deps.as_ref(), &info.sender, Role::Agent)?;
    ensure_reason(&reason)?;
    let lost_addr = deps.api.addr_validate(&lost)?;
    let new_addr = deps.api.addr_validate(&new_address)?;
    if lost_addr == new_addr {
        return Err(ContractError::RecoverToSelf);
    }
    let mut deps = deps;
    let plan = ledger::apply(
        deps.branch(),
        &env,
        Movement::Recover {
            lost: &lost_addr,
            to: &new_addr,
        },
    )?;
    RECOVERED.save(deps.storage, &lost_addr, &new_addr)?;
    let (amount, frozen) = plan.recovered;
    Ok(Response::new()
        .add_event(events::recovered(
            &lost_addr,
            &new_addr,
            amount,
            frozen,
            &info.sender,
            &reason,
        ))
        .add_attribute("action", "recover")
        .add_attribute("sender", info.sender))
}
