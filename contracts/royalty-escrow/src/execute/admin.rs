//! Held payouts, the cw20 allowlist, the registry, ownership.

use cosmwasm_std::{Addr, DepsMut, Empty, Env, MessageInfo, Response};
use farthing_types::escrow::{events, AssetInfo};
use farthing_types::kyc::{is_valid_reason, DenialCode};

use crate::error::{ContractError, ContractResult};
use crate::payout;
use crate::state::{ACCEPTED_CW20, CONFIG, HELD};

fn take_held(
    deps: &mut DepsMut,
    address: &Addr,
    asset: &AssetInfo,
) -> ContractResult<cosmwasm_std::Uint128> {
    let key = asset.key();
    let amount = HELD
        .may_load(deps.storage, (address, &key))?
        .unwrap_or_default();
    if amount.is_zero() {
        return Err(ContractError::NothingToClaim);
    }
    HELD.remove(deps.storage, (address, &key));
    Ok(amount)
}

pub fn claim_held(
    mut deps: DepsMut,
    env: Env,
    info: MessageInfo,
    asset: AssetInfo,
) -> ContractResult {
    payout::check(deps.as_ref(), &env, &info.sender)?.map_err(ContractError::Denied)?;
    let amount = take_held(&mut deps, &info.sender, &asset)?;
    Ok(Response::new()
        .add_message(payout::transfer_msg(&asset, &info.sender, amount)?)
        .add_event(events::held_released(
            &info.sender,
            &info.sender,
            &asset,
            amount,
            &info.sender,
        ))
        .add_attribute("action", "claim_held")
        .add_attribute("sender", info.sender)
        .add_attribute("amount", amount))
}

pub fn resolve_held(
    mut deps: DepsMut,
    env: Env,
    info: MessageInfo,
    address: String,
    asset: AssetInfo,
    to: String,
    reason: String,
) -> ContractResult {
    cw_ownable::assert_owner(deps.storage, &info.sender)?;
    if !is_valid_reason(&reason) {
        return Err(ContractError::InvalidReason { reason });
    }
    let address = deps.api.addr_validate(&address)?;
    let to = deps.api.addr_validate(&to)?;
    // Only what compliance requires: the held address must be sanctioned now. Anything
    // else (suspended, expired, not listed, compliant) stays its own to `ClaimHeld`.
    match payout::check(deps.as_ref(), &env, &address)? {
        Err(d)
            if matches!(
                d.code,
                DenialCode::Revoked | DenialCode::JurisdictionBlocked
            ) => {}
        verdict => {
            return Err(ContractError::HeldNotResolvable {
                address: address.into_string(),
                reason: verdict
                    .err()
                    .map_or("compliant", |d| d.code.as_str())
                    .to_string(),
            })
        }
    }
    payout::check(deps.as_ref(), &env, &to)?.map_err(ContractError::Denied)?;
    let amount = take_held(&mut deps, &address, &asset)?;
    Ok(Response::new()
        .add_message(payout::transfer_msg(&asset, &to, amount)?)
        .add_event(
            events::held_released(&address, &to, &asset, amount, &info.sender)
                .add_attribute("reason", reason),
        )
        .add_attribute("action", "resolve_held")
        .add_attribute("sender", info.sender))
}

pub fn set_token(deps: DepsMut, info: MessageInfo, address: String, allow: bool) -> ContractResult {
    cw_ownable::assert_owner(deps.storage, &info.sender)?;
    let token = deps.api.addr_validate(&address)?;
    match (ACCEPTED_CW20.has(deps.storage, &token), allow) {
        (true, true) => return Err(ContractError::TokenAlreadyAccepted { address }),
        (false, false) => return Err(ContractError::TokenNotAccepted { address }),
        (false, true) => ACCEPTED_CW20.save(deps.storage, &token, &Empty {})?,
        (true, false) => ACCEPTED_CW20.remove(deps.storage, &token),
    }
    Ok(Response::new()
        .add_attribute(
            "action",
            if allow {
                "allow_token"
            } else {
                "disallow_token"
            },
        )
        .add_attribute("sender", info.sender)
        .add_attribute("token", token))
}

pub fn set_registry(deps: DepsMut, info: MessageInfo, registry: Option<String>) -> ContractResult {
    cw_ownable::assert_owner(deps.storage, &info.sender)?;
    let registry = registry.map(|r| deps.api.addr_validate(&r)).transpose()?;
    CONFIG.update(deps.storage, |mut c| -> ContractResult<_> {
        c.registry = registry.clone();
        Ok(c)
    })?;
    Ok(Response::new()
        .add_attribute("action", "set_registry")
        .add_attribute("sender", info.sender)
        .add_attribute(
            "registry",
            registry
                .map(Addr::into_string)
                .unwrap_or_else(|| "none".into()),
        ))
}

pub fn update_ownership(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    action: cw_ownable::Action,
) -> ContractResult {
    let ownership = cw_ownable::update_ownership(deps, &env.block, &info.sender, action)?;
    Ok(Response::new()
        .add_attributes(ownership.into_attributes())
        .add_attribute("action", "update_ownership")
        .add_attribute("sender", info.sender))
}
