//! Every payout of the contract: compliance first, then the transfer, or a hold.

use cosmwasm_std::{
    to_json_binary, Addr, BankMsg, Coin, CosmosMsg, Deps, DepsMut, Env, Response, Uint128, WasmMsg,
};
use farthing_types::escrow::{events, AssetInfo};
use farthing_types::kyc::{check_recipient, Denial, DenialCode, KycRegistry};

use crate::error::ContractResult;
use crate::state::{CONFIG, HELD};

/// The bank or cw20 message that sends `amount` of `asset` to `to`.
pub fn transfer_msg(asset: &AssetInfo, to: &Addr, amount: Uint128) -> ContractResult<CosmosMsg> {
    Ok(match asset {
        AssetInfo::Native { denom } => BankMsg::Send {
            to_address: to.to_string(),
            amount: vec![Coin {
                denom: denom.clone(),
                amount,
            }],
        }
        .into(),
        AssetInfo::Cw20 { address } => WasmMsg::Execute {
            contract_addr: address.to_string(),
            msg: to_json_binary(&cw20::Cw20ExecuteMsg::Transfer {
                recipient: to.to_string(),
                amount,
            })?,
            funds: vec![],
        }
        .into(),
    })
}

/// The registry's verdict on `to` as a recipient now (`Ok` when compliance is off).
pub fn check(deps: Deps, env: &Env, to: &Addr) -> ContractResult<Result<(), Denial>> {
    let Some(registry) = CONFIG.load(deps.storage)?.registry else {
        return Ok(Ok(()));
    };
    let registry = KycRegistry(registry);
    let policy = registry.policy(&deps.querier)?;
    let record = registry.record(&deps.querier, to)?;
    Ok(check_recipient(&policy, env.block.time, to, record.as_ref()).map(|_| ()))
}

/// Who a push payout goes to.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Release or settlement to a payee: held on any refusal.
    Release,
    /// Refund to the original payer: held only when the payer is revoked or in a blocked
    /// jurisdiction (sanctioned), except in a cw20 token, whose own gate refuses every
    /// non-compliant recipient, so any refusal holds it.
    Refund,
}

/// Sends `amount` to `to`, or holds it for `to` when the registry refuses `to` at this
/// moment, so that one non-compliant party never blocks anyone else. A held amount is
/// claimable with `ClaimHeld` once `to` is compliant again, or moved by the owner's
/// compliance process with `ResolveHeld`.
pub fn pay(
    deps: DepsMut,
    env: &Env,
    resp: Response,
    to: &Addr,
    asset: &AssetInfo,
    amount: Uint128,
    kind: Kind,
) -> ContractResult<Response> {
    if amount.is_zero() {
        return Ok(resp);
    }
    let hold = match check(deps.as_ref(), env, to)? {
        Ok(()) => None,
        Err(d) => {
            let sanctioned = matches!(
                d.code,
                DenialCode::Revoked | DenialCode::JurisdictionBlocked
            );
            let cw20 = matches!(asset, AssetInfo::Cw20 { .. });
            (kind == Kind::Release || sanctioned || cw20).then_some(d.code)
        }
    };
    match hold {
        Some(code) => {
            HELD.update(deps.storage, (to, &asset.key()), |h| -> ContractResult<_> {
                Ok(h.unwrap_or_default().checked_add(amount)?)
            })?;
            Ok(resp.add_event(events::payout_held(to, asset, amount, code)))
        }
        None => Ok(resp.add_message(transfer_msg(asset, to, amount)?)),
    }
}
