//! Storage. Records and policy use the layout exported by `farthing_types::kyc::state`,
//! because other contracts read them directly.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Addr, Empty, HexBinary, Timestamp};
use cw_storage_plus::{Index, IndexList, IndexedMap, Item, Map, MultiIndex};
use farthing_types::kyc::state::RECORDS_NAMESPACE;
use farthing_types::kyc::{AuditEntry, GateRecord};

/// The policy, in the layout other contracts read (`StoredPolicy`: lengths of time as
/// JSON numbers, whatever the wire format of messages).
pub use farthing_types::kyc::state::POLICY;

/// Secondary indexes of the record map, for the filtered `Records` query.
pub struct RecordIndexes<'a> {
    pub status: MultiIndex<'a, u8, GateRecord, Addr>,
    pub jurisdiction: MultiIndex<'a, String, GateRecord, Addr>,
    pub status_jurisdiction: MultiIndex<'a, (u8, String), GateRecord, Addr>,
}

impl IndexList<GateRecord> for RecordIndexes<'_> {
    fn get_indexes(&'_ self) -> Box<dyn Iterator<Item = &'_ dyn Index<GateRecord>> + '_> {
        let v: Vec<&dyn Index<GateRecord>> =
            vec![&self.status, &self.jurisdiction, &self.status_jurisdiction];
        Box::new(v.into_iter())
    }
}

pub fn records<'a>() -> IndexedMap<&'a Addr, GateRecord, RecordIndexes<'a>> {
    IndexedMap::new(
        RECORDS_NAMESPACE,
        RecordIndexes {
            status: MultiIndex::new(|_, r| r.status.code(), RECORDS_NAMESPACE, "r_s"),
            jurisdiction: MultiIndex::new(|_, r| r.jurisdiction.clone(), RECORDS_NAMESPACE, "r_j"),
            status_jurisdiction: MultiIndex::new(
                |_, r| (r.status.code(), r.jurisdiction.clone()),
                RECORDS_NAMESPACE,
                "r_sj",
            ),
        },
    )
}

/// The part of a record that transfers never read, kept apart so the gate's read stays short.
#[cw_serde]
pub struct RecordMeta {
    pub attestation: HexBinary,
    pub updated_at: Timestamp,
    pub updated_by: Addr,
    pub reason: String,
}

pub const RECORD_META: Map<&Addr, RecordMeta> = Map::new("rm");

pub const OFFICERS: Map<&Addr, Empty> = Map::new("o");

/// Index of audit entries by subject; entries without a subject are indexed under "".
pub struct AuditIndexes<'a> {
    pub subject: MultiIndex<'a, String, AuditEntry, u64>,
}

impl IndexList<AuditEntry> for AuditIndexes<'_> {
    fn get_indexes(&'_ self) -> Box<dyn Iterator<Item = &'_ dyn Index<AuditEntry>> + '_> {
        let v: Vec<&dyn Index<AuditEntry>> = vec![&self.subject];
        Box::new(v.into_iter())
    }
}

pub fn audit_log<'a>() -> IndexedMap<u64, AuditEntry, AuditIndexes<'a>> {
    IndexedMap::new(
        "a",
        AuditIndexes {
            subject: MultiIndex::new(
                |_, e| e.subject.as_ref().map(Addr::to_string).unwrap_or_default(),
                "a",
                "a_s",
            ),
        },
    )
}

/// Sequence number of the last audit entry (0: none yet).
pub const AUDIT_SEQ: Item<u64> = Item::new("as");
