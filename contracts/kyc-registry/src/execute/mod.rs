//! Execute handlers: records (officers) and administration (owner).

pub mod admin;
pub mod records;

use cosmwasm_std::{Addr, Env, StdResult, Storage};
use farthing_types::kyc::{AuditAction, AuditEntry, KycStatus};

use crate::state::{audit_log, AUDIT_SEQ};

/// Appends one entry to the audit log and returns its sequence number.
pub fn append_audit(
    storage: &mut dyn Storage,
    env: &Env,
    actor: &Addr,
    action: AuditAction,
    subject: Option<&Addr>,
    reason: Option<&str>,
    status: Option<KycStatus>,
) -> StdResult<u64> {
    let seq = AUDIT_SEQ
        .may_load(storage)?
        .unwrap_or_default()
        .checked_add(1)
        .ok_or_else(|| cosmwasm_std::StdError::generic_err("audit sequence overflow"))?;
    AUDIT_SEQ.save(storage, &seq)?;
    let entry = AuditEntry {
        seq,
        actor: actor.clone(),
        action,
        subject: subject.cloned(),
        reason: reason.map(str::to_string),
        status,
        time: env.block.time,
        height: env.block.height,
    };
    audit_log().save(storage, seq, &entry)?;
    Ok(seq)
}
