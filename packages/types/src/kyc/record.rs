use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Addr, HexBinary, Timestamp};

/// Where an address stands with the compliance team.
#[cw_serde]
#[derive(Copy, Eq, Hash, PartialOrd, Ord)]
pub enum KycStatus {
    /// May send and receive within the policy.
    Active,
    /// Temporarily barred (investigation, missing document); may be reactivated.
    Suspended,
    /// Permanently barred (sanctioned, offboarded).
    Revoked,
}

impl KycStatus {
    /// Stable one-byte code, used as the key of the registry's status index.
    pub const fn code(self) -> u8 {
        match self {
            KycStatus::Active => 0,
            KycStatus::Suspended => 1,
            KycStatus::Revoked => 2,
        }
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            KycStatus::Active => "active",
            KycStatus::Suspended => "suspended",
            KycStatus::Revoked => "revoked",
        }
    }
}

impl std::fmt::Display for KycStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What kind of party holds the address. Escrows and other contracts must be listed too.
#[cw_serde]
#[derive(Copy, Eq, Hash)]
pub enum PartyKind {
    Individual,
    Business,
    Contract,
}

impl PartyKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            PartyKind::Individual => "individual",
            PartyKind::Business => "business",
            PartyKind::Contract => "contract",
        }
    }
}

impl std::fmt::Display for PartyKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One record as a compliance officer submits it in `UpsertRecords`.
/// Holds no personal data: the KYC file stays off chain, only its salted hash is stored.
#[cw_serde]
pub struct RecordInput {
    pub address: String,
    pub status: KycStatus,
    /// KYC level, 0 to [`super::MAX_TIER`].
    pub tier: u8,
    pub kind: PartyKind,
    /// ISO 3166-1 alpha-2 code: two uppercase ASCII letters.
    pub jurisdiction: String,
    /// When the KYC must be refreshed. Stored to the second (sub-second part dropped);
    /// must be in the future when written.
    pub expires_at: Timestamp,
    /// 32-byte salted commitment (hash) of the off-chain KYC file.
    pub attestation: HexBinary,
    /// Machine-readable reason code, 1 to 64 characters of `A-Z a-z 0-9 _ . : -`.
    pub reason: String,
}

/// The part of a record that decides transfers, stored compactly under
/// [`super::state::RECORDS_NAMESPACE`] so that another contract pays for one short
/// storage read per party. Field names are shortened on the wire on purpose:
/// every byte of this value costs gas in every compliance-checked transfer.
#[cw_serde]
pub struct GateRecord {
    #[serde(rename = "s")]
    pub status: KycStatus,
    #[serde(rename = "t")]
    pub tier: u8,
    #[serde(rename = "k")]
    pub kind: PartyKind,
    #[serde(rename = "j")]
    pub jurisdiction: String,
    /// Expiry in seconds since the Unix epoch.
    #[serde(rename = "x")]
    pub expires_at: u64,
}

impl GateRecord {
    pub fn expires_at(&self) -> Timestamp {
        Timestamp::from_seconds(self.expires_at)
    }
}

/// A full record as the `Record` and `Records` queries return it.
#[cw_serde]
pub struct RecordView {
    pub address: Addr,
    pub status: KycStatus,
    pub tier: u8,
    pub kind: PartyKind,
    pub jurisdiction: String,
    pub expires_at: Timestamp,
    pub attestation: HexBinary,
    pub updated_at: Timestamp,
    pub updated_by: Addr,
    pub reason: String,
}
