//! Escrow deals. Every state has a way out: an open deal is released, settled, or refunded
//! after expiry (by anyone); a disputed deal is resolved by the arbiter, settled, or refunded
//! at the dispute deadline (by anyone); a closed deal holds nothing.

use cosmwasm_std::{to_json_binary, Addr, DepsMut, Env, Response, Uint128};
use farthing_types::escrow::{
    events, events::DealKind, AssetInfo, CreateDealResponse, Deal, DealStatus, DealTerms,
    Milestone, Settlement, MAX_MILESTONES,
};

use crate::error::{ContractError, ContractResult};
use crate::payout::{self, Kind};
use crate::state::{deals, next_id, CONFIG, NEXT_DEAL};

fn load(deps: &DepsMut, deal_id: u64) -> ContractResult<Deal> {
    deals()
        .may_load(deps.storage, deal_id)?
        .ok_or(ContractError::DealNotFound { deal_id })
}

fn status_name(s: &DealStatus) -> &'static str {
    match s {
        DealStatus::Open => "open",
        DealStatus::Disputed { .. } => "disputed",
        DealStatus::Closed => "closed",
    }
}

fn wrong_status(deal: &Deal, needed: &str) -> ContractError {
    ContractError::WrongStatus {
        deal_id: deal.id,
        status: status_name(&deal.status).to_string(),
        needed: needed.to_string(),
    }
}

fn not_allowed(sender: &Addr, deal: &Deal) -> ContractError {
    ContractError::NotAllowed {
        sender: sender.to_string(),
        deal_id: deal.id,
    }
}

fn is_party(sender: &Addr, deal: &Deal) -> bool {
    *sender == deal.payer || *sender == deal.payee
}

pub fn create(
    deps: DepsMut,
    env: Env,
    payer: Addr,
    asset: AssetInfo,
    amount: Uint128,
    terms: DealTerms,
) -> ContractResult {
    if amount.is_zero() {
        return Err(ContractError::ZeroAmount);
    }
    payout::screen_funder(deps.as_ref(), &env, &payer)?;
    let payee = deps.api.addr_validate(&terms.payee)?;
    let arbiter = terms
        .arbiter
        .map(|a| deps.api.addr_validate(&a))
        .transpose()?;
    if payee == payer || arbiter.as_ref().is_some_and(|a| *a == payer || *a == payee) {
        return Err(ContractError::SameParties);
    }
    for party in [Some(&payee), arbiter.as_ref()].into_iter().flatten() {
        payout::ensure_not_escrow(&env, party)?;
    }
    if terms.expires_at <= env.block.time {
        return Err(ContractError::ExpiryInPast {
            expires_at: terms.expires_at,
        });
    }
    let amounts = if terms.milestones.is_empty() {
        vec![amount]
    } else {
        terms.milestones
    };
    if amounts.len() > MAX_MILESTONES {
        return Err(ContractError::TooManyMilestones {
            count: amounts.len(),
            max: MAX_MILESTONES,
        });
    }
    let mut sum = Uint128::zero();
    for m in &amounts {
        if m.is_zero() {
            return Err(ContractError::ZeroAmount);
        }
        sum = sum.checked_add(*m)?;
    }
    if sum != amount {
        return Err(ContractError::MilestonesMismatch {
            sum,
            deposit: amount,
        });
    }
    payout::owe(deps.storage, &asset, amount)?;
    let id = next_id(deps.storage, &NEXT_DEAL)?;
    let deal = Deal {
        id,
        payer,
        payee,
        arbiter,
        asset,
        deposited: amount,
        milestones: amounts
            .into_iter()
            .map(|amount| Milestone {
                amount,
                released: false,
            })
            .collect(),
        expires_at: terms.expires_at,
        status: DealStatus::Open,
        proposal: None,
        to_payee: Uint128::zero(),
        to_payer: Uint128::zero(),
    };
    deals().save(deps.storage, id, &deal)?;
    Ok(Response::new()
        .set_data(to_json_binary(&CreateDealResponse { deal_id: id })?)
        .add_event(events::deal_created(
            id,
            &deal.payer,
            &deal.payee,
            &deal.asset,
            amount,
        ))
        .add_attribute("action", "create_deal")
        .add_attribute("sender", &deal.payer)
        .add_attribute("deal_id", id.to_string()))
}

