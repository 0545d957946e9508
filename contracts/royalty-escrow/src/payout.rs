//! Every payout of the contract: compliance first, then the transfer, or a hold.
//!
//! A push payout (release, refund, settlement, ruling, dispute expiry) never reverts the
//! message that triggers it:
//! - when the registry refuses the recipient now, the amount is held before anything is
//!   sent (code: the registry's denial code);
//! - otherwise the transfer is sent as a `reply_on_error` sub-message carrying a
//!   [`HeldPayout`] payload; when the asset itself refuses it (the cw20 token's own gate:
//!   freeze, pause, travel rule, ...; or the bank), `reply` holds the amount for the
//!   recipient (code `transfer_refused`). A successful transfer costs no reply.
//!
//! Pull payouts (`Claim`, `ClaimHeld`, `ResolveHeld`) are the caller's own action: they
//! send a plain message and simply revert when the asset refuses.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{
    from_json, to_json_binary, Addr, BankMsg, Coin, CosmosMsg, Deps, DepsMut, Env, Reply, Response,
    Storage, SubMsg, SubMsgResult, Uint128, WasmMsg,
};
use farthing_types::escrow::{events, AssetInfo};
use farthing_types::kyc::{
    check_recipient, check_sender, Denial, DenialCode, KycRegistry, KycStatus, PartyRole,
};

use crate::error::{ContractError, ContractResult};
use crate::state::{CONFIG, HELD, OWED};

/// Reply id of every push payout sub-message.
pub const PAYOUT_REPLY_ID: u64 = 1;

/// The payload of a push payout sub-message: what to hold, for whom, if the asset refuses.
#[cw_serde]
pub struct HeldPayout {
    pub recipient: Addr,
    pub asset: AssetInfo,
    pub amount: Uint128,
}

/// Refuses the escrow's own address as a payee, arbiter, recipient or destination: what the
/// escrow pays to itself would be owed to nobody.
pub fn ensure_not_escrow(env: &Env, addr: &Addr) -> ContractResult<()> {
    if *addr == env.contract.address {
        return Err(ContractError::ContractAsParty {
            address: addr.to_string(),
        });
    }
    Ok(())
}

/// Records a deposit: the escrow owes `amount` more of `asset`.
pub fn owe(storage: &mut dyn Storage, asset: &AssetInfo, amount: Uint128) -> ContractResult<()> {
    OWED.update(storage, &asset.key(), |o| -> ContractResult<_> {
        Ok(o.unwrap_or_default().checked_add(amount)?)
    })?;
    Ok(())
}

/// The message that pays `amount` of what the escrow owes in `asset` to `to`: the escrow
/// owes that much less (a push payout the asset refuses is owed again, see `on_reply`).
pub fn send(
    storage: &mut dyn Storage,
    asset: &AssetInfo,
    to: &Addr,
    amount: Uint128,
) -> ContractResult<CosmosMsg> {
    let key = asset.key();
    let owed = OWED.may_load(storage, &key)?.unwrap_or_default();
    OWED.save(storage, &key, &owed.checked_sub(amount)?)?;
    transfer_msg(asset, to, amount)
}

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

/// Where an address stands with the registry now.
pub struct Standing {
    /// The verdict on it as a recipient (`Ok` when compliance is off).
    pub verdict: Result<(), Denial>,
    /// `Revoked` or `JurisdictionBlocked` when its record says so, whatever else the verdict
    /// reports first (a suspended address in a blocked jurisdiction is sanctioned too).
    pub sanction: Option<DenialCode>,
}

pub fn standing(deps: Deps, env: &Env, addr: &Addr) -> ContractResult<Standing> {
    let Some(registry) = CONFIG.load(deps.storage)?.registry else {
        return Ok(Standing {
            verdict: Ok(()),
            sanction: None,
        });
    };
    let registry = KycRegistry(registry);
    let policy = registry.policy(&deps.querier)?;
    let record = registry.record(&deps.querier, addr)?;
    let sanction = record.as_ref().and_then(|r| {
        if r.status == KycStatus::Revoked {
            Some(DenialCode::Revoked)
        } else if policy.is_blocked(&r.jurisdiction) {
            Some(DenialCode::JurisdictionBlocked)
        } else {
            None
        }
    });
    Ok(Standing {
        verdict: check_recipient(&policy, env.block.time, addr, record.as_ref()).map(|_| ()),
        sanction,
    })
}

