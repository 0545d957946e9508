use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{Addr, Timestamp, Uint128};
use cw_ownable::{cw_ownable_execute, cw_ownable_query};

use super::{KycStatus, Policy, RecordInput, RecordView};

#[cw_serde]
pub struct InstantiateMsg {
    /// Owner (sets policy, manages officers). Defaults to the instantiating account.
    pub owner: Option<String>,
    /// Initial compliance officers.
    pub officers: Vec<String>,
    pub policy: Policy,
}

#[cw_ownable_execute]
#[cw_serde]
pub enum ExecuteMsg {
    /// Officer: create or replace up to `MAX_BATCH` records, all or nothing.
    UpsertRecords { records: Vec<RecordInput> },
    /// Officer: change the status of existing records, all or nothing.
    SetStatus {
        addresses: Vec<String>,
        status: KycStatus,
        reason: String,
    },
    /// Officer: delete existing records, all or nothing. The audit log keeps their history.
    RemoveRecords {
        addresses: Vec<String>,
        reason: String,
    },
    /// Owner: replace the policy.
    UpdatePolicy { policy: Policy },
    /// Owner: grant the compliance-officer role.
    AddOfficer { address: String },
    /// Owner: revoke the compliance-officer role.
    RemoveOfficer { address: String },
}

#[cw_ownable_query]
#[cw_serde]
#[derive(QueryResponses)]
pub enum QueryMsg {
    /// The record of one address (`None` if it has none).
    #[returns(RecordResponse)]
    Record { address: String },
    /// Records in address order, optionally only those with `status` and/or in `jurisdiction`.
    #[returns(RecordsResponse)]
    Records {
        status: Option<KycStatus>,
        jurisdiction: Option<String>,
        start_after: Option<String>,
        limit: Option<u32>,
    },
    /// The verdict on a transfer now, with a machine-readable denial.
    #[returns(super::Verdict)]
    CheckTransfer {
        from: String,
        to: String,
        amount: Uint128,
    },
    /// The policy: blocked jurisdictions, tier limits, travel rule, expiry grace.
    #[returns(Policy)]
    Policy {},
    /// The compliance officers, in address order, paginated.
    #[returns(OfficersResponse)]
    Officers {
        start_after: Option<String>,
        limit: Option<u32>,
    },
    /// Audit entries, oldest first (or newest first with `descending`), globally or for one subject.
    /// `start_after` is a sequence number: entries after it in the chosen order.
    #[returns(AuditLogResponse)]
    AuditLog {
        subject: Option<String>,
        #[serde(default, with = "farthing_voucher::wire::opt_u64_str")]
        #[schemars(with = "Option<cosmwasm_std::Uint64>")]
        start_after: Option<u64>,
        limit: Option<u32>,
        descending: Option<bool>,
    },
}

#[cw_serde]
pub struct MigrateMsg {}

#[cw_serde]
pub struct RecordResponse {
    pub record: Option<RecordView>,
}

#[cw_serde]
pub struct RecordsResponse {
    pub records: Vec<RecordView>,
}

#[cw_serde]
pub struct OfficersResponse {
    pub officers: Vec<Addr>,
}

/// What an audit entry records.
#[cw_serde]
#[derive(Copy, Eq)]
pub enum AuditAction {
    RecordUpserted,
    StatusChanged,
    RecordRemoved,
    PolicyUpdated,
    OfficerAdded,
    OfficerRemoved,
    OwnershipUpdated,
}

impl AuditAction {
    pub const fn as_str(self) -> &'static str {
        match self {
            AuditAction::RecordUpserted => "record_upserted",
            AuditAction::StatusChanged => "status_changed",
            AuditAction::RecordRemoved => "record_removed",
            AuditAction::PolicyUpdated => "policy_updated",
            AuditAction::OfficerAdded => "officer_added",
            AuditAction::OfficerRemoved => "officer_removed",
            AuditAction::OwnershipUpdated => "ownership_updated",
        }
    }
}

/// One append-only entry of the on-chain audit log.
#[cw_serde]
pub struct AuditEntry {
    #[serde(with = "farthing_voucher::wire::u64_str")]
    #[schemars(with = "cosmwasm_std::Uint64")]
    pub seq: u64,
    /// Who made the change.
    pub actor: Addr,
    pub action: AuditAction,
    /// The address the change is about (record, officer), if any.
    pub subject: Option<Addr>,
    /// Reason code given by the officer, if any.
    pub reason: Option<String>,
    /// Status after the change, for record changes.
    pub status: Option<KycStatus>,
    pub time: Timestamp,
    #[serde(with = "farthing_voucher::wire::u64_str")]
    #[schemars(with = "cosmwasm_std::Uint64")]
    pub height: u64,
}

#[cw_serde]
pub struct AuditLogResponse {
    pub entries: Vec<AuditEntry>,
}
