//! The registry's storage layout that other contracts read directly (raw queries).
//!
//! These constants ARE the contract's storage: the registry stores its records and
//! policy through them, and changing a key or a value layout here is a migration.

use cosmwasm_std::Addr;
use cw_storage_plus::{Item, Map};

use super::{GateRecord, StoredPolicy};

/// Namespace of the record map: key = the address's bytes, value = [`GateRecord`] as JSON.
pub const RECORDS_NAMESPACE: &str = "r";
/// Storage key of the policy: value = [`StoredPolicy`] as JSON (lengths of time as numbers).
pub const POLICY_KEY: &str = "p";

/// Records, readable from another contract with `RECORDS.query(&querier, registry, &addr)`.
pub const RECORDS: Map<&Addr, GateRecord> = Map::new(RECORDS_NAMESPACE);
/// Policy, readable from another contract with `POLICY.query(&querier, registry)`. Saved
/// as a [`StoredPolicy`], so its layout stays the one every release's readers parse.
pub const POLICY: Item<StoredPolicy> = Item::new(POLICY_KEY);
