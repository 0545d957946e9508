//! Typed events of the KYC registry. On chain they appear as `wasm-<name>`.

use cosmwasm_std::{Addr, Event};

use super::{KycStatus, Policy, RecordInput};

pub const RECORD_UPDATED: &str = "kyc_record_updated";
pub const STATUS_CHANGED: &str = "kyc_status_changed";
pub const RECORD_REMOVED: &str = "kyc_record_removed";
pub const POLICY_UPDATED: &str = "kyc_policy_updated";
pub const OFFICER_ADDED: &str = "kyc_officer_added";
pub const OFFICER_REMOVED: &str = "kyc_officer_removed";
pub const OWNERSHIP_UPDATED: &str = "kyc_ownership_updated";

pub fn record_updated(address: &Addr, rec: &RecordInput, officer: &Addr, seq: u64) -> Event {
    Event::new(RECORD_UPDATED)
        .add_attribute("address", address)
        .add_attribute("status", rec.status.as_str())
        .add_attribute("tier", rec.tier.to_string())
        .add_attribute("kind", rec.kind.as_str())
        .add_attribute("jurisdiction", &rec.jurisdiction)
        .add_attribute("expires_at", rec.expires_at.seconds().to_string())
        .add_attribute("attestation", rec.attestation.to_hex())
        .add_attribute("reason", &rec.reason)
        .add_attribute("officer", officer)
        .add_attribute("seq", seq.to_string())
}

pub fn status_changed(
    address: &Addr,
    previous: KycStatus,
    status: KycStatus,
    reason: &str,
    officer: &Addr,
    seq: u64,
) -> Event {
    Event::new(STATUS_CHANGED)
        .add_attribute("address", address)
        .add_attribute("previous_status", previous.as_str())
        .add_attribute("status", status.as_str())
        .add_attribute("reason", reason)
        .add_attribute("officer", officer)
        .add_attribute("seq", seq.to_string())
}

pub fn record_removed(address: &Addr, reason: &str, officer: &Addr, seq: u64) -> Event {
    Event::new(RECORD_REMOVED)
        .add_attribute("address", address)
        .add_attribute("reason", reason)
        .add_attribute("officer", officer)
        .add_attribute("seq", seq.to_string())
}

pub fn policy_updated(policy: &Policy, owner: &Addr, seq: u64) -> Event {
    Event::new(POLICY_UPDATED)
        .add_attribute(
            "blocked_jurisdictions",
            policy.blocked_jurisdictions.join(","),
        )
        .add_attribute(
            "travel_rule_threshold",
            policy
                .travel_rule
                .as_ref()
                .map(|t| t.threshold.to_string())
                .unwrap_or_else(|| "none".to_string()),
        )
        .add_attribute(
            "expiry_grace_seconds",
            policy.expiry_grace_seconds.to_string(),
        )
        .add_attribute("owner", owner)
        .add_attribute("seq", seq.to_string())
}

pub fn officer_added(officer: &Addr, owner: &Addr, seq: u64) -> Event {
    officer_event(OFFICER_ADDED, officer, owner, seq)
}

pub fn officer_removed(officer: &Addr, owner: &Addr, seq: u64) -> Event {
    officer_event(OFFICER_REMOVED, officer, owner, seq)
}

fn officer_event(name: &str, officer: &Addr, owner: &Addr, seq: u64) -> Event {
    Event::new(name)
        .add_attribute("officer", officer)
        .add_attribute("owner", owner)
        .add_attribute("seq", seq.to_string())
}

pub fn ownership_updated(
    actor: &Addr,
    owner: Option<&Addr>,
    pending: Option<&Addr>,
    seq: u64,
) -> Event {
    Event::new(OWNERSHIP_UPDATED)
        .add_attribute("actor", actor)
        .add_attribute("owner", owner.map(Addr::as_str).unwrap_or("none"))
        .add_attribute("pending_owner", pending.map(Addr::as_str).unwrap_or("none"))
        .add_attribute("seq", seq.to_string())
}
