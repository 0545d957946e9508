//! Unidirectional payment channels: the payer locks funds once, signs cumulative vouchers
//! off chain, and the payee settles thousands of micropayments with one claim.
//!
//! Ways out of every state: the payee claims and/or closes at any time; the payer starts
//! closing and closes after the settle period, or closes at once after expiry. Whatever is
//! not claimed returns to the payer.

use cosmwasm_std::{
    to_json_binary, Addr, Deps, DepsMut, Env, HexBinary, MessageInfo, Response, Timestamp, Uint128,
};
use farthing_types::token::{
    events, events::ChannelKind, Channel, ChannelClaim, OpenChannelResponse, SignerKey,
    MAX_CHANNEL_SECONDS, MAX_CLAIMS, MAX_SETTLE_SECONDS, MIN_SETTLE_SECONDS,
};
use farthing_voucher::{check_key, verify, verify_many, Voucher};

use super::micropay::check_travel_rule_ref;
use crate::error::{ContractError, ContractResult};
use crate::ledger::{self, Movement};
use crate::state::{channels, holder, CHANNELS_PRIMARY, CONFIG, NEXT_CHANNEL, SETTLE_SECONDS};

/// Loads a channel with its deadlines moved by the time the token spent paused since they
/// were last moved (a pause stops every claim, so it must not run the payee's clock).
fn load(deps: &DepsMut, env: &Env, channel: u64) -> ContractResult<Channel> {
    let mut ch = channels()
        .may_load(deps.storage, channel)?
        .ok_or(ContractError::ChannelNotFound { channel })?;
    ch.catch_up(stop_clock(deps.as_ref(), env, &ch.payer)?);
    Ok(ch)
}

/// The stop clock of a channel paid by `payer`: the token's paused seconds plus the
/// payer's frozen seconds (current stops included). Either stops every claim, so neither
/// may run the payee's clock.
pub fn stop_clock(deps: Deps, env: &Env, payer: &Addr) -> ContractResult<u64> {
    let paused = CONFIG.load(deps.storage)?.paused_until(env.block.time);
    let frozen = ledger::load_account(deps, payer)?.frozen_until(env.block.time);
    Ok(paused.saturating_add(frozen))
}

/// A deadline set from now must stay within `MAX_CHANNEL_SECONDS`.
fn within_reach(env: &Env, expires_at: Timestamp) -> ContractResult<()> {
    let now = env.block.time;
    if expires_at.seconds().saturating_sub(now.seconds()) > MAX_CHANNEL_SECONDS {
        return Err(ContractError::ExpiryTooLate {
            expires_at,
            now,
            max_seconds: MAX_CHANNEL_SECONDS,
        });
    }
    Ok(())
}

/// The payer side of a channel is whoever holds the payer's account now: the payer, or the
/// wallet a recovery moved it to (the lost key no longer acts for it).
fn is_payer(deps: &DepsMut, sender: &Addr, ch: &Channel) -> ContractResult<bool> {
    Ok(*sender == holder(deps.storage, &ch.payer)?)
}

fn not_party(sender: &Addr, channel: u64) -> ContractError {
    ContractError::NotChannelParty {
        sender: sender.to_string(),
        channel,
    }
}

