//! The one pure function that decides whether a transfer is compliant.
//!
//! The registry's `CheckTransfer` query and the raw-read [`super::KycRegistry`] client
//! both call [`evaluate_transfer`] on the same stored data, so they cannot disagree.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Addr, Timestamp, Uint128};

use super::{GateRecord, KycStatus, Policy};

/// Which side of a transfer a denial is about.
#[cw_serde]
#[derive(Copy, Eq)]
pub enum PartyRole {
    /// The account whose balance moves.
    Sender,
    /// The account that receives.
    Recipient,
    /// The account that spends an allowance on behalf of the sender.
    Spender,
}

impl PartyRole {
    pub const fn as_str(self) -> &'static str {
        match self {
            PartyRole::Sender => "sender",
            PartyRole::Recipient => "recipient",
            PartyRole::Spender => "spender",
        }
    }
}

/// Machine-readable reason for a refusal.
#[cw_serde]
#[derive(Copy, Eq)]
pub enum DenialCode {
    /// The address has no record in the registry.
    NotListed,
    /// An officer suspended the address's record.
    Suspended,
    /// An officer revoked the address's record.
    Revoked,
    /// KYC expired (for a recipient: and the grace period is over too).
    Expired,
    /// The address's jurisdiction is on the policy's blocked list.
    JurisdictionBlocked,
    /// The amount exceeds the sender's tier `max_per_transfer`.
    OverPerTransferLimit,
    /// The amount is at or above the travel-rule threshold and a party's tier is too low.
    TravelRule,
    /// Token-side only: the sender's volume window would be exceeded.
    VolumeWindowExceeded,
    /// Token-side only: the token is paused.
    Paused,
    /// Token-side only: the address is frozen by the issuer.
    Frozen,
    /// Token-side only: the unfrozen balance is smaller than the amount.
    InsufficientFunds,
    /// Escrow only: the asset itself (the cw20 token's own gate, or the bank) refused a
    /// payout that the registry allowed, so the payout is held instead of reverting.
    TransferRefused,
}

impl DenialCode {
    pub const fn as_str(self) -> &'static str {
        match self {
            DenialCode::NotListed => "not_listed",
            DenialCode::Suspended => "suspended",
            DenialCode::Revoked => "revoked",
            DenialCode::Expired => "expired",
            DenialCode::JurisdictionBlocked => "jurisdiction_blocked",
            DenialCode::OverPerTransferLimit => "over_per_transfer_limit",
            DenialCode::TravelRule => "travel_rule",
            DenialCode::VolumeWindowExceeded => "volume_window_exceeded",
            DenialCode::Paused => "paused",
            DenialCode::Frozen => "frozen",
            DenialCode::InsufficientFunds => "insufficient_funds",
            DenialCode::TransferRefused => "transfer_refused",
        }
    }
}

impl std::fmt::Display for DenialCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a transfer is refused, and who it is about.
#[cw_serde]
pub struct Denial {
    pub party: Addr,
    pub role: PartyRole,
    pub code: DenialCode,
    /// A sentence a compliance officer or an end user can act on.
    pub message: String,
}

impl Denial {
    pub fn new(party: &Addr, role: PartyRole, code: DenialCode, message: String) -> Self {
        Denial {
            party: party.clone(),
            role,
            code,
            message,
        }
    }
}

/// The answer to "may `from` send `amount` to `to` now?".
#[cw_serde]
pub struct Verdict {
    pub allowed: bool,
    pub denial: Option<Denial>,
}

impl Verdict {
    pub const fn allowed() -> Self {
        Verdict {
            allowed: true,
            denial: None,
        }
    }

    pub fn denied(denial: Denial) -> Self {
        Verdict {
            allowed: false,
            denial: Some(denial),
        }
    }
}

impl From<Result<(), Denial>> for Verdict {
    fn from(r: Result<(), Denial>) -> Self {
        match r {
            Ok(()) => Verdict::allowed(),
            Err(d) => Verdict::denied(d),
        }
    }
}

