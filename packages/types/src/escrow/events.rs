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

/// What happened to a deal, for [`deal`]: the event type is `escrow_<as_str>`. The
/// closing kinds (refunded, resolved, settled, dispute_expired) are also the `action`
/// attribute of their message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DealKind {
    /// `release`: `to_payee` is the released amount.
    Released,
    /// `refund`, after expiry: `to_payer` is what remained.
    Refunded,
    /// `resolve`: the arbiter's split of what remained.
    Resolved,
    /// `accept_settlement`: the accepted proposal's split.
    Settled,
    /// `top_up`: both amounts are 0 (the top-up is the `amount` of the `wasm` event).
    ToppedUp,
    /// `open_dispute`: both amounts are 0.
    DisputeOpened,
    /// `expire_dispute`: `to_payer` is what remained.
    DisputeExpired,
    /// `propose_settlement`: the proposed split of what remains.
    SettlementProposed,
    /// A release or a top-up made the standing proposal void; both amounts are 0.
    SettlementVoided,
}

impl DealKind {
    pub const ALL: [DealKind; 9] = [
        DealKind::Released,
        DealKind::Refunded,
        DealKind::Resolved,
        DealKind::Settled,
        DealKind::ToppedUp,
        DealKind::DisputeOpened,
        DealKind::DisputeExpired,
        DealKind::SettlementProposed,
        DealKind::SettlementVoided,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            DealKind::Released => "released",
            DealKind::Refunded => "refunded",
            DealKind::Resolved => "resolved",
            DealKind::Settled => "settled",
            DealKind::ToppedUp => "topped_up",
            DealKind::DisputeOpened => "dispute_opened",
            DealKind::DisputeExpired => "dispute_expired",
            DealKind::SettlementProposed => "settlement_proposed",
            DealKind::SettlementVoided => "settlement_voided",
        }
    }
}

/// A deal changed (see [`DealKind`]).
pub fn deal(kind: DealKind, id: u64, by: &Addr, to_payee: Uint128, to_payer: Uint128) -> Event {
    Event::new(format!("escrow_{}", kind.as_str()))
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

/// Held funds left the escrow: `address`'s own `claim_held` (`to` is `address`), or the
/// owner's `resolve_held` to `to`, which gives its `reason`.
pub fn held_released(
    address: &Addr,
    to: &Addr,
    asset: &AssetInfo,
    amount: Uint128,
    by: &Addr,
    reason: Option<&str>,
) -> Event {
    let e = Event::new("escrow_held_released")
        .add_attribute("address", address)
        .add_attribute("to", to)
        .add_attribute("asset", asset.to_string())
        .add_attribute("amount", amount)
        .add_attribute("by", by);
    match reason {
        Some(r) => e.add_attribute("reason", r),
        None => e,
    }
}

pub fn stray_swept(asset: &AssetInfo, amount: Uint128, to: &Addr, by: &Addr) -> Event {
    Event::new("escrow_stray_swept")
        .add_attribute("asset", asset.to_string())
        .add_attribute("amount", amount)
        .add_attribute("to", to)
        .add_attribute("by", by)
}

/// What happened to a work, for [`work`]: the event type is `royalty_<as_str>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WorkKind {
    /// `register_work`: epoch 0.
    Registered,
    /// `update_split`: the new epoch.
    SplitUpdated,
}

impl WorkKind {
    pub const ALL: [WorkKind; 2] = [WorkKind::Registered, WorkKind::SplitUpdated];

    pub const fn as_str(self) -> &'static str {
        match self {
            WorkKind::Registered => "work_registered",
            WorkKind::SplitUpdated => "split_updated",
        }
    }
}

/// A work's split changed (see [`WorkKind`]): `recipients` is the new split's size.
pub fn work(kind: WorkKind, id: u64, owner: &Addr, epoch: u32, recipients: usize) -> Event {
    Event::new(format!("royalty_{}", kind.as_str()))
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