fn open_for_payer(deps: &DepsMut, sender: &Addr, ch: &Channel) -> ContractResult<()> {
    if !is_payer(deps, sender, ch)? {
        return Err(not_party(sender, ch.id));
    }
    if ch.closed {
        return Err(ContractError::ChannelClosed { channel: ch.id });
    }
    if ch.closing_at.is_some() {
        return Err(ContractError::ChannelClosing { channel: ch.id });
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)] // one argument per message field
pub fn open(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    payee: String,
    amount: Uint128,
    expires_at: Timestamp,
    signer: SignerKey,
    travel_rule_ref: Option<HexBinary>,
) -> ContractResult {
    let payee = deps.api.addr_validate(&payee)?;
    if payee == info.sender {
        return Err(ContractError::ChannelToSelf);
    }
    if expires_at <= env.block.time {
        return Err(ContractError::ExpiryTooEarly {
            expires_at,
            after: env.block.time,
        });
    }
    within_reach(&env, expires_at)?;
    check_key(deps.api, &signer)?;
    if let Some(r) = &travel_rule_ref {
        check_travel_rule_ref(r)?;
    }
    let id = NEXT_CHANNEL
        .may_load(deps.storage)?
        .unwrap_or_default()
        .checked_add(1)
        .ok_or(ContractError::Overflow(cosmwasm_std::OverflowError::new(
            cosmwasm_std::OverflowOperation::Add,
        )))?;
    let stop_mark = stop_clock(deps.as_ref(), &env, &info.sender)?;
    let channel = Channel {
        id,
        payer: info.sender.clone(),
        payee,
        signer,
        deposit: amount,
        claimed: Uint128::zero(),
        expires_at,
        closing_at: None,
        closed: false,
        travel_rule_ref,
        stop_mark,
    };
    let mut deps = deps;
    ledger::apply(
        deps.branch(),
        &env,
        Movement::ChannelLock {
            payer: &channel.payer,
            payee: &channel.payee,
            amount,
            exposure: amount,
            travel_rule_ref: channel.travel_rule_ref.is_some(),
        },
    )?;
    NEXT_CHANNEL.save(deps.storage, &id)?;
    channels().save(deps.storage, id, &channel)?;
    Ok(Response::new()
        .set_data(to_json_binary(&OpenChannelResponse { channel: id })?)
        .add_event(events::channel(
            ChannelKind::Opened,
            id,
            &info.sender,
            amount,
            amount,
        ))
        .add_attribute("action", "open_channel")
        .add_attribute("sender", info.sender)
        .add_attribute("channel", id.to_string()))
}

pub fn top_up(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    channel: u64,
    amount: Uint128,
) -> ContractResult {
    let mut deps = deps;
    let mut ch = load(&deps, &env, channel)?;
    open_for_payer(&deps, &info.sender, &ch)?;
    let deposit = ch.deposit.checked_add(amount)?;
    ledger::apply(
        deps.branch(),
        &env,
        Movement::ChannelLock {
            payer: &ch.payer,
            payee: &ch.payee,
            amount,
            exposure: deposit.checked_sub(ch.claimed)?,
            travel_rule_ref: ch.travel_rule_ref.is_some(),
        },
    )?;
    ch.deposit = deposit;
    CHANNELS_PRIMARY.save(deps.storage, channel, &ch)?;
    Ok(Response::new()
        .add_event(events::channel(
            ChannelKind::ToppedUp,
            channel,
            &info.sender,
            amount,
            ch.deposit,
        ))
        .add_attribute("action", "top_up_channel")
        .add_attribute("sender", info.sender))
}

pub fn extend(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    channel: u64,
    expires_at: Timestamp,
) -> ContractResult {
    let mut ch = load(&deps, &env, channel)?;
    open_for_payer(&deps, &info.sender, &ch)?;
    if expires_at <= ch.expires_at {
        return Err(ContractError::ExpiryTooEarly {
            expires_at,
            after: ch.expires_at,
        });
    }
    within_reach(&env, expires_at)?;
    ch.expires_at = expires_at;
    CHANNELS_PRIMARY.save(deps.storage, channel, &ch)?;
    Ok(Response::new()
        .add_event(events::channel(
            ChannelKind::Extended,
            channel,
            &info.sender,
            Uint128::zero(),
            ch.deposit,
        ))
        .add_attribute("action", "extend_channel")
        .add_attribute("sender", info.sender))
}

fn voucher(env: &Env, ch: &Channel, cumulative: Uint128) -> Voucher {
    Voucher {
        chain_id: env.block.chain_id.clone(),
        token: env.contract.address.to_string(),
        channel_id: ch.id,
        payee: ch.payee.to_string(),
        cumulative,
    }
}

