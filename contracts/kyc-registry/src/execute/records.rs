//! Officer messages: upsert, status change, removal. Each is all-or-nothing: every
//! entry is validated before the first write.

use cosmwasm_std::{Addr, DepsMut, Env, MessageInfo, Response, Timestamp};
use farthing_types::kyc::{
    events, AuditAction, GateRecord, KycStatus, RecordInput, ATTESTATION_LEN, MAX_TIER,
};

use super::append_audit;
use crate::error::{ContractError, ContractResult};
use crate::state::{records, RecordMeta, RECORD_META};
use crate::validate;

pub fn upsert_records(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    inputs: Vec<RecordInput>,
) -> ContractResult {
    validate::ensure_officer(deps.as_ref(), &info.sender)?;
    let addrs = validate::unique_addresses(deps.api, inputs.iter().map(|r| r.address.as_str()))?;
    for (addr, input) in addrs.iter().zip(&inputs) {
        validate_input(addr, input, &env)?;
    }

    let mut resp = Response::new();
    for (addr, input) in addrs.iter().zip(&inputs) {
        let gate = GateRecord {
            status: input.status,
            tier: input.tier,
            kind: input.kind,
            jurisdiction: input.jurisdiction.clone(),
            expires_at: input.expires_at.seconds(),
        };
        records().save(deps.storage, addr, &gate)?;
        RECORD_META.save(
            deps.storage,
            addr,
            &RecordMeta {
                attestation: input.attestation.clone(),
                updated_at: env.block.time,
                updated_by: info.sender.clone(),
                reason: input.reason.clone(),
            },
        )?;
        let seq = append_audit(
            deps.storage,
            &env,
            &info.sender,
            AuditAction::RecordUpserted,
            Some(addr),
            Some(&input.reason),
            Some(input.status),
        )?;
        resp = resp.add_event(events::record_updated(addr, input, &info.sender, seq));
    }
    Ok(resp
        .add_attribute("action", "upsert_records")
        .add_attribute("sender", info.sender)
        .add_attribute("count", addrs.len().to_string()))
}

fn validate_input(addr: &Addr, input: &RecordInput, env: &Env) -> ContractResult<()> {
    if input.tier > MAX_TIER {
        return Err(ContractError::InvalidTier {
            address: addr.to_string(),
            tier: input.tier,
        });
    }
    if !validate::is_jurisdiction(&input.jurisdiction) {
        return Err(ContractError::InvalidRecordJurisdiction {
            address: addr.to_string(),
            value: input.jurisdiction.clone(),
        });
    }
    if input.attestation.len() != ATTESTATION_LEN {
        return Err(ContractError::InvalidAttestation {
            address: addr.to_string(),
            length: input.attestation.len(),
        });
    }
    validate::reason(&input.reason)?;
    // Expiry is kept to the second (the gate compares whole seconds).
    let expires_at = Timestamp::from_seconds(input.expires_at.seconds());
    if expires_at <= env.block.time {
        return Err(ContractError::ExpiryNotInFuture {
            address: addr.to_string(),
            expires_at,
            now: env.block.time,
        });
    }
    Ok(())
}

/// Loads the records of `addrs`, failing on the first address without one.
fn load_existing(deps: &DepsMut, addrs: Vec<Addr>) -> ContractResult<Vec<(Addr, GateRecord)>> {
    addrs
        .into_iter()
        .map(|addr| match records().may_load(deps.storage, &addr)? {
            Some(rec) => Ok((addr, rec)),
            None => Err(ContractError::RecordNotFound {
                address: addr.into_string(),
            }),
        })
        .collect()
}

pub fn set_status(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    addresses: Vec<String>,
    status: KycStatus,
    reason: String,
) -> ContractResult {
    validate::ensure_officer(deps.as_ref(), &info.sender)?;
    validate::reason(&reason)?;
    let addrs = validate::unique_addresses(deps.api, addresses.iter().map(String::as_str))?;
    let existing = load_existing(&deps, addrs)?;

    let mut resp = Response::new();
    for (addr, mut rec) in existing {
        let previous = rec.status;
        rec.status = status;
        records().save(deps.storage, &addr, &rec)?;
        RECORD_META.update(deps.storage, &addr, |meta| -> ContractResult<_> {
            let mut meta = meta.ok_or_else(|| ContractError::RecordNotFound {
                address: addr.to_string(),
            })?;
            meta.updated_at = env.block.time;
            meta.updated_by = info.sender.clone();
            meta.reason = reason.clone();
            Ok(meta)
        })?;
        let seq = append_audit(
            deps.storage,
            &env,
            &info.sender,
            AuditAction::StatusChanged,
            Some(&addr),
            Some(&reason),
            Some(status),
        )?;
        resp = resp.add_event(events::status_changed(
            &addr,
            previous,
            status,
            &reason,
            &info.sender,
            seq,
        ));
    }
    Ok(resp
        .add_attribute("action", "set_status")
        .add_attribute("sender", info.sender)
        .add_attribute("status", status.as_str())
        .add_attribute("count", addresses.len().to_string()))
}

pub fn remove_records(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    addresses: Vec<String>,
    reason: String,
) -> ContractResult {
    validate::ensure_officer(deps.as_ref(), &info.sender)?;
    validate::reason(&reason)?;
    let addrs = validate::unique_addresses(deps.api, addresses.iter().map(String::as_str))?;
    let existing = load_existing(&deps, addrs)?;

    let mut resp = Response::new();
    for (addr, _) in existing {
        records().remove(deps.storage, &addr)?;
        RECORD_META.remove(deps.storage, &addr);
        let seq = append_audit(
            deps.storage,
            &env,
            &info.sender,
            AuditAction::RecordRemoved,
            Some(&addr),
            Some(&reason),
            None,
        )?;
        resp = resp.add_event(events::record_removed(&addr, &reason, &info.sender, seq));
    }
    Ok(resp
        .add_attribute("action", "remove_records")
        .add_attribute("sender", info.sender)
        .add_attribute("count", addresses.len().to_string()))
}
