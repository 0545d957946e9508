//! Entry points and dispatch only.

#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{
    from_json, to_json_binary, Binary, Deps, DepsMut, Empty, Env, MessageInfo, Reply, Response,
};
use farthing_types::escrow::{
    AssetInfo, ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg, ReceiveMsg, MIN_DISPUTE_TIMEOUT,
};

use crate::execute::{admin, deals, royalty};
use crate::payout;
use crate::state::{Config, ACCEPTED_CW20, CONFIG};
use crate::{query, ContractError, ContractResult, CONTRACT_NAME, CONTRACT_VERSION};

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(
    deps: DepsMut,
    _env: Env,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> ContractResult {
    cw2::set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    let owner = msg.owner.as_deref().unwrap_or(info.sender.as_str());
    cw_ownable::initialize_owner(deps.storage, deps.api, Some(owner))?;
    if msg.dispute_timeout_seconds < MIN_DISPUTE_TIMEOUT {
        return Err(ContractError::DisputeTimeoutTooShort {
            min: MIN_DISPUTE_TIMEOUT,
        });
    }
    let registry = msg
        .registry
        .map(|r| deps.api.addr_validate(&r))
        .transpose()?;
    if let Some(r) = &registry {
        crate::payout::ensure_registry(deps.as_ref(), r)?;
    }
    CONFIG.save(
        deps.storage,
        &Config {
            registry,
            dispute_timeout_seconds: msg.dispute_timeout_seconds,
        },
    )?;
    for token in &msg.accepted_cw20 {
        ACCEPTED_CW20.save(deps.storage, &deps.api.addr_validate(token)?, &Empty {})?;
    }
    crate::state::OWED_KEPT.save(deps.storage, &true)?;
    Ok(Response::new()
        .add_attribute("action", "instantiate")
        .add_attribute("sender", info.sender))
}

fn native(info: &MessageInfo) -> ContractResult<(AssetInfo, cosmwasm_std::Uint128)> {
    let coin = cw_utils::one_coin(info)?;
    Ok((AssetInfo::Native { denom: coin.denom }, coin.amount))
}

/// Whether `msg` takes native funds: only the native deposit and payment messages do.
/// Every other message refuses attached coins (they would belong to nothing).
fn takes_funds(msg: &ExecuteMsg) -> bool {
    match msg {
        ExecuteMsg::CreateDeal(_) | ExecuteMsg::TopUp { .. } | ExecuteMsg::Pay { .. } => true,
        ExecuteMsg::Receive(_)
        | ExecuteMsg::Release { .. }
        | ExecuteMsg::Refund { .. }
        | ExecuteMsg::OpenDispute { .. }
        | ExecuteMsg::Resolve { .. }
        | ExecuteMsg::ProposeSettlement { .. }
        | ExecuteMsg::AcceptSettlement { .. }
        | ExecuteMsg::ExpireDispute { .. }
        | ExecuteMsg::RegisterWork(_)
        | ExecuteMsg::UpdateSplit { .. }
        | ExecuteMsg::Claim { .. }
        | ExecuteMsg::ClaimHeld { .. }
        | ExecuteMsg::ResolveHeld { .. }
        | ExecuteMsg::SweepStray { .. }
        | ExecuteMsg::AllowToken { .. }
        | ExecuteMsg::DisallowToken { .. }
        | ExecuteMsg::SetRegistry { .. }
        | ExecuteMsg::UpdateOwnership(_) => false,
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(deps: DepsMut, env: Env, info: MessageInfo, msg: ExecuteMsg) -> ContractResult {
    if !takes_funds(&msg) {
        cw_utils::nonpayable(&info)?;
    }
    match msg {
        ExecuteMsg::Receive(wrapper) => {
            // A fake token must not be able to open or fund anything.
            if !ACCEPTED_CW20.has(deps.storage, &info.sender) {
                return Err(ContractError::TokenNotAccepted {
                    address: info.sender.into_string(),
                });
            }
            let sender = deps.api.addr_validate(&wrapper.sender)?;
            let asset = AssetInfo::Cw20 {
                address: info.sender,
            };
            match from_json(&wrapper.msg)? {
                ReceiveMsg::CreateDeal(terms) => {
                    deals::create(deps, env, sender, asset, wrapper.amount, terms)
                }
                ReceiveMsg::TopUp { deal_id } => {
                    deals::top_up(deps, env, sender, deal_id, asset, wrapper.amount)
                }
                ReceiveMsg::Pay { work_id } => {
                    royalty::pay(deps, env, sender, work_id, asset, wrapper.amount)
                }
            }
        }
        ExecuteMsg::CreateDeal(terms) => {
            let (asset, amount) = native(&info)?;
            deals::create(deps, env, info.sender, asset, amount, terms)
        }
        ExecuteMsg::TopUp { deal_id } => {
            let (asset, amount) = native(&info)?;
            deals::top_up(deps, env, info.sender, deal_id, asset, amount)
        }
        ExecuteMsg::Release { deal_id, milestone } => {
            deals::release(deps, env, info.sender, deal_id, milestone)
        }
        ExecuteMsg::Refund { deal_id } => deals::refund(deps, env, info.sender, deal_id),
        ExecuteMsg::OpenDispute { deal_id } => deals::open_dispute(deps, env, info.sender, deal_id),
        ExecuteMsg::Resolve { deal_id, to_payee } => {
            deals::resolve(deps, env, info.sender, deal_id, to_payee)
        }
        ExecuteMsg::ProposeSettlement { deal_id, to_payee } => {
            deals::propose(deps, info.sender, deal_id, to_payee)
        }
        ExecuteMsg::AcceptSettlement { deal_id } => deals::accept(deps, env, info.sender, deal_id),
        ExecuteMsg::ExpireDispute { deal_id } => {
            deals::expire_dispute(deps, env, info.sender, deal_id)
        }
        ExecuteMsg::RegisterWork(terms) => royalty::register(deps, env, info.sender, terms),
        ExecuteMsg::UpdateSplit {
            work_id,
            recipients,
        } => royalty::update_split(deps, env, info.sender, work_id, recipients),
        ExecuteMsg::Pay { work_id } => {
            let (asset, amount) = native(&info)?;
            royalty::pay(deps, env, info.sender, work_id, asset, amount)
        }
        ExecuteMsg::Claim {
            work_id,
            epoch,
            asset,
            amount,
        } => royalty::claim(deps, env, info.sender, work_id, epoch, asset, amount),
        ExecuteMsg::ClaimHeld { asset, amount } => {
            admin::claim_held(deps, env, info, asset, amount)
        }
        ExecuteMsg::ResolveHeld {
            address,
            asset,
            to,
            reason,
        } => admin::resolve_held(deps, env, info, address, asset, to, reason),
        ExecuteMsg::SweepStray { asset, to } => admin::sweep_stray(deps, env, info, asset, to),
        ExecuteMsg::AllowToken { address } => admin::set_token(deps, info, address, true),
        ExecuteMsg::DisallowToken { address } => admin::set_token(deps, info, address, false),
        ExecuteMsg::SetRegistry { registry } => admin::set_registry(deps, info, registry),
        ExecuteMsg::UpdateOwnership(action) => admin::update_ownership(deps, env, info, action),
    }
}

/// Replies to push payouts the asset refused (sent `reply_on_error`): they are held.
#[cfg_attr(not(feature = "library"), entry_point)]
pub fn reply(deps: DepsMut, env: Env, msg: Reply) -> ContractResult {
    match msg.id {
        payout::PAYOUT_REPLY_ID => payout::on_reply(deps, env, msg),
        id => Err(ContractError::UnknownReply { id }),
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, env: Env, msg: QueryMsg) -> ContractResult<Binary> {
    let bin = match msg {
        QueryMsg::Deal { deal_id } => to_json_binary(&query::deal(deps, deal_id)?),
        QueryMsg::Deals {
            by,
            start_after,
            limit,
        } => to_json_binary(&query::deals_page(deps, by, start_after, limit)?),
        QueryMsg::Work { work_id, epoch } => to_json_binary(&query::work(deps, work_id, epoch)?),
        QueryMsg::Claimable {
            work_id,
            epoch,
            asset,
            address,
        } => to_json_binary(&query::claimable(deps, work_id, epoch, asset, address)?),
        QueryMsg::Held {
            address,
            start_after,
            limit,
        } => to_json_binary(&query::held(deps, address, start_after, limit)?),
        QueryMsg::AcceptedTokens { start_after, limit } => {
            to_json_binary(&query::accepted_tokens(deps, start_after, limit)?)
        }
        QueryMsg::Owed { asset } => to_json_binary(&query::owed(deps, &env, &asset)?),
        QueryMsg::Config {} => to_json_binary(&query::config(deps)?),
        QueryMsg::Ownership {} => to_json_binary(&cw_ownable::get_ownership(deps.storage)?),
    }?;
    Ok(bin)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn migrate(deps: DepsMut, env: Env, msg: MigrateMsg) -> ContractResult {
    crate::migrate::migrate(deps, env, msg)
}
