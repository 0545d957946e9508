//! Typed events of the micropayment token, for compliance indexing. On chain they
//! appear as `wasm-<name>`. cw20 messages keep cw20-base's attributes in the `wasm` event.

use cosmwasm_std::{Addr, Event, HexBinary, Uint128};

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

/// A channel changed: `kind` is channel_opened, channel_topped_up, channel_extended,
/// channel_claimed, channel_closing or channel_closed.
pub fn channel(kind: &str, id: u64, by: &Addr, amount: Uint128, total: Uint128) -> Event {
    Event::new(format!("token_{kind}"))
        .add_attribute("channel", id.to_string())
        .add_attribute("by", by)
        .add_attribute("amount", amount)
        .add_attribute("total", total)
}
