//! Entry points and dispatch only.

#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{to_json_binary, Binary, Deps, DepsMut, Empty, Env, MessageInfo, Response};
use farthing_types::kyc::{
    events, AuditAction, ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg, StoredPolicy,
};

use crate::execute::{admin, append_audit, records};
use crate::state::{OFFICERS, POLICY};
use crate::{query, validate, ContractError, ContractResult, CONTRACT_NAME, CONTRACT_VERSION};

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> ContractResult {
    cw2::set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    let owner = msg.owner.as_deref().unwrap_or(info.sender.as_str());
    let ownership = cw_ownable::initialize_owner(deps.storage, deps.api, Some(owner))?;
    validate::policy(&msg.policy)?;
    POLICY.save(deps.storage, &StoredPolicy(msg.policy.clone()))?;
    let mut resp = Response::new();
    for officer in &msg.officers {
        let officer = deps.api.addr_validate(officer)?;
        if OFFICERS.has(deps.storage, &officer) {
            return Err(ContractError::AlreadyOfficer {
                address: officer.into_string(),
            });
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
        resp = resp.add_event(events::officer_added(&officer, &info.sender, seq));
    }
    let owner = ownership.owner.map(|o| o.into_string()).unwrap_or_default();
    Ok(resp
        .add_attribute("action", "instantiate")
        .add_attribute("sender", info.sender)
        .add_attribute("owner", owner))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(deps: DepsMut, env: Env, info: MessageInfo, msg: ExecuteMsg) -> ContractResult {
    match msg {
        ExecuteMsg::UpsertRecords { records } => records::upsert_records(deps, env, info, records),
        ExecuteMsg::SetStatus {
            addresses,
            status,
            reason,
        } => records::set_status(deps, env, info, addresses, status, reason),
        ExecuteMsg::RemoveRecords { addresses, reason } => {
            records::remove_records(deps, env, info, addresses, reason)
        }
        ExecuteMsg::UpdatePolicy { policy } => admin::update_policy(deps, env, info, policy),
        ExecuteMsg::AddOfficer { address } => admin::add_officer(deps, env, info, address),
        ExecuteMsg::RemoveOfficer { address } => admin::remove_officer(deps, env, info, address),
        ExecuteMsg::UpdateOwnership(action) => admin::update_ownership(deps, env, info, action),
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, env: Env, msg: QueryMsg) -> ContractResult<Binary> {
    let bin = match msg {
        QueryMsg::Record { address } => to_json_binary(&query::record(deps, address)?),
        QueryMsg::Records {
            status,
            jurisdiction,
            start_after,
            limit,
        } => to_json_binary(&query::records_page(
            deps,
            status,
            jurisdiction,
            start_after,
            limit,
        )?),
        QueryMsg::CheckTransfer { from, to, amount } => {
            to_json_binary(&query::check_transfer(deps, env, from, to, amount)?)
        }
        QueryMsg::Policy {} => to_json_binary(&query::policy(deps)?),
        QueryMsg::Officers { start_after, limit } => {
            to_json_binary(&query::officers(deps, start_after, limit)?)
        }
        QueryMsg::AuditLog {
            subject,
            start_after,
            limit,
            descending,
        } => to_json_binary(&query::audit(
            deps,
            subject,
            start_after,
            limit,
            descending,
        )?),
        QueryMsg::Ownership {} => to_json_binary(&cw_ownable::get_ownership(deps.storage)?),
    }?;
    Ok(bin)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn migrate(deps: DepsMut, env: Env, msg: MigrateMsg) -> ContractResult {
    crate::migrate::migrate(deps, env, msg)
}
