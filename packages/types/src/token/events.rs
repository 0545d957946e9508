//! Typed events of the micropayment token, for compliance indexing. On chain they
//! appear as `wasm-<name>`. cw20 messages keep cw20-base's attributes in the `wasm` event.

use cosmwasm_std::{Addr, Event, HexBinary, Timestamp, Uint128};

use super::Role;

pub const PAYMENT: &str = "token_payment";
pub const BATCH_TRANSFER: &str = "token_batch_transfer";
pub const PAUSED: &str = "token_paused";
pub const UNPAUSED: &str = "token_unpaused";
pub const FROZEN: &str = "token_frozen";
pub const UNFROZEN: &str = "token_unfrozen";
pub const TOKENS_FROZEN: &str = "token_tokens_frozen";
pub const TOKENS_UNFROZEN: &str = "token_tokens_unfrozen";
pub const FORCED_TRANSFER: &str = "token_forced_transfer";
pub const RECOVERED: &str = "token_recovered";
pub const ROLE_GRANTED: &str = "token_role_granted";
pub const ROLE_REVOKED: &str = "token_role_revoked";
pub const REGISTRY_SET: &str = "token_registry_set";

pub fn payment(
    from: &Addr,
    to: &Addr,
    amount: Uint128,
    reference: &str,
    travel_rule_ref: Option<&HexBinary>,
) -> Event {
    let mut e = Event::new(PAYMENT)
        .add_attribute("from", from)
        .add_attribute("to", to)
        .add_attribute("amount", amount)
        .add_attribute("reference", reference);
    if let Some(r) = travel_rule_ref {
        e = e.add_attribute("travel_rule_ref", r.to_hex());
    }
    e
}

pub fn batch_transfer(from: &Addr, count: usize, total: Uint128) -> Event {
    Event::new(BATCH_TRANSFER)
        .add_attribute("from", from)
        .add_attribute("count", count.to_string())
        .add_attribute("total", total)
}

pub fn paused(paused: bool, by: &Addr, reason: &str) -> Event {
    Event::new(if paused { PAUSED } else { UNPAUSED })
        .add_attribute("by", by)
        .add_attribute("reason", reason)
}

pub fn frozen(frozen: bool, address: &Addr, by: &Addr, reason: &str) -> Event {
    Event::new(if frozen { FROZEN } else { UNFROZEN })
        .add_attribute("address", address)
        .add_attribute("by", by)
        .add_attribute("reason", reason)
}

pub fn tokens_frozen(
    frozen: bool,
    address: &Addr,
    amount: Uint128,
    frozen_total: Uint128,
    by: &Addr,
    reason: &str,
) -> Event {
    Event::new(if frozen {
        TOKENS_FROZEN
    } else {
        TOKENS_UNFROZEN
    })
    .add_attribute("address", address)
    .add_attribute("amount", amount)
    .add_attribute("frozen_amount", frozen_total)
    .add_attribute("by", by)
    .add_attribute("reason", reason)
}

pub fn forced_transfer(
    from: &Addr,
    to: &Addr,
    amount: Uint128,
    released: Uint128,
    agent: &Addr,
    reason: &str,
) -> Event {
    Event::new(FORCED_TRANSFER)
        .add_attribute("from", from)
        .add_attribute("to", to)
        .add_attribute("amount", amount)
        .add_attribute("unfrozen", released)
        .add_attribute("agent", agent)
        .add_attribute("reason", reason)
}

pub fn recovered(
    lost: &Addr,
    new_address: &Addr,
    amount: Uint128,
    frozen_amount: Uint128,
    agent: &Addr,
    reason: &str,
) -> Event {
    Event::new(RECOVERED)
        .add_attribute("lost", lost)
        .add_attribute("new_address", new_address)
        .add_attribute("amount", amount)
        .add_attribute("frozen_amount", frozen_amount)
        .add_attribute("agent", agent)
        .add_attribute("reason", reason)
}

pub fn role(granted: bool, role: Role, address: &Addr, owner: &Addr) -> Event {
    Event::new(if granted { ROLE_GRANTED } else { ROLE_REVOKED })
        .add_attribute("role", role.as_str())
        .add_attribute("address", address)
        .add_attribute("owner", owner)
}

pub fn registry_set(registry: Option<&Addr>, owner: &Addr) -> Event {
    Event::new(REGISTRY_SET)
        .add_attribute("registry", registry.map(Addr::as_str).unwrap_or("none"))
        .add_attribute("owner", owner)
}

/// What happened to a channel, for [`channel`]: the event type is `token_<as_str>`.
/// Closing and closing-started have their own builders ([`channel_closing`],
/// [`channel_closed`]): they carry one more attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChannelKind {
    /// `open_channel`: `amount` and `total` are the deposit.
    Opened,
    /// `top_up_channel`: `amount` is the top-up, `total` the new deposit.
    ToppedUp,
    /// `extend_channel`: `amount` is 0, `total` the deposit.
    Extended,
    /// `claim` / `claim_many`: `amount` is what this claim paid, `total` all claimed so far.
    Claimed,
}

impl ChannelKind {
    pub const ALL: [ChannelKind; 4] = [
        ChannelKind::Opened,
        ChannelKind::ToppedUp,
        ChannelKind::Extended,
        ChannelKind::Claimed,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            ChannelKind::Opened => "channel_opened",
            ChannelKind::ToppedUp => "channel_topped_up",
            ChannelKind::Extended => "channel_extended",
            ChannelKind::Claimed => "channel_claimed",
        }
    }
}

/// A channel changed (see [`ChannelKind`]).
pub fn channel(kind: ChannelKind, id: u64, by: &Addr, amount: Uint128, total: Uint128) -> Event {
    channel_event(kind.as_str(), id, by, amount, total)
}

/// The payer started closing: the payee may claim until `closing_at` (seconds).
pub fn channel_closing(id: u64, by: &Addr, claimed: Uint128, closing_at: Timestamp) -> Event {
    channel_event("channel_closing", id, by, Uint128::zero(), claimed)
        .add_attribute("closing_at", closing_at.seconds().to_string())
}

/// The channel closed: `refunded` (what was not claimed) went back to the payer, `claimed`
/// is all the payee got. `held` is the code the payer was stopped for, when the refund was
/// credited as frozen tokens.
pub fn channel_closed(
    id: u64,
    by: &Addr,
    refunded: Uint128,
    claimed: Uint128,
    held: Option<&str>,
) -> Event {
    let e = channel_event("channel_closed", id, by, refunded, claimed);
    match held {
        Some(code) => e.add_attribute("held", code),
        None => e,
    }
}

fn channel_event(kind: &str, id: u64, by: &Addr, amount: Uint128, total: Uint128) -> Event {
    Event::new(format!("token_{kind}"))
        .add_attribute("channel", id.to_string())
        .add_attribute("by", by)
        .add_attribute("amount", amount)
        .add_attribute("total", total)
}