/// Checks everything about a claim except the signature; returns the amount it pays.
fn claim_amount(
    env: &Env,
    sender: &Addr,
    ch: &Channel,
    cumulative: Uint128,
) -> ContractResult<Uint128> {
    if *sender != ch.payee {
        return Err(not_party(sender, ch.id));
    }
    if ch.closed {
        return Err(ContractError::ChannelClosed { channel: ch.id });
    }
    if let Some(closing_at) = ch.closing_at {
        if env.block.time >= closing_at {
            return Err(ContractError::SettlePeriodOver {
                channel: ch.id,
                closing_at,
            });
        }
    }
    if cumulative <= ch.claimed {
        return Err(ContractError::VoucherAlreadyClaimed {
            cumulative,
            claimed: ch.claimed,
        });
    }
    if cumulative > ch.deposit {
        return Err(ContractError::VoucherExceedsDeposit {
            cumulative,
            deposit: ch.deposit,
        });
    }
    Ok(cumulative.checked_sub(ch.claimed)?)
}

/// Pays a verified claim and records it in the returned channel (the caller saves it).
fn settle(
    deps: DepsMut,
    env: &Env,
    mut ch: Channel,
    cumulative: Uint128,
    amount: Uint128,
) -> ContractResult<Channel> {
    ledger::apply(
        deps,
        env,
        Movement::ChannelPay {
            payer: &ch.payer,
            payee: &ch.payee,
            amount,
        },
    )?;
    ch.claimed = cumulative;
    Ok(ch)
}

/// Closes a channel: what is not claimed returns to the payer.
fn finish(
    mut deps: DepsMut,
    env: &Env,
    mut ch: Channel,
    by: &Addr,
    resp: Response,
) -> ContractResult {
    let rest = ch.deposit.checked_sub(ch.claimed)?;
    let mut held = None;
    if !rest.is_zero() {
        held = ledger::apply(
            deps.branch(),
            env,
            Movement::ChannelRefund {
                payer: &ch.payer,
                amount: rest,
            },
        )?
        .refund_held;
    }
    ch.closed = true;
    CHANNELS_PRIMARY.save(deps.storage, ch.id, &ch)?;
    // With `held`, the refund was credited to the payer as frozen tokens: the payer was
    // stopped (`held` is the code) and must not get back for free use what its payee could
    // not claim.
    Ok(resp.add_event(events::channel_closed(ch.id, by, rest, ch.claimed, held)))
}

pub fn claim(
    mut deps: DepsMut,
    env: Env,
    info: MessageInfo,
    channel: u64,
    cumulative: Uint128,
    signature: HexBinary,
    close: bool,
) -> ContractResult {
    let ch = load(&deps, &env, channel)?;
    let amount = claim_amount(&env, &info.sender, &ch, cumulative)?;
    verify(
        deps.api,
        &voucher(&env, &ch, cumulative),
        &signature,
        &ch.signer,
    )?;
    let ch = settle(deps.branch(), &env, ch, cumulative, amount)?;
    let resp = Response::new()
        .add_event(events::channel(
            ChannelKind::Claimed,
            channel,
            &info.sender,
            amount,
            ch.claimed,
        ))
        .add_attribute("action", "claim")
        .add_attribute("sender", &info.sender)
        .add_attribute("amount", amount);
    if close {
        finish(deps, &env, ch, &info.sender, resp)
    } else {
        CHANNELS_PRIMARY.save(deps.storage, channel, &ch)?;
        Ok(resp)
    }
}

