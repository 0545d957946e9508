use cosmwasm_std::{Addr, Deps, Env, Order, StdError, StdResult, Timestamp, Uint128};
use cw20::{
    AllAccountsResponse, AllAllowancesResponse, AllSpenderAllowancesResponse, AllowanceInfo,
    AllowanceResponse, BalanceResponse, DownloadLogoResponse, EmbeddedLogo, Logo,
    MarketingInfoResponse, MinterResponse, SpenderAllowanceInfo, TokenInfoResponse,
};
use cw_storage_plus::Bound;
use farthing_types::kyc::{Denial, DenialCode, KycRegistry, PartyRole, Verdict};
use farthing_types::token::{
    AccountResponse, CanTransferResponse, Channel, ChannelsBy, ChannelsResponse, ConfigResponse,
    Role, RolesResponse,
};

use crate::error::ContractError;
use crate::execute::channels::stop_clock;
use crate::ledger::{self, Movement};
use crate::state::channels;
use crate::state::{
    ACCOUNTS, ALLOWANCES, ALLOWANCES_SPENDER, CONFIG, LOGO, MARKETING_INFO, ROLES, TOKEN_INFO,
};

// Pagination as in cw20-base.
const MAX_LIMIT: u32 = 30;
const DEFAULT_LIMIT: u32 = 10;

fn limit(limit: Option<u32>) -> usize {
    limit.unwrap_or(DEFAULT_LIMIT).min(MAX_LIMIT) as usize
}

pub fn balance(deps: Deps, address: String) -> StdResult<BalanceResponse> {
    let addr = deps.api.addr_validate(&address)?;
    let acc = ledger::load_account(deps, &addr).map_err(to_std)?;
    Ok(BalanceResponse {
        balance: acc.balance,
    })
}

pub fn token_info(deps: Deps) -> StdResult<TokenInfoResponse> {
    let info = TOKEN_INFO.load(deps.storage)?;
    Ok(TokenInfoResponse {
        name: info.name,
        symbol: info.symbol,
        decimals: info.decimals,
        total_supply: info.total_supply,
    })
}

pub fn minter(deps: Deps) -> StdResult<Option<MinterResponse>> {
    Ok(TOKEN_INFO.load(deps.storage)?.mint.map(|m| MinterResponse {
        minter: m.minter.into(),
        cap: m.cap,
    }))
}

pub fn allowance(deps: Deps, owner: String, spender: String) -> StdResult<AllowanceResponse> {
    let owner = deps.api.addr_validate(&owner)?;
    let spender = deps.api.addr_validate(&spender)?;
    Ok(ALLOWANCES
        .may_load(deps.storage, (&owner, &spender))?
        .unwrap_or_default())
}

pub fn all_allowances(
    deps: Deps,
    owner: String,
    start_after: Option<String>,
    limit_: Option<u32>,
) -> StdResult<AllAllowancesResponse> {
    let owner = deps.api.addr_validate(&owner)?;
    let start = start_after.map(|s| Bound::ExclusiveRaw(s.into_bytes()));
    let allowances = ALLOWANCES
        .prefix(&owner)
        .range(deps.storage, start, None, Order::Ascending)
        .take(limit(limit_))
        .map(|item| {
            item.map(|(spender, a)| AllowanceInfo {
                spender: spender.into(),
                allowance: a.allowance,
                expires: a.expires,
            })
        })
        .collect::<StdResult<_>>()?;
    Ok(AllAllowancesResponse { allowances })
}

pub fn all_spender_allowances(
    deps: Deps,
    spender: String,
    start_after: Option<String>,
    limit_: Option<u32>,
) -> StdResult<AllSpenderAllowancesResponse> {
    let spender = deps.api.addr_validate(&spender)?;
    let start = start_after.map(|s| Bound::ExclusiveRaw(s.into_bytes()));
    let allowances = ALLOWANCES_SPENDER
        .prefix(&spender)
        .range(deps.storage, start, None, Order::Ascending)
        .take(limit(limit_))
        .map(|item| {
            item.map(|(owner, a)| SpenderAllowanceInfo {
                owner: owner.into(),
                allowance: a.allowance,
                expires: a.expires,
            })
        })
        .collect::<StdResult<_>>()?;
    Ok(AllSpenderAllowancesResponse { allowances })
}

