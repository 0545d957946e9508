//! Royalty splits: paying a work writes one number (the split's revenue in that asset),
//! whatever the number of recipients; recipients pull their share.

use std::collections::BTreeSet;

use cosmwasm_std::{to_json_binary, Addr, Deps, DepsMut, Env, Response, Uint128};
use farthing_types::escrow::{
    entitlement, events, events::WorkKind, AssetInfo, RegisterWorkResponse, Share, SplitShare,
    Work, WorkTerms, MAX_RECIPIENTS, MAX_WORK_ASSETS, MAX_WORK_NAME, TOTAL_BPS,
};

use crate::error::{ContractError, ContractResult};
use crate::payout;
use crate::state::{next_id, ACCEPTED_CW20, CLAIMED, NEXT_WORK, REVENUE, SPLITS, WORKS};

fn validate_split(
    deps: Deps,
    env: &Env,
    recipients: Vec<Share>,
) -> ContractResult<Vec<SplitShare>> {
    if recipients.is_empty() || recipients.len() > MAX_RECIPIENTS {
        return Err(ContractError::RecipientCount {
            count: recipients.len(),
            max: MAX_RECIPIENTS,
        });
    }
    let mut seen = BTreeSet::new();
    let mut sum: u32 = 0;
    let mut out = Vec::with_capacity(recipients.len());
    for share in recipients {
        let address = deps.api.addr_validate(&share.address)?;
        payout::ensure_not_escrow(env, &address)?;
        if share.bps == 0 {
            return Err(ContractError::ZeroShare {
                address: share.address,
            });
        }
        if !seen.insert(address.clone()) {
            return Err(ContractError::DuplicateRecipient {
                address: share.address,
            });
        }
        sum = sum.saturating_add(u32::from(share.bps));
        out.push(SplitShare {
            address,
            bps: share.bps,
        });
    }
    if sum != u32::from(TOTAL_BPS) {
        return Err(ContractError::SharesNotWhole { sum });
    }
    Ok(out)
}

fn load_work(deps: Deps, work_id: u64) -> ContractResult<Work> {
    WORKS
        .may_load(deps.storage, work_id)?
        .ok_or(ContractError::WorkNotFound { work_id })
}

pub fn register(deps: DepsMut, env: Env, owner: Addr, terms: WorkTerms) -> ContractResult {
    if terms.name.is_empty() || terms.name.len() > MAX_WORK_NAME {
        return Err(ContractError::InvalidName);
    }
    if terms.accepted.is_empty() {
        return Err(ContractError::NoAcceptedAsset);
    }
    if terms.accepted.len() > MAX_WORK_ASSETS {
        return Err(ContractError::TooManyAssets {
            count: terms.accepted.len(),
            max: MAX_WORK_ASSETS,
        });
    }
    for asset in &terms.accepted {
        if let AssetInfo::Cw20 { address } = asset {
            if !ACCEPTED_CW20.has(deps.storage, address) {
                return Err(ContractError::TokenNotAccepted {
                    address: address.to_string(),
                });
            }
        }
    }
    let recipients = validate_split(deps.as_ref(), &env, terms.recipients)?;
    let id = next_id(deps.storage, &NEXT_WORK)?;
    let work = Work {
        id,
        name: terms.name,
        owner: owner.clone(),
        epoch: 0,
        accepted: terms.accepted,
    };
    WORKS.save(deps.storage, id, &work)?;
    SPLITS.save(deps.storage, (id, 0), &recipients)?;
    Ok(Response::new()
        .set_data(to_json_binary(&RegisterWorkResponse { work_id: id })?)
        .add_event(events::work(
            WorkKind::Registered,
            id,
            &owner,
            0,
            recipients.len(),
        ))
        .add_attribute("action", "register_work")
        .add_attribute("sender", owner)
        .add_attribute("work_id", id.to_string()))
}