pub fn top_up(
    deps: DepsMut,
    env: Env,
    sender: Addr,
    deal_id: u64,
    asset: AssetInfo,
    amount: Uint128,
) -> ContractResult {
    let mut deal = load(&deps, deal_id)?;
    if sender != deal.payer {
        return Err(not_allowed(&sender, &deal));
    }
    if deal.status != DealStatus::Open {
        return Err(wrong_status(&deal, "open"));
    }
    if asset != deal.asset {
        return Err(ContractError::WrongAsset {
            expected: deal.asset.to_string(),
            got: asset.to_string(),
        });
    }
    if amount.is_zero() {
        return Err(ContractError::ZeroAmount);
    }
    payout::screen_funder(deps.as_ref(), &env, &sender)?;
    if deal.milestones.len() >= MAX_MILESTONES {
        return Err(ContractError::TooManyMilestones {
            count: deal.milestones.len().saturating_add(1),
            max: MAX_MILESTONES,
        });
    }
    deal.deposited = deal.deposited.checked_add(amount)?;
    payout::owe(deps.storage, &deal.asset, amount)?;
    deal.milestones.push(Milestone {
        amount,
        released: false,
    });
    let resp = void_proposal(&mut deal, &sender, Response::new());
    deals().save(deps.storage, deal_id, &deal)?;
    Ok(resp
        .add_event(events::deal(
            DealKind::ToppedUp,
            deal_id,
            &sender,
            Uint128::zero(),
            Uint128::zero(),
        ))
        .add_attribute("action", "top_up")
        .add_attribute("sender", sender)
        .add_attribute("amount", amount))
}

/// A standing settlement proposal splits what the deal held when it was made; a release or
/// a top-up changes that, so the proposal becomes void (`escrow_settlement_voided`).
fn void_proposal(deal: &mut Deal, by: &Addr, resp: Response) -> Response {
    match deal.proposal.take() {
        Some(_) => resp.add_event(events::deal(
            DealKind::SettlementVoided,
            deal.id,
            by,
            Uint128::zero(),
            Uint128::zero(),
        )),
        None => resp,
    }
}

/// Pays out a split of what the deal still holds and closes it.
fn close_with_split(
    mut deps: DepsMut,
    env: &Env,
    mut deal: Deal,
    to_payee: Uint128,
    kind: DealKind,
    by: &Addr,
) -> ContractResult {
    let remaining = deal.remaining();
    if to_payee > remaining {
        return Err(ContractError::SplitTooLarge {
            to_payee,
            remaining,
        });
    }
    let to_payer = remaining.checked_sub(to_payee)?;
    deal.to_payee = deal.to_payee.checked_add(to_payee)?;
    deal.to_payer = deal.to_payer.checked_add(to_payer)?;
    for m in deal.milestones.iter_mut() {
        m.released = true;
    }
    deal.status = DealStatus::Closed;
    deal.proposal = None;
    deals().save(deps.storage, deal.id, &deal)?;
    let resp = Response::new()
        .add_event(events::deal(kind, deal.id, by, to_payee, to_payer))
        .add_attribute("action", kind.as_str())
        .add_attribute("sender", by)
        .add_attribute("deal_id", deal.id.to_string());
    let resp = payout::pay(
        deps.branch(),
        env,
        resp,
        &deal.payee,
        &deal.asset,
        to_payee,
        Kind::Release,
    )?;
    payout::pay(
        deps,
        env,
        resp,
        &deal.payer,
        &deal.asset,
        to_payer,
        Kind::Refund,
    )
}

pub fn release(
    deps: DepsMut,
    env: Env,
    sender: Addr,
    deal_id: u64,
    milestone: Option<u32>,
) -> ContractResult {
    let mut deal = load(&deps, deal_id)?;
    if sender != deal.payer && Some(&sender) != deal.arbiter.as_ref() {
        return Err(not_allowed(&sender, &deal));
    }
    if deal.status != DealStatus::Open {
        return Err(wrong_status(&deal, "open"));
    }
    let amount = match milestone {
        Some(index) => {
            let m = deal
                .milestones
                .get_mut(index as usize)
                .filter(|m| !m.released)
                .ok_or(ContractError::InvalidMilestone { index })?;
            m.released = true;
            m.amount
        }
        None => deal
            .milestones
            .iter_mut()
            .filter(|m| !m.released)
            .try_fold(Uint128::zero(), |sum, m| {
                m.released = true;
                sum.checked_add(m.amount)
            })?,
    };
    deal.to_payee = deal.to_payee.checked_add(amount)?;
    if deal.milestones.iter().all(|m| m.released) {
        deal.status = DealStatus::Closed;
    }
    let resp = void_proposal(&mut deal, &sender, Response::new());
    deals().save(deps.storage, deal_id, &deal)?;
    let resp = resp
        .add_event(events::deal(
            DealKind::Released,
            deal_id,
            &sender,
            amount,
            Uint128::zero(),
        ))
        .add_attribute("action", "release")
        .add_attribute("sender", &sender)
        .add_attribute("amount", amount);
    payout::pay(
        deps,
        &env,
        resp,
        &deal.payee,
        &deal.asset,
        amount,
        Kind::Release,
    )
}