/// Accounts in canonical-address order (cw20-base orders by the bech32 string). Paging
/// with `start_after` = the last address returned works the same way.
pub fn all_accounts(
    deps: Deps,
    start_after: Option<String>,
    limit_: Option<u32>,
) -> StdResult<AllAccountsResponse> {
    let start = start_after
        .map(|s| deps.api.addr_canonicalize(&s))
        .transpose()?;
    let accounts = ACCOUNTS
        .keys_raw(
            deps.storage,
            start.as_ref().map(|c| Bound::ExclusiveRaw(c.to_vec())),
            None,
            Order::Ascending,
        )
        .take(limit(limit_))
        .map(|key| Ok(deps.api.addr_humanize(&key.into())?.into_string()))
        .collect::<StdResult<_>>()?;
    Ok(AllAccountsResponse { accounts })
}

pub fn marketing_info(deps: Deps) -> StdResult<MarketingInfoResponse> {
    Ok(MARKETING_INFO.may_load(deps.storage)?.unwrap_or_default())
}

pub fn download_logo(deps: Deps) -> StdResult<DownloadLogoResponse> {
    match LOGO.load(deps.storage)? {
        Logo::Embedded(EmbeddedLogo::Svg(data)) => Ok(DownloadLogoResponse {
            mime_type: "image/svg+xml".to_owned(),
            data,
        }),
        Logo::Embedded(EmbeddedLogo::Png(data)) => Ok(DownloadLogoResponse {
            mime_type: "image/png".to_owned(),
            data,
        }),
        Logo::Url(_) => Err(StdError::not_found("logo")),
    }
}

fn to_std(e: ContractError) -> StdError {
    match e {
        ContractError::Std(e) => e,
        other => StdError::generic_err(other.to_string()),
    }
}

/// The dry run of a transfer: the same `ledger::plan` a real transfer runs.
pub fn can_transfer(
    deps: Deps,
    env: Env,
    from: String,
    to: String,
    amount: Uint128,
) -> StdResult<CanTransferResponse> {
    let from = deps.api.addr_validate(&from)?;
    let to = deps.api.addr_validate(&to)?;
    let mv = Movement::Transfer {
        from: &from,
        to: &to,
        spender: None,
        amount,
        travel_rule_ref: false,
    };
    let verdict = match ledger::plan(deps, &env, &mv) {
        Ok(_) => Verdict::allowed(),
        Err(e) => Verdict::denied(denial(e, &from, &to)?),
    };
    let (remaining_in_window, window_resets_at) = headroom(deps, &env, &from)?;
    Ok(CanTransferResponse {
        verdict,
        remaining_in_window,
        window_resets_at,
    })
}

fn denial(e: ContractError, from: &Addr, to: &Addr) -> StdResult<Denial> {
    let message = e.to_string();
    let d = |party: &Addr, role, code| Denial::new(party, role, code, message.clone());
    Ok(match e {
        ContractError::Denied(denial) => denial,
        ContractError::Paused => d(from, PartyRole::Sender, DenialCode::Paused),
        ContractError::AccountFrozen { address } if address == to.as_str() && from != to => {
            d(to, PartyRole::Recipient, DenialCode::Frozen)
        }
        ContractError::AccountFrozen { .. } => d(from, PartyRole::Sender, DenialCode::Frozen),
        ContractError::InsufficientFunds { .. } => {
            d(from, PartyRole::Sender, DenialCode::InsufficientFunds)
        }
        ContractError::VolumeWindowExceeded { .. } => {
            d(from, PartyRole::Sender, DenialCode::VolumeWindowExceeded)
        }
        other => return Err(to_std(other)),
    })
}