/// Refuses an address that does not serve a registry's policy: pointed at one, every
/// payout would fail until the owner noticed.
pub fn ensure_registry(deps: Deps, addr: &Addr) -> ContractResult<()> {
    KycRegistry(addr.clone())
        .policy(&deps.querier)
        .map(|_| ())
        .map_err(|_| ContractError::NotARegistry {
            address: addr.to_string(),
        })
}

/// The registry's verdict on `to` as a recipient now (`Ok` when compliance is off).
pub fn check(deps: Deps, env: &Env, to: &Addr) -> ContractResult<Result<(), Denial>> {
    Ok(standing(deps, env, to)?.verdict)
}

/// Refuses a funder (the payer of a deal, a top-up or a royalty payment, in any asset)
/// that the registry does not allow to send now: `ContractError::Denied`.
pub fn screen_funder(deps: Deps, env: &Env, funder: &Addr) -> ContractResult<()> {
    let Some(registry) = CONFIG.load(deps.storage)?.registry else {
        return Ok(());
    };
    let registry = KycRegistry(registry);
    let policy = registry.policy(&deps.querier)?;
    let record = registry.record(&deps.querier, funder)?;
    check_sender(
        &policy,
        env.block.time,
        funder,
        record.as_ref(),
        PartyRole::Sender,
    )
    .map_err(ContractError::Denied)?;
    Ok(())
}

/// Who a push payout goes to.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Release or settlement to a payee: held on any refusal.
    Release,
    /// Refund to the original payer: held only when the registry says the payer is revoked
    /// or in a blocked jurisdiction (sanctioned), except in a cw20 token, whose own gate
    /// refuses every non-compliant recipient, so any refusal holds it. Whatever the kind,
    /// a transfer the asset itself refuses is held (see the module doc).
    Refund,
}

fn hold(
    storage: &mut dyn Storage,
    to: &Addr,
    asset: &AssetInfo,
    amount: Uint128,
) -> ContractResult<()> {
    HELD.update(storage, (to, &asset.key()), |h| -> ContractResult<_> {
        Ok(h.unwrap_or_default().checked_add(amount)?)
    })?;
    Ok(())
}

/// Sends `amount` to `to`, or holds it for `to` when the registry refuses `to` at this
/// moment or the asset refuses the transfer, so that one party never blocks anyone else.
/// A held amount is claimable by `to` with `ClaimHeld` once the registry and the asset
/// allow it, or moved by the owner's compliance process with `ResolveHeld` when `to` is
/// revoked or in a blocked jurisdiction.
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
    let standing = standing(deps.as_ref(), env, to)?;
    let hold_code = match standing.verdict {
        Ok(()) => None,
        Err(d) => {
            let cw20 = matches!(asset, AssetInfo::Cw20 { .. });
            if kind == Kind::Release || cw20 {
                Some(d.code)
            } else {
                standing.sanction
            }
        }
    };
    match hold_code {
        Some(code) => {
            hold(deps.storage, to, asset, amount)?;
            Ok(resp.add_event(events::payout_held(to, asset, amount, code)))
        }
        None => {
            let payload = to_json_binary(&HeldPayout {
                recipient: to.clone(),
                asset: asset.clone(),
                amount,
            })?;
            Ok(resp.add_submessage(
                SubMsg::reply_on_error(send(deps.storage, asset, to, amount)?, PAYOUT_REPLY_ID)
                    .with_payload(payload),
            ))
        }
    }
}

/// The reply to a push payout the asset refused: the amount is held for its recipient.
/// (The error string is not read: on a real chain it is redacted.)
pub fn on_reply(deps: DepsMut, env: Env, msg: Reply) -> ContractResult {
    let resp = Response::new().add_attribute("sender", env.contract.address);
    match msg.result {
        // Not sent for `reply_on_error`; the payout went through, nothing to do.
        SubMsgResult::Ok(_) => Ok(resp.add_attribute("action", "payout_sent")),
        SubMsgResult::Err(_) => {
            let p: HeldPayout = from_json(&msg.payload)?;
            // The transfer did not leave: it is owed again, now as a held payout.
            owe(deps.storage, &p.asset, p.amount)?;
            hold(deps.storage, &p.recipient, &p.asset, p.amount)?;
            Ok(resp
                .add_attribute("action", "payout_held")
                .add_event(events::payout_held(
                    &p.recipient,
                    &p.asset,
                    p.amount,
                    DenialCode::TransferRefused,
                )))
        }
    }
}
