//! Entry points and dispatch only.

#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{
    to_json_binary, Binary, Deps, DepsMut, Empty, Env, MessageInfo, Response, Uint128,
};
use cw20::MarketingInfoResponse;
use farthing_types::token::{
    ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg, DEFAULT_SETTLE_SECONDS, MAX_DECIMALS,
};

use crate::execute::{admin, allowances, channels, cw20 as token, issuer, marketing, micropay};
use crate::ledger::{self, Movement};
use crate::state::SETTLE_SECONDS;
use crate::state::{
    Config, MinterData, TokenInfo, CONFIG, LOGO, MARKETING_INFO, ROLES, TOKEN_INFO,
};
use crate::{query, ContractError, ContractResult, CONTRACT_NAME, CONTRACT_VERSION};

fn validate_token(msg: &InstantiateMsg) -> ContractResult<()> {
    if msg.name.len() < 3 || msg.name.len() > 50 {
        return Err(ContractError::InvalidName {});
    }
    let symbol = msg.symbol.as_bytes();
    if symbol.len() < 3
        || symbol.len() > 12
        || !symbol.iter().all(|b| *b == b'-' || b.is_ascii_alphabetic())
    {
        return Err(ContractError::InvalidSymbol {});
    }
    if msg.decimals > MAX_DECIMALS {
        return Err(ContractError::InvalidDecimals {});
    }
    let mut addresses: Vec<&str> = msg
        .initial_balances
        .iter()
        .map(|c| c.address.as_str())
        .collect();
    addresses.sort_unstable();
    addresses.dedup();
    if addresses.len() != msg.initial_balances.len() {
        return Err(ContractError::DuplicateInitialBalanceAddresses {});
    }
    Ok(())
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(
    mut deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> ContractResult {
    cw_utils::nonpayable(&info)?;
    cw2::set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    validate_token(&msg)?;
    let owner = msg.owner.as_deref().unwrap_or(info.sender.as_str());
    cw_ownable::initialize_owner(deps.storage, deps.api, Some(owner))?;

    let total = msg
        .initial_balances
        .iter()
        .try_fold(Uint128::zero(), |t, c| t.checked_add(c.amount))?;
    let cap = msg.mint.as_ref().and_then(|m| m.cap);
    if cap.is_some_and(|cap| total > cap) {
        return Err(ContractError::InitialSupplyOverCap {});
    }
    let mint = msg
        .mint
        .map(|m| -> ContractResult<_> {
            Ok(MinterData {
                minter: deps.api.addr_validate(&m.minter)?,
                cap: m.cap,
            })
        })
        .transpose()?;
    TOKEN_INFO.save(
        deps.storage,
        &TokenInfo {
            name: msg.name,
            symbol: msg.symbol,
            decimals: msg.decimals,
            total_supply: Uint128::zero(),
            mint,
        },
    )?;
    let registry = msg
        .registry
        .map(|r| deps.api.addr_validate(&r))
        .transpose()?;
    if let Some(r) = &registry {
        admin::ensure_registry(deps.as_ref(), r)?;
    }
    CONFIG.save(
        deps.storage,
        &Config {
            registry,
            paused: false,
            paused_at: None,
            paused_seconds: 0,
        },
    )?;
    SETTLE_SECONDS.save(deps.storage, &DEFAULT_SETTLE_SECONDS)?;
    for grant in &msg.roles {
        let addr = deps.api.addr_validate(&grant.address)?;
        ROLES.save(deps.storage, (grant.role.code(), &addr), &Empty {})?;
    }
    // Initial balances are mints: each recipient passes the gate.
    for coin in &msg.initial_balances {
        let to = deps.api.addr_validate(&coin.address)?;
        ledger::apply(
            deps.branch(),
            &env,
            Movement::Mint {
                to: &to,
                amount: coin.amount,
            },
        )?;
    }
    if let Some(m) = msg.marketing {
        let logo = match m.logo {
            Some(logo) => {
                marketing::verify_logo(&logo)?;
                LOGO.save(deps.storage, &logo)?;
                Some(marketing::logo_info(&logo))
            }
            None => None,
        };
        let marketing_addr = m
            .marketing
            .map(|a| deps.api.addr_validate(&a))
            .transpose()?;
        MARKETING_INFO.save(
            deps.storage,
            &MarketingInfoResponse {
                project: m.project,
                description: m.description,
                marketing: marketing_addr,
                logo,
            },
        )?;
    }
    Ok(Response::new()
        .add_attribute("action", "instantiate")
        .add_attribute("sender", info.sender))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(deps: DepsMut, env: Env, info: MessageInfo, msg: ExecuteMsg) -> ContractResult {
    // The token takes no native coins: any attached would stay here with no way out.
    cw_utils::nonpayable(&info)?;
    match msg {
        ExecuteMsg::Transfer { recipient, amount } => {
            token::transfer(deps, env, info, recipient, amount)
        }
        ExecuteMsg::Burn { amount } => token::burn(deps, env, info, amount),
        ExecuteMsg::Send {
            contract,
            amount,
            msg,
        } => token::send(deps, env, info, contract, amount, msg),
        ExecuteMsg::IncreaseAllowance {
            spender,
            amount,
            expires,
        } => allowances::increase_allowance(deps, env, info, spender, amount, expires),
        ExecuteMsg::DecreaseAllowance {
            spender,
            amount,
            expires,
        } => allowances::decrease_allowance(deps, env, info, spender, amount, expires),
        ExecuteMsg::TransferFrom {
            owner,
            recipient,
            amount,
        } => token::transfer_from(deps, env, info, owner, recipient, amount),
        ExecuteMsg::SendFrom {
            owner,
            contract,
            amount,
            msg,
        } => token::send_from(deps, env, info, owner, contract, amount, msg),
        ExecuteMsg::BurnFrom { owner, amount } => token::burn_from(deps, env, info, owner, amount),
        ExecuteMsg::Mint { recipient, amount } => token::mint(deps, env, info, recipient, amount),
        ExecuteMsg::UpdateMinter { new_minter } => token::update_minter(deps, info, new_minter),
        ExecuteMsg::UpdateMarketing {
            project,
            description,
            marketing: m,
        } => marketing::update_marketing(deps, info, project, description, m),
        ExecuteMsg::UploadLogo(logo) => marketing::upload_logo(deps, info, logo),
        ExecuteMsg::BatchTransfer { transfers } => {
            micropay::batch_transfer(deps, env, info, transfers)
        }
        ExecuteMsg::Pay {
            recipient,
            amount,
            reference,
            travel_rule_ref,
        } => micropay::pay(
            deps,
            env,
            info,
            recipient,
            amount,
            reference,
            travel_rule_ref,
        ),
        ExecuteMsg::Pause { reason } => issuer::set_paused(deps, env, info, true, reason),
        ExecuteMsg::Unpause { reason } => issuer::set_paused(deps, env, info, false, reason),
        ExecuteMsg::Freeze { address, reason } => {
            issuer::set_frozen(deps, env, info, address, true, reason)
        }
        ExecuteMsg::Unfreeze { address, reason } => {
            issuer::set_frozen(deps, env, info, address, false, reason)
        }
        ExecuteMsg::FreezeTokens {
            address,
            amount,
            reason,
        } => issuer::freeze_tokens(deps, info, address, amount, true, reason),
        ExecuteMsg::UnfreezeTokens {
            address,
            amount,
            reason,
        } => issuer::freeze_tokens(deps, info, address, amount, false, reason),
        ExecuteMsg::ForcedTransfer {
            from,
            to,
            amount,
            reason,
            unfreeze,
        } => issuer::forced_transfer(deps, env, info, from, to, amount, reason, unfreeze),
        ExecuteMsg::Recover {
            lost,
            new_address,
            reason,
        } => issuer::recover(deps, env, info, lost, new_address, reason),
        ExecuteMsg::GrantRole { role, address } => admin::set_role(deps, info, role, address, true),
        ExecuteMsg::RevokeRole { role, address } => {
            admin::set_role(deps, info, role, address, false)
        }
        ExecuteMsg::SetRegistry { registry } => admin::set_registry(deps, info, registry),
        ExecuteMsg::UpdateOwnership(action) => admin::update_ownership(deps, env, info, action),
        ExecuteMsg::SetSettlePeriod { seconds } => channels::set_settle_period(deps, info, seconds),
        ExecuteMsg::OpenChannel {
            payee,
            amount,
            expires_at,
            signer,
            travel_rule_ref,
        } => channels::open(
            deps,
            env,
            info,
            payee,
            amount,
            expires_at,
            signer,
            travel_rule_ref,
        ),
        ExecuteMsg::TopUpChannel { channel, amount } => {
            channels::top_up(deps, env, info, channel, amount)
        }
        ExecuteMsg::ExtendChannel {
            channel,
            expires_at,
        } => channels::extend(deps, env, info, channel, expires_at),
        ExecuteMsg::Claim {
            channel,
            cumulative,
            signature,
            close,
        } => channels::claim(
            deps,
            env,
            info,
            channel,
            cumulative,
            signature,
            close.unwrap_or(false),
        ),
        ExecuteMsg::ClaimMany { claims } => channels::claim_many(deps, env, info, claims),
        ExecuteMsg::StartClose { channel } => channels::start_close(deps, env, info, channel),
        ExecuteMsg::CloseChannel { channel } => channels::close(deps, env, info, channel),
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, env: Env, msg: QueryMsg) -> ContractResult<Binary> {
    let bin = match msg {
        QueryMsg::Balance { address } => to_json_binary(&query::balance(deps, address)?),
        QueryMsg::TokenInfo {} => to_json_binary(&query::token_info(deps)?),
        QueryMsg::Minter {} => to_json_binary(&query::minter(deps)?),
        QueryMsg::Allowance { owner, spender } => {
            to_json_binary(&query::allowance(deps, owner, spender)?)
        }
        QueryMsg::AllAllowances {
            owner,
            start_after,
            limit,
        } => to_json_binary(&query::all_allowances(deps, owner, start_after, limit)?),
        QueryMsg::AllSpenderAllowances {
            spender,
            start_after,
            limit,
        } => to_json_binary(&query::all_spender_allowances(
            deps,
            spender,
            start_after,
            limit,
        )?),
        QueryMsg::AllAccounts { start_after, limit } => {
            to_json_binary(&query::all_accounts(deps, start_after, limit)?)
        }
        QueryMsg::MarketingInfo {} => to_json_binary(&query::marketing_info(deps)?),
        QueryMsg::DownloadLogo {} => to_json_binary(&query::download_logo(deps)?),
        QueryMsg::CanTransfer { from, to, amount } => {
            to_json_binary(&query::can_transfer(deps, env, from, to, amount)?)
        }
        QueryMsg::Account { address } => to_json_binary(&query::account(deps, address)?),
        QueryMsg::Config {} => to_json_binary(&query::config(deps)?),
        QueryMsg::Roles {
            role,
            start_after,
            limit,
        } => to_json_binary(&query::roles(deps, role, start_after, limit)?),
        QueryMsg::Ownership {} => to_json_binary(&cw_ownable::get_ownership(deps.storage)?),
        QueryMsg::Channel { channel } => to_json_binary(&query::channel(deps, &env, channel)?),
        QueryMsg::Channels {
            by,
            start_after,
            limit,
        } => to_json_binary(&query::channels_page(deps, &env, by, start_after, limit)?),
    }?;
    Ok(bin)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn migrate(deps: DepsMut, env: Env, msg: MigrateMsg) -> ContractResult {
    crate::migrate::migrate(deps, env, msg)
}