pub fn update_split(
    deps: DepsMut,
    env: Env,
    sender: Addr,
    work_id: u64,
    recipients: Vec<Share>,
) -> ContractResult {
    let mut work = load_work(deps.as_ref(), work_id)?;
    if sender != work.owner {
        return Err(ContractError::Ownership(
            cw_ownable::OwnershipError::NotOwner,
        ));
    }
    let recipients = validate_split(deps.as_ref(), &env, recipients)?;
    work.epoch = work
        .epoch
        .checked_add(1)
        .ok_or(ContractError::EpochNotFound {
            work_id,
            epoch: u32::MAX,
        })?;
    WORKS.save(deps.storage, work_id, &work)?;
    SPLITS.save(deps.storage, (work_id, work.epoch), &recipients)?;
    Ok(Response::new()
        .add_event(events::work(
            WorkKind::SplitUpdated,
            work_id,
            &sender,
            work.epoch,
            recipients.len(),
        ))
        .add_attribute("action", "update_split")
        .add_attribute("sender", sender))
}

pub fn pay(
    deps: DepsMut,
    env: Env,
    payer: Addr,
    work_id: u64,
    asset: AssetInfo,
    amount: Uint128,
) -> ContractResult {
    if amount.is_zero() {
        return Err(ContractError::ZeroAmount);
    }
    let work = load_work(deps.as_ref(), work_id)?;
    if !work.accepted.contains(&asset) {
        return Err(ContractError::AssetNotAccepted {
            work_id,
            asset: asset.to_string(),
        });
    }
    payout::screen_funder(deps.as_ref(), &env, &payer)?;
    payout::owe(deps.storage, &asset, amount)?;
    let key = asset.key();
    REVENUE.update(
        deps.storage,
        (work_id, work.epoch, &key),
        |r| -> ContractResult<_> { Ok(r.unwrap_or_default().checked_add(amount)?) },
    )?;
    Ok(Response::new()
        .add_event(events::royalty_paid(
            work_id, work.epoch, &payer, &asset, amount,
        ))
        .add_attribute("action", "pay")
        .add_attribute("sender", payer))
}

/// What `address` may claim from split `epoch` of `work_id` in `asset`: (owed, claimed).
pub fn claimable(
    deps: Deps,
    work_id: u64,
    epoch: Option<u32>,
    asset: &AssetInfo,
    address: &Addr,
) -> ContractResult<(u32, Uint128, Uint128)> {
    let work = load_work(deps, work_id)?;
    let epoch = epoch.unwrap_or(work.epoch);
    let shares = SPLITS
        .may_load(deps.storage, (work_id, epoch))?
        .ok_or(ContractError::EpochNotFound { work_id, epoch })?;
    let index = shares
        .iter()
        .position(|s| s.address == *address)
        .ok_or_else(|| ContractError::NotARecipient {
            address: address.to_string(),
            work_id,
            epoch,
        })?;
    let key = asset.key();
    let total = REVENUE
        .may_load(deps.storage, (work_id, epoch, &key))?
        .unwrap_or_default();
    let claimed = CLAIMED
        .may_load(deps.storage, ((work_id, epoch), &key, address))?
        .unwrap_or_default();
    let owed = entitlement(total, &shares, index, epoch < work.epoch).saturating_sub(claimed);
    Ok((epoch, owed, claimed))
}

pub fn claim(
    deps: DepsMut,
    env: Env,
    sender: Addr,
    work_id: u64,
    epoch: Option<u32>,
    asset: AssetInfo,
    amount: Option<Uint128>,
) -> ContractResult {
    let (epoch, owed, claimed) = claimable(deps.as_ref(), work_id, epoch, &asset, &sender)?;
    if owed.is_zero() {
        return Err(ContractError::NothingToClaim);
    }
    let owed = match amount {
        None => owed,
        Some(a) if a.is_zero() => return Err(ContractError::ZeroAmount),
        Some(a) if a > owed => return Err(ContractError::ExceedsOwed { requested: a, owed }),
        Some(a) => a,
    };
    // A pull claim by a non-compliant recipient is refused; the share stays owed to them.
    payout::check(deps.as_ref(), &env, &sender)?.map_err(ContractError::Denied)?;
    CLAIMED.save(
        deps.storage,
        ((work_id, epoch), &asset.key(), &sender),
        &claimed.checked_add(owed)?,
    )?;
    Ok(Response::new()
        .add_message(payout::send(deps.storage, &asset, &sender, owed)?)
        .add_event(events::royalty_claimed(
            work_id, epoch, &sender, &asset, owed,
        ))
        .add_attribute("action", "claim")
        .add_attribute("sender", sender)
        .add_attribute("amount", owed))
}
