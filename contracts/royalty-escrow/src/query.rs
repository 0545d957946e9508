use cosmwasm_std::{Addr, Deps, Env, Order, StdResult};
use cw_storage_plus::Bound;
use farthing_types::escrow::{
    AcceptedTokensResponse, AssetAmount, AssetInfo, ClaimableResponse, ConfigResponse, Deal,
    DealsBy, DealsResponse, HeldResponse, OwedResponse, WorkResponse,
};

use crate::error::{ContractError, ContractResult};
use crate::execute::royalty;
use crate::state::{deals, ACCEPTED_CW20, CONFIG, HELD, OWED, REVENUE, SPLITS, WORKS};

const DEFAULT_LIMIT: u32 = 10;
const MAX_LIMIT: u32 = 30;

pub fn deal(deps: Deps, deal_id: u64) -> ContractResult<Deal> {
    deals()
        .may_load(deps.storage, deal_id)?
        .ok_or(ContractError::DealNotFound { deal_id })
}

pub fn deals_page(
    deps: Deps,
    by: Option<DealsBy>,
    start_after: Option<u64>,
    limit: Option<u32>,
) -> ContractResult<DealsResponse> {
    let n = page_size(limit);
    let start = start_after.map(Bound::exclusive);
    let map = deals();
    let rows: Vec<(u64, Deal)> = match by {
        None => map
            .range(deps.storage, start, None, Order::Ascending)
            .take(n)
            .collect::<StdResult<_>>()?,
        Some(by) => {
            let (idx, who) = match by {
                DealsBy::Payer(a) => (&map.idx.payer, a),
                DealsBy::Payee(a) => (&map.idx.payee, a),
                DealsBy::Arbiter(a) => (&map.idx.arbiter, a),
            };
            let who = deps.api.addr_validate(&who)?;
            idx.prefix(who)
                .range(deps.storage, start, None, Order::Ascending)
                .take(n)
                .collect::<StdResult<_>>()?
        }
    };
    Ok(DealsResponse {
        deals: rows.into_iter().map(|(_, d)| d).collect(),
    })
}

pub fn work(deps: Deps, work_id: u64, epoch: Option<u32>) -> ContractResult<WorkResponse> {
    let work = WORKS
        .may_load(deps.storage, work_id)?
        .ok_or(ContractError::WorkNotFound { work_id })?;
    let epoch = epoch.unwrap_or(work.epoch);
    let recipients = SPLITS
        .may_load(deps.storage, (work_id, epoch))?
        .ok_or(ContractError::EpochNotFound { work_id, epoch })?;
    let revenue = work
        .accepted
        .iter()
        .map(|a| {
            let total = REVENUE
                .may_load(deps.storage, (work_id, epoch, &a.key()))?
                .unwrap_or_default();
            Ok(AssetAmount {
                asset: a.clone(),
                amount: total,
            })
        })
        .collect::<StdResult<_>>()?;
    Ok(WorkResponse {
        work,
        epoch,
        recipients,
        revenue,
    })
}

pub fn claimable(
    deps: Deps,
    work_id: u64,
    epoch: Option<u32>,
    asset: AssetInfo,
    address: String,
) -> ContractResult<ClaimableResponse> {
    let address = deps.api.addr_validate(&address)?;
    let (_, amount, claimed) = royalty::claimable(deps, work_id, epoch, &asset, &address)?;
    Ok(ClaimableResponse { amount, claimed })
}

fn asset_of_key(key: &str) -> AssetInfo {
    match key.split_once(':') {
        Some(("c", addr)) => AssetInfo::Cw20 {
            address: Addr::unchecked(addr),
        },
        Some((_, denom)) => AssetInfo::Native {
            denom: denom.to_string(),
        },
        None => AssetInfo::Native {
            denom: key.to_string(),
        },
    }
}

fn page_size(limit: Option<u32>) -> usize {
    limit.unwrap_or(DEFAULT_LIMIT).min(MAX_LIMIT) as usize
}

pub fn held(
    deps: Deps,
    address: String,
    start_after: Option<AssetInfo>,
    limit: Option<u32>,
) -> ContractResult<HeldResponse> {
    let address = deps.api.addr_validate(&address)?;
    let start = start_after.map(|a| a.key());
    let held = HELD
        .prefix(&address)
        .range(
            deps.storage,
            start.as_deref().map(Bound::exclusive),
            None,
            Order::Ascending,
        )
        .take(page_size(limit))
        .map(|r| {
            r.map(|(k, amount)| AssetAmount {
                asset: asset_of_key(&k),
                amount,
            })
        })
        .collect::<StdResult<_>>()?;
    Ok(HeldResponse { held })
}

pub fn accepted_tokens(
    deps: Deps,
    start_after: Option<String>,
    limit: Option<u32>,
) -> ContractResult<AcceptedTokensResponse> {
    let start = start_after
        .map(|a| deps.api.addr_validate(&a))
        .transpose()?;
    let tokens = ACCEPTED_CW20
        .keys(
            deps.storage,
            start.as_ref().map(Bound::exclusive),
            None,
            Order::Ascending,
        )
        .take(page_size(limit))
        .collect::<StdResult<_>>()?;
    Ok(AcceptedTokensResponse { tokens })
}

/// What the escrow owes and holds in `asset`, and the stray rest.
pub fn owed(deps: Deps, env: &Env, asset: &AssetInfo) -> ContractResult<OwedResponse> {
    let me = &env.contract.address;
    let holdings = match asset {
        AssetInfo::Native { denom } => deps.querier.query_balance(me, denom)?.amount,
        AssetInfo::Cw20 { address } => {
            // The ledger is keyed by the normalized address: an alias (another spelling of
            // the same contract) would read as owing nothing.
            let address = deps.api.addr_validate(address.as_str())?;
            let b: cw20::BalanceResponse = deps.querier.query_wasm_smart(
                &address,
                &cw20::Cw20QueryMsg::Balance {
                    address: me.to_string(),
                },
            )?;
            b.balance
        }
    };
    let owed = OWED
        .may_load(deps.storage, &asset.key())?
        .unwrap_or_default();
    Ok(OwedResponse {
        owed,
        holdings,
        stray: holdings.saturating_sub(owed),
    })
}

pub fn config(deps: Deps) -> ContractResult<ConfigResponse> {
    let c = CONFIG.load(deps.storage)?;
    Ok(ConfigResponse {
        registry: c.registry,
        dispute_timeout_seconds: c.dispute_timeout_seconds,
    })
}