/// The sender's remaining volume in its current window, and when the window closes.
fn headroom(deps: Deps, env: &Env, from: &Addr) -> StdResult<(Option<Uint128>, Option<Timestamp>)> {
    let Some(registry) = CONFIG.load(deps.storage)?.registry else {
        return Ok((None, None));
    };
    let registry = KycRegistry(registry);
    let Some(rec) = registry.record(&deps.querier, from)? else {
        return Ok((None, None));
    };
    let policy = registry.policy(&deps.querier)?;
    let Some(limits) = policy.sender_limits(&rec) else {
        return Ok((None, None));
    };
    let Some(max) = limits.max_volume_per_window else {
        return Ok((None, None));
    };
    let acc = ledger::load_account(deps, from).map_err(to_std)?;
    let closes = acc.window_start.saturating_add(limits.window_seconds);
    if acc.window_start != 0 && env.block.time.seconds() < closes {
        Ok((
            Some(max.saturating_sub(acc.window_used)),
            // A policy may set any window length: saturate past the end of the range.
            Some(farthing_types::later_by(
                Timestamp::from_seconds(acc.window_start),
                limits.window_seconds,
            )),
        ))
    } else {
        Ok((Some(max), None))
    }
}

pub fn account(deps: Deps, address: String) -> StdResult<AccountResponse> {
    let addr = deps.api.addr_validate(&address)?;
    let acc = ledger::load_account(deps, &addr).map_err(to_std)?;
    Ok(AccountResponse {
        balance: acc.balance,
        frozen: acc.frozen,
        frozen_amount: acc.frozen_amount,
        available: acc.available(),
        window_start: (acc.window_start != 0).then(|| Timestamp::from_seconds(acc.window_start)),
        window_used: acc.window_used,
    })
}

pub fn config(deps: Deps) -> StdResult<ConfigResponse> {
    let c = CONFIG.load(deps.storage)?;
    Ok(ConfigResponse {
        registry: c.registry,
        paused: c.paused,
    })
}

pub fn roles(
    deps: Deps,
    role: Role,
    start_after: Option<String>,
    limit_: Option<u32>,
) -> StdResult<RolesResponse> {
    let start = start_after
        .map(|a| deps.api.addr_validate(&a))
        .transpose()?;
    let addresses = ROLES
        .prefix(role.code())
        .keys(
            deps.storage,
            start.as_ref().map(Bound::exclusive),
            None,
            Order::Ascending,
        )
        .take(limit(limit_))
        .collect::<StdResult<_>>()?;
    Ok(RolesResponse { role, addresses })
}

/// A channel as a claim would see it now: deadlines moved by the paused time.
pub fn channel(deps: Deps, env: &Env, channel: u64) -> StdResult<Channel> {
    let mut ch = channels()
        .may_load(deps.storage, channel)?
        .ok_or_else(|| StdError::not_found(format!("channel {channel}")))?;
    ch.catch_up(stop_clock(deps, env, &ch.payer).map_err(to_std)?);
    Ok(ch)
}

pub fn channels_page(
    deps: Deps,
    env: &Env,
    by: ChannelsBy,
    start_after: Option<u64>,
    limit_: Option<u32>,
) -> StdResult<ChannelsResponse> {
    let map = channels();
    let (idx, who) = match by {
        ChannelsBy::Payer(a) => (&map.idx.payer, a),
        ChannelsBy::Payee(a) => (&map.idx.payee, a),
    };
    let who = deps.api.addr_validate(&who)?;
    let channels = idx
        .prefix(who)
        .range(
            deps.storage,
            start_after.map(Bound::exclusive),
            None,
            Order::Ascending,
        )
        .take(limit(limit_))
        .map(|r| {
            let (_, mut c) = r?;
            c.catch_up(stop_clock(deps, env, &c.payer).map_err(to_std)?);
            Ok(c)
        })
        .collect::<StdResult<_>>()?;
    Ok(ChannelsResponse { channels })
}
