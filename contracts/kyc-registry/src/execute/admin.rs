//! Owner messages: policy, officers, ownership. Every change is audited.

use cosmwasm_std::{DepsMut, Empty, Env, MessageInfo, Response};
use farthing_types::kyc::{events, AuditAction, Policy, StoredPolicy};

use super::append_audit;
use crate::error::{ContractError, ContractResult};
use crate::state::{OFFICERS, POLICY};
use crate::validate;

pub fn update_policy(deps: DepsMut, env: Env, info: MessageInfo, policy: Policy) -> ContractResult {
    cw_ownable::assert_owner(deps.storage, &info.sender)?;
    validate::policy(&policy)?;
    POLICY.save(deps.storage, &StoredPolicy(policy.clone()))?;
    let seq = append_audit(
        deps.storage,
        &env,
        &info.sender,
        AuditAction::PolicyUpdated,
        None,
        None,
        None,
    )?;
    Ok(Response::new()
        .add_event(events::policy_updated(&policy, &info.sender, seq))
        .add_attribute("action", "update_policy")
        .add_attribute("sender", info.sender))
}

pub fn add_officer(deps: DepsMut, env: Env, info: MessageInfo, address: String) -> ContractResult {
    cw_ownable::assert_owner(deps.storage, &info.sender)?;
    let officer = deps.api.addr_validate(&address)?;
    if OFFICERS.has(deps.storage, &officer) {
        return Err(ContractError::AlreadyOfficer { address });
    }
    OFFICERS.save(deps.storage, &officer, &Empty {})?;
    let seq = append_audit(
        deps.storage,
        &env,
        &info.sender,
        AuditAction::OfficerAdded,
        Some(&officer),
        None,
        None,
    )?;
    Ok(Response::new()
        .add_event(events::officer_added(&officer, &info.sender, seq))
        .add_attribute("action", "add_officer")
        .add_attribute("sender", info.sender))
}

pub fn remove_officer(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    address: String,
) -> ContractResult {
    cw_ownable::assert_owner(deps.storage, &info.sender)?;
    let officer = deps.api.addr_validate(&address)?;
    if !OFFICERS.has(deps.storage, &officer) {
        return Err(ContractError::NotAnOfficer { address });
    }
    OFFICERS.remove(deps.storage, &officer);
    let seq = append_audit(
        deps.storage,
        &env,
        &info.sender,
        AuditAction::OfficerRemoved,
        Some(&officer),
        None,
        None,
    )?;
    Ok(Response::new()
        .add_event(events::officer_removed(&officer, &info.sender, seq))
        .add_attribute("action", "remove_officer")
        .add_attribute("sender", info.sender))
}

pub fn update_ownership(
    mut deps: DepsMut,
    env: Env,
    info: MessageInfo,
    action: cw_ownable::Action,
) -> ContractResult {
    let ownership = cw_ownable::update_ownership(deps.branch(), &env.block, &info.sender, action)?;
    let subject = ownership
        .pending_owner
        .as_ref()
        .or(ownership.owner.as_ref());
    let seq = append_audit(
        deps.storage,
        &env,
        &info.sender,
        AuditAction::OwnershipUpdated,
        subject,
        None,
        None,
    )?;
    Ok(Response::new()
        .add_event(events::ownership_updated(
            &info.sender,
            ownership.owner.as_ref(),
            ownership.pending_owner.as_ref(),
            seq,
        ))
        .add_attributes(ownership.into_attributes())
        .add_attribute("action", "update_ownership")
        .add_attribute("sender", info.sender))
}
