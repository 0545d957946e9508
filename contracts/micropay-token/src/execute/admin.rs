//! Owner messages: roles, registry, ownership.

use cosmwasm_std::{DepsMut, Empty, Env, MessageInfo, Response};
use farthing_types::token::{events, Role};

use crate::error::{ContractError, ContractResult};
use crate::state::{CONFIG, ROLES};

pub fn set_role(
    deps: DepsMut,
    info: MessageInfo,
    role: Role,
    address: String,
    grant: bool,
) -> ContractResult {
    cw_ownable::assert_owner(deps.storage, &info.sender)?;
    let addr = deps.api.addr_validate(&address)?;
    let key = (role.code(), &addr);
    let has = ROLES.has(deps.storage, key);
    match (has, grant) {
        (true, true) => {
            return Err(ContractError::RoleAlreadyGranted {
                address,
                role: role.as_str().to_string(),
            })
        }
        (false, false) => {
            return Err(ContractError::RoleNotGranted {
                address,
                role: role.as_str().to_string(),
            })
        }
        (false, true) => ROLES.save(deps.storage, key, &Empty {})?,
        (true, false) => ROLES.remove(deps.storage, key),
    }
    Ok(Response::new()
        .add_event(events::role(grant, role, &addr, &info.sender))
        .add_attribute("action", if grant { "grant_role" } else { "revoke_role" })
        .add_attribute("sender", info.sender))
}

pub fn set_registry(deps: DepsMut, info: MessageInfo, registry: Option<String>) -> ContractResult {
    cw_ownable::assert_owner(deps.storage, &info.sender)?;
    let registry = registry.map(|r| deps.api.addr_validate(&r)).transpose()?;
    if let Some(r) = &registry {
        ensure_registry(deps.as_ref(), r)?;
    }
    let mut config = CONFIG.load(deps.storage)?;
    config.registry = registry.clone();
    CONFIG.save(deps.storage, &config)?;
    Ok(Response::new()
        .add_event(events::registry_set(registry.as_ref(), &info.sender))
        .add_attribute("action", "set_registry")
        .add_attribute("sender", info.sender))
}

/// Refuses an address that does not serve a registry's policy: pointed at one, every
/// balance movement would fail until the owner noticed.
pub fn ensure_registry(deps: cosmwasm_std::Deps, addr: &cosmwasm_std::Addr) -> ContractResult<()> {
    farthing_types::kyc::KycRegistry(addr.clone())
        .policy(&deps.querier)
        .map(|_| ())
        .map_err(|_| ContractError::NotARegistry {
            address: addr.to_string(),
        })
}

pub fn update_ownership(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    action: cw_ownable::Action,
) -> ContractResult {
    let ownership = cw_ownable::update_ownership(deps, &env.block, &info.sender, action)?;
    Ok(Response::new()
        .add_attributes(ownership.into_attributes())
        .add_attribute("action", "update_ownership")
        .add_attribute("sender", info.sender))
}