/// Checks that apply to any party: listed, status, jurisdiction, expiry (with `grace` seconds).
fn check_party<'r>(
    policy: &Policy,
    now: Timestamp,
    party: &Addr,
    record: Option<&'r GateRecord>,
    role: PartyRole,
    grace: u64,
) -> Result<&'r GateRecord, Denial> {
    let role_name = role.as_str();
    let Some(rec) = record else {
        return Err(Denial::new(
            party,
            role,
            DenialCode::NotListed,
            format!("{role_name} {party} is not listed in the KYC registry"),
        ));
    };
    match rec.status {
        KycStatus::Active => {}
        KycStatus::Suspended => {
            return Err(Denial::new(
                party,
                role,
                DenialCode::Suspended,
                format!("{role_name} {party} is suspended by compliance"),
            ))
        }
        KycStatus::Revoked => {
            return Err(Denial::new(
                party,
                role,
                DenialCode::Revoked,
                format!("{role_name} {party} has been revoked by compliance"),
            ))
        }
    }
    if policy.is_blocked(&rec.jurisdiction) {
        return Err(Denial::new(
            party,
            role,
            DenialCode::JurisdictionBlocked,
            format!(
                "{role_name} {party} is in blocked jurisdiction {}",
                rec.jurisdiction
            ),
        ));
    }
    if now.seconds() >= rec.expires_at.saturating_add(grace) {
        return Err(Denial::new(
            party,
            role,
            DenialCode::Expired,
            format!(
                "{role_name} {party} KYC expired at {} (seconds since epoch); it must be refreshed",
                rec.expires_at
            ),
        ));
    }
    Ok(rec)
}

/// May `party` send (or spend) now? Expired parties may never send: no grace applies.
pub fn check_sender<'r>(
    policy: &Policy,
    now: Timestamp,
    party: &Addr,
    record: Option<&'r GateRecord>,
    role: PartyRole,
) -> Result<&'r GateRecord, Denial> {
    check_party(policy, now, party, record, role, 0)
}

/// May `party` receive now? An expired party may receive during the policy's grace period.
pub fn check_recipient<'r>(
    policy: &Policy,
    now: Timestamp,
    party: &Addr,
    record: Option<&'r GateRecord>,
) -> Result<&'r GateRecord, Denial> {
    check_party(
        policy,
        now,
        party,
        record,
        PartyRole::Recipient,
        policy.expiry_grace_seconds,
    )
}

/// The full verdict on a transfer of `amount` from `from` to `to` at time `now`.
///
/// Order of checks: sender, recipient, sender's per-transfer limit, travel rule.
/// The travel rule is always the last check, so a caller that holds a travel-rule
/// reference for the transfer may accept a `TravelRule` denial knowing that every
/// other rule passed. The rolling volume window is not checked here: it needs the
/// token's own state (see `DenialCode::VolumeWindowExceeded`).
pub fn evaluate_transfer(
    policy: &Policy,
    now: Timestamp,
    from: &Addr,
    from_record: Option<&GateRecord>,
    to: &Addr,
    to_record: Option<&GateRecord>,
    amount: Uint128,
) -> Result<(), Denial> {
    let sender = check_sender(policy, now, from, from_record, PartyRole::Sender)?;
    let recipient = check_recipient(policy, now, to, to_record)?;
    if let Some(max) = policy
        .sender_limits(sender)
        .and_then(|l| l.max_per_transfer)
    {
        if amount > max {
            return Err(Denial::new(
                from,
                PartyRole::Sender,
                DenialCode::OverPerTransferLimit,
                format!(
                    "amount {amount} exceeds the per-transfer limit {max} of KYC tier {}",
                    sender.tier
                ),
            ));
        }
    }
    if let Some(rule) = &policy.travel_rule {
        if amount >= rule.threshold {
            for (party, role, rec) in [
                (from, PartyRole::Sender, sender),
                (to, PartyRole::Recipient, recipient),
            ] {
                if rec.tier < rule.min_tier {
                    return Err(Denial::new(
                        party,
                        role,
                        DenialCode::TravelRule,
                        format!(
                            "amount {amount} is at or above the travel-rule threshold {}; {} {party} has KYC tier {} but tier {} is required",
                            rule.threshold,
                            role.as_str(),
                            rec.tier,
                            rule.min_tier
                        ),
                    ));
                }
            }
        }
    }
    Ok(())
}