pub fn refund(deps: DepsMut, env: Env, sender: Addr, deal_id: u64) -> ContractResult {
    let deal = load(&deps, deal_id)?;
    if deal.status != DealStatus::Open {
        return Err(wrong_status(&deal, "open"));
    }
    if env.block.time < deal.expires_at {
        return Err(ContractError::NotExpired {
            deal_id,
            expires_at: deal.expires_at,
        });
    }
    close_with_split(
        deps,
        &env,
        deal,
        Uint128::zero(),
        DealKind::Refunded,
        &sender,
    )
}

pub fn open_dispute(deps: DepsMut, env: Env, sender: Addr, deal_id: u64) -> ContractResult {
    let mut deal = load(&deps, deal_id)?;
    if !is_party(&sender, &deal) {
        return Err(not_allowed(&sender, &deal));
    }
    if deal.status != DealStatus::Open {
        return Err(wrong_status(&deal, "open"));
    }
    if env.block.time >= deal.expires_at {
        return Err(ContractError::Expired {
            deal_id,
            expires_at: deal.expires_at,
        });
    }
    let timeout = CONFIG.load(deps.storage)?.dispute_timeout_seconds;
    // The timeout is bounded only from below: saturate past the end of the range.
    deal.status = DealStatus::Disputed {
        deadline: farthing_types::later_by(env.block.time, timeout),
    };
    deals().save(deps.storage, deal_id, &deal)?;
    Ok(Response::new()
        .add_event(events::deal(
            DealKind::DisputeOpened,
            deal_id,
            &sender,
            Uint128::zero(),
            Uint128::zero(),
        ))
        .add_attribute("action", "open_dispute")
        .add_attribute("sender", sender))
}

pub fn resolve(
    deps: DepsMut,
    env: Env,
    sender: Addr,
    deal_id: u64,
    to_payee: Uint128,
) -> ContractResult {
    let deal = load(&deps, deal_id)?;
    if Some(&sender) != deal.arbiter.as_ref() {
        return Err(not_allowed(&sender, &deal));
    }
    if !matches!(deal.status, DealStatus::Disputed { .. }) {
        return Err(wrong_status(&deal, "disputed"));
    }
    close_with_split(deps, &env, deal, to_payee, DealKind::Resolved, &sender)
}

pub fn propose(deps: DepsMut, sender: Addr, deal_id: u64, to_payee: Uint128) -> ContractResult {
    let mut deal = load(&deps, deal_id)?;
    if !is_party(&sender, &deal) {
        return Err(not_allowed(&sender, &deal));
    }
    if deal.status == DealStatus::Closed {
        return Err(wrong_status(&deal, "open or disputed"));
    }
    let remaining = deal.remaining();
    if to_payee > remaining {
        return Err(ContractError::SplitTooLarge {
            to_payee,
            remaining,
        });
    }
    deal.proposal = Some(Settlement {
        proposer: sender.clone(),
        to_payee,
    });
    deals().save(deps.storage, deal_id, &deal)?;
    Ok(Response::new()
        .add_event(events::deal(
            DealKind::SettlementProposed,
            deal_id,
            &sender,
            to_payee,
            remaining.checked_sub(to_payee)?,
        ))
        .add_attribute("action", "propose_settlement")
        .add_attribute("sender", sender))
}

pub fn accept(deps: DepsMut, env: Env, sender: Addr, deal_id: u64) -> ContractResult {
    let deal = load(&deps, deal_id)?;
    if !is_party(&sender, &deal) {
        return Err(not_allowed(&sender, &deal));
    }
    if deal.status == DealStatus::Closed {
        return Err(wrong_status(&deal, "open or disputed"));
    }
    let proposal = deal
        .proposal
        .clone()
        .ok_or(ContractError::NoProposal { deal_id })?;
    if proposal.proposer == sender {
        return Err(ContractError::OwnProposal);
    }
    close_with_split(
        deps,
        &env,
        deal,
        proposal.to_payee,
        DealKind::Settled,
        &sender,
    )
}

pub fn expire_dispute(deps: DepsMut, env: Env, sender: Addr, deal_id: u64) -> ContractResult {
    let deal = load(&deps, deal_id)?;
    let DealStatus::Disputed { deadline } = deal.status else {
        return Err(wrong_status(&deal, "disputed"));
    };
    if env.block.time < deadline {
        return Err(ContractError::DisputeRunning { deal_id, deadline });
    }
    close_with_split(
        deps,
        &env,
        deal,
        Uint128::zero(),
        DealKind::DisputeExpired,
        &sender,
    )
}
