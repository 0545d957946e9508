//! Held payouts, the cw20 allowlist, the registry, ownership.

use cosmwasm_std::{Addr, DepsMut, Empty, Env, MessageInfo, Response, Uint128};
use farthing_types::escrow::{events, AssetInfo};
use farthing_types::kyc::is_valid_reason;

use crate::error::{ContractError, ContractResult};
use crate::payout;
use crate::state::{ACCEPTED_CW20, CONFIG, HELD};

/// Takes `amount` (default: all) of what is held for `address` in `asset`.
fn take_held(
    deps: &mut DepsMut,
    address: &Addr,
    asset: &AssetInfo,
    amount: Option<Uint128>,
) -> ContractResult<Uint128> {
    let key = asset.key();
    let held = HELD
        .may_load(deps.storage, (address, &key))?
        .unwrap_or_default();
    if held.is_zero() {
        return Err(ContractError::NothingToClaim);
    }
    let take = amount.unwrap_or(held);
    if take.is_zero() {
        return Err(ContractError::ZeroAmount);
    }
    if take > held {
        return Err(ContractError::ExceedsOwed {
            requested: take,
            owed: held,
        });
    }
    let rest = held.checked_sub(take)?;
    if rest.is_zero() {
        HELD.remove(deps.storage, (address, &key));
    } else {
        HELD.save(deps.storage, (address, &key), &rest)?;
    }
    Ok(take)
}

pub fn claim_held(
    mut deps: DepsMut,
    env: Env,
    info: MessageInfo,
    asset: AssetInfo,
    amount: Option<Uint128>,
) -> ContractResult {
    payout::check(deps.as_ref(), &env, &info.sender)?.map_err(ContractError::Denied)?;
    let amount = take_held(&mut deps, &info.sender, &asset, amount)?;
    Ok(Response::new()
        .add_message(payout::send(deps.storage, &asset, &info.sender, amount)?)
        .add_event(events::held_released(
            &info.sender,
            &info.sender,
            &asset,
            amount,
            &info.sender,
            None,
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
    payout::ensure_not_escrow(&env, &to)?;
    // Only what compliance requires: the held address must be sanctioned now (its record
    // says revoked or a blocked jurisdiction). Anything else (suspended, expired, not
    // listed, compliant) stays its own to `ClaimHeld`.
    let standing = payout::standing(deps.as_ref(), &env, &address)?;
    if standing.sanction.is_none() {
        return Err(ContractError::HeldNotResolvable {
            address: address.into_string(),
            reason: standing
                .verdict
                .err()
                .map_or("compliant", |d| d.code.as_str())
                .to_string(),
        });
    }
    payout::check(deps.as_ref(), &env, &to)?.map_err(ContractError::Denied)?;
    let amount = take_held(&mut deps, &address, &asset, None)?;
    Ok(Response::new()
        .add_message(payout::send(deps.storage, &asset, &to, amount)?)
        .add_event(events::held_released(
            &address,
            &to,
            &asset,
            amount,
            &info.sender,
            Some(&reason),
        ))
        .add_attribute("action", "resolve_held")
        .add_attribute("sender", info.sender))
}

/// Owner: moves what the escrow holds above what it owes in `asset` to `to`.
pub fn sweep_stray(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    asset: AssetInfo,
    to: String,
) -> ContractResult {
    cw_ownable::assert_owner(deps.storage, &info.sender)?;
    let to = deps.api.addr_validate(&to)?;
    payout::ensure_not_escrow(&env, &to)?;
    let owed = crate::query::owed(deps.as_ref(), &env, &asset)?;
    if owed.stray.is_zero() {
        return Err(ContractError::NothingToSweep {
            asset: asset.to_string(),
            holdings: owed.holdings,
            owed: owed.owed,
        });
    }
    payout::check(deps.as_ref(), &env, &to)?.map_err(ContractError::Denied)?;
    Ok(Response::new()
        .add_message(payout::transfer_msg(&asset, &to, owed.stray)?)
        .add_event(events::stray_swept(&asset, owed.stray, &to, &info.sender))
        .add_attribute("action", "sweep_stray")
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
    if let Some(r) = &registry {
        payout::ensure_registry(deps.as_ref(), r)?;
    }
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
