//! Typed events of the royalty/escrow contract (`wasm-<name>` on chain).

use cosmwasm_std::{Addr, Event, Uint128};

use super::AssetInfo;
use crate::kyc::DenialCode;

pub fn deal_created(
    id: u64,
    payer: &Addr,
    payee: &Addr,
    asset: &AssetInfo,
    amount: Uint128,
) -> Event {
    Event::new("escrow_deal_created")
        .add_attribute("deal_id", id.to_string())
        .add_attribute("payer", payer)
        .add_attribute("payee", payee)
        .add_attribute("asset", asset.to_string())
        .add_attribute("amount", amount)
}

/// A deal moved funds: `kind` is released, refunded, resolved, settled, topped_up,
/// dispute_opened, dispute_expired, settlement_proposed, or settlement_voided (a release or
/// a top-up made the standing proposal void; both amounts are 0).
pub fn deal(kind: &str, id: u64, by: &Addr, to_payee: Uint128, to_payer: Uint128) -> Event {
    Event::new(format!("escrow_{kind}"))
        .add_attribute("deal_id", id.to_string())
        .add_attribute("by", by)
        .add_attribute("to_payee", to_payee)
        .add_attribute("to_payer", to_payer)
}

/// A push payout that was not sent: it stays held for `to`. `code` is the registry's
/// denial code when the registry refused `to` before sending, or `transfer_refused` when
/// the asset itself (the cw20 token's gate, or the bank) refused the transfer (emitted by
/// the escrow's `reply`).
pub fn payout_held(to: &Addr, asset: &AssetInfo, amount: Uint128, code: DenialCode) -> Event {
    Event::new("escrow_payout_held")
        .add_attribute("to", to)
        .add_attribute("asset", asset.to_string())
        .add_attribute("amount", amount)
        .add_attribute("code", code.as_str())
}

pub fn held_released(
    address: &Addr,
    to: &Addr,
    asset: &AssetInfo,
    amount: Uint128,
    by: &Addr,
) -> Event {
    Event::new("escrow_held_released")
        .add_attribute("address", address)
        .add_attribute("to", to)
        .add_attribute("asset", asset.to_string())
        .add_attribute("amount", amount)
        .add_attribute("by", by)
}

pub fn stray_swept(asset: &AssetInfo, amount: Uint128, to: &Addr, by: &Addr) -> Event {
    Event::new("escrow_stray_swept")
        .add_attribute("asset", asset.to_string())
        .add_attribute("amount", amount)
        .add_attribute("to", to)
        .add_attribute("by", by)
}

pub fn work(kind: &str, id: u64, owner: &Addr, epoch: u32, recipients: usize) -> Event {
    Event::new(format!("royalty_{kind}"))
        .add_attribute("work_id", id.to_string())
        .add_attribute("owner", owner)
        .add_attribute("epoch", epoch.to_string())
        .add_attribute("recipients", recipients.to_string())
}

pub fn royalty_paid(
    id: u64,
    epoch: u32,
    payer: &Addr,
    asset: &AssetInfo,
    amount: Uint128,
) -> Event {
    Event::new("royalty_paid")
        .add_attribute("work_id", id.to_string())
        .add_attribute("epoch", epoch.to_string())
        .add_attribute("payer", payer)
        .add_attribute("asset", asset.to_string())
        .add_attribute("amount", amount)
}

pub fn royalty_claimed(
    id: u64,
    epoch: u32,
    recipient: &Addr,
    asset: &AssetInfo,
    amount: Uint128,
) -> Event {
    Event::new("royalty_claimed")
        .add_attribute("work_id", id.to_string())
        .add_attribute("epoch", epoch.to_string())
        .add_attribute("recipient", recipient)
        .add_attribute("asset", asset.to_string())
        .add_attribute("amount", amount)
}
