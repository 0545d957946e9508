//! Input validation shared by the execute handlers.

use std::collections::BTreeSet;

use cosmwasm_std::{Addr, Api, Deps};
use farthing_types::kyc::{is_valid_reason, Policy, MAX_BATCH, MAX_TIER, TIER_COUNT};

use crate::error::{ContractError, ContractResult};
use crate::state::OFFICERS;

/// ISO 3166-1 has 249 codes; no policy needs to block more.
pub const MAX_BLOCKED_JURISDICTIONS: usize = 249;

pub fn ensure_officer(deps: Deps, sender: &Addr) -> ContractResult<()> {
    if OFFICERS.has(deps.storage, sender) {
        Ok(())
    } else {
        Err(ContractError::NotOfficer {
            sender: sender.to_string(),
        })
    }
}

pub fn batch_size(size: usize) -> ContractResult<()> {
    if size == 0 {
        return Err(ContractError::EmptyBatch);
    }
    if size > MAX_BATCH {
        return Err(ContractError::BatchTooLarge {
            size,
            max: MAX_BATCH,
        });
    }
    Ok(())
}

/// Validates a batch of addresses: size, syntax, no duplicates.
pub fn unique_addresses<'a>(
    api: &dyn Api,
    addresses: impl ExactSizeIterator<Item = &'a str>,
) -> ContractResult<Vec<Addr>> {
    batch_size(addresses.len())?;
    let mut seen = BTreeSet::new();
    let mut out = Vec::with_capacity(addresses.len());
    for a in addresses {
        let addr = api.addr_validate(a)?;
        if !seen.insert(addr.clone()) {
            return Err(ContractError::DuplicateAddress {
                address: addr.into_string(),
            });
        }
        out.push(addr);
    }
    Ok(out)
}

pub fn is_jurisdiction(value: &str) -> bool {
    value.len() == 2 && value.bytes().all(|b| b.is_ascii_uppercase())
}

pub fn reason(reason: &str) -> ContractResult<()> {
    if is_valid_reason(reason) {
        Ok(())
    } else {
        Err(ContractError::InvalidReason {
            reason: reason.to_string(),
        })
    }
}

pub fn policy(policy: &Policy) -> ContractResult<()> {
    if policy.tier_limits.len() != TIER_COUNT {
        return Err(ContractError::WrongTierLimitCount {
            count: policy.tier_limits.len(),
            expected: TIER_COUNT,
        });
    }
    for (tier, limit) in policy.tier_limits.iter().enumerate() {
        if limit.max_volume_per_window.is_some() && limit.window_seconds == 0 {
            return Err(ContractError::MissingWindow { tier });
        }
    }
    if policy.blocked_jurisdictions.len() > MAX_BLOCKED_JURISDICTIONS {
        return Err(ContractError::TooManyBlockedJurisdictions {
            count: policy.blocked_jurisdictions.len(),
            max: MAX_BLOCKED_JURISDICTIONS,
        });
    }
    let mut seen = BTreeSet::new();
    for j in &policy.blocked_jurisdictions {
        if !is_jurisdiction(j) {
            return Err(ContractError::InvalidBlockedJurisdiction { value: j.clone() });
        }
        if !seen.insert(j.as_str()) {
            return Err(ContractError::DuplicateJurisdiction { value: j.clone() });
        }
    }
    if let Some(rule) = &policy.travel_rule {
        if rule.min_tier > MAX_TIER {
            return Err(ContractError::InvalidTravelRuleTier {
                tier: rule.min_tier,
            });
        }
        if rule.threshold.is_zero() {
            return Err(ContractError::ZeroTravelRuleThreshold);
        }
    }
    Ok(())
}