pub fn claim_many(
    mut deps: DepsMut,
    env: Env,
    info: MessageInfo,
    claims: Vec<ChannelClaim>,
) -> ContractResult {
    if claims.is_empty() {
        return Err(ContractError::EmptyBatch);
    }
    if claims.len() > MAX_CLAIMS {
        return Err(ContractError::TooManyClaims {
            count: claims.len(),
            max: MAX_CLAIMS,
        });
    }
    let mut planned = Vec::with_capacity(claims.len());
    for c in &claims {
        let ch = load(&deps, &env, c.channel)?;
        if planned
            .iter()
            .any(|(p, _, _): &(Channel, Voucher, Uint128)| p.id == ch.id)
        {
            return Err(ContractError::VoucherAlreadyClaimed {
                cumulative: c.cumulative,
                claimed: ch.claimed,
            });
        }
        let amount = claim_amount(&env, &info.sender, &ch, c.cumulative)?;
        let v = voucher(&env, &ch, c.cumulative);
        planned.push((ch, v, amount));
    }
    let items: Vec<_> = planned
        .iter()
        .zip(&claims)
        .map(|((ch, v, _), c)| (v, c.signature.as_slice(), &ch.signer))
        .collect();
    verify_many(deps.api, &items).map_err(|(_, e)| ContractError::InvalidVoucher(e))?;
    let mut total = Uint128::zero();
    let mut resp = Response::new();
    for (ch, v, amount) in planned {
        let id = ch.id;
        let ch = settle(deps.branch(), &env, ch, v.cumulative, amount)?;
        CHANNELS_PRIMARY.save(deps.storage, id, &ch)?;
        total = total.checked_add(amount)?;
        resp = resp.add_event(events::channel(
            ChannelKind::Claimed,
            id,
            &info.sender,
            amount,
            ch.claimed,
        ));
    }
    Ok(resp
        .add_attribute("action", "claim_many")
        .add_attribute("sender", info.sender)
        .add_attribute("amount", total))
}

pub fn start_close(deps: DepsMut, env: Env, info: MessageInfo, channel: u64) -> ContractResult {
    let mut ch = load(&deps, &env, channel)?;
    open_for_payer(&deps, &info.sender, &ch)?;
    let settle = SETTLE_SECONDS.load(deps.storage)?;
    let closing_at = Timestamp::from_nanos(
        settle
            .checked_mul(1_000_000_000)
            .and_then(|n| env.block.time.nanos().checked_add(n))
            .ok_or(ContractError::SettlePeriodTooLong {
                max: MAX_SETTLE_SECONDS,
            })?,
    );
    ch.closing_at = Some(closing_at);
    CHANNELS_PRIMARY.save(deps.storage, channel, &ch)?;
    Ok(Response::new()
        .add_event(events::channel_closing(
            channel,
            &info.sender,
            ch.claimed,
            closing_at,
        ))
        .add_attribute("action", "start_close")
        .add_attribute("sender", info.sender))
}

pub fn close(deps: DepsMut, env: Env, info: MessageInfo, channel: u64) -> ContractResult {
    let ch = load(&deps, &env, channel)?;
    if ch.closed {
        return Err(ContractError::ChannelClosed { channel });
    }
    if is_payer(&deps, &info.sender, &ch)? {
        let after = match ch.closing_at {
            Some(t) if t < ch.expires_at => t,
            _ => ch.expires_at,
        };
        if env.block.time < after {
            return Err(ContractError::CloseTooEarly { channel, after });
        }
    } else if info.sender != ch.payee {
        return Err(not_party(&info.sender, channel));
    }
    let resp = Response::new()
        .add_attribute("action", "close_channel")
        .add_attribute("sender", &info.sender);
    finish(deps, &env, ch, &info.sender, resp)
}

pub fn set_settle_period(deps: DepsMut, info: MessageInfo, seconds: u64) -> ContractResult {
    cw_ownable::assert_owner(deps.storage, &info.sender)?;
    if seconds < MIN_SETTLE_SECONDS {
        return Err(ContractError::SettlePeriodTooShort {
            min: MIN_SETTLE_SECONDS,
        });
    }
    if seconds > MAX_SETTLE_SECONDS {
        return Err(ContractError::SettlePeriodTooLong {
            max: MAX_SETTLE_SECONDS,
        });
    }
    SETTLE_SECONDS.save(deps.storage, &seconds)?;
    Ok(Response::new()
        .add_attribute("action", "set_settle_period")
        .add_attribute("sender", info.sender)
        .add_attribute("seconds", seconds.to_string()))
}
