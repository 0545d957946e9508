//! Execute handlers. None of them writes a balance: they describe a `ledger::Movement`.

pub mod admin;
pub mod allowances;
pub mod channels;
pub mod cw20;
pub mod issuer;
pub mod marketing;
pub mod micropay;

use cosmwasm_std::{Addr, Deps};
use farthing_types::kyc::is_valid_reason;
use farthing_types::token::Role;

use crate::error::{ContractError, ContractResult};
use crate::state::ROLES;

pub fn ensure_role(deps: Deps, sender: &Addr, role: Role) -> ContractResult<()> {
    if ROLES.has(deps.storage, (role.code(), sender)) {
        Ok(())
    } else {
        Err(ContractError::MissingRole {
            sender: sender.to_string(),
            role: role.as_str().to_string(),
        })
    }
}

pub fn ensure_reason(reason: &str) -> ContractResult<()> {
    if is_valid_reason(reason) {
        Ok(())
    } else {
        Err(ContractError::InvalidReason {
            reason: reason.to_string(),
        })
    }
}
