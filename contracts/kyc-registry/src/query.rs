use cosmwasm_std::{Addr, Deps, Env, Order, StdResult, Uint128};
use cw_storage_plus::Bound;
use farthing_types::kyc::{
    evaluate_transfer, AuditLogResponse, GateRecord, KycStatus, OfficersResponse, Policy,
    RecordResponse, RecordView, RecordsResponse, Verdict,
};

use crate::state::{audit_log, records, OFFICERS, POLICY, RECORD_META};

pub const DEFAULT_LIMIT: u32 = 30;
pub const MAX_LIMIT: u32 = 100;

fn limit(limit: Option<u32>) -> usize {
    limit.unwrap_or(DEFAULT_LIMIT).min(MAX_LIMIT) as usize
}

fn view(deps: Deps, address: Addr, rec: GateRecord) -> StdResult<RecordView> {
    let meta = RECORD_META.load(deps.storage, &address)?;
    Ok(RecordView {
        address,
        status: rec.status,
        tier: rec.tier,
        kind: rec.kind,
        expires_at: rec.expires_at(),
        jurisdiction: rec.jurisdiction,
        attestation: meta.attestation,
        updated_at: meta.updated_at,
        updated_by: meta.updated_by,
        reason: meta.reason,
    })
}

pub fn record(deps: Deps, address: String) -> StdResult<RecordResponse> {
    let addr = deps.api.addr_validate(&address)?;
    let record = records()
        .may_load(deps.storage, &addr)?
        .map(|rec| view(deps, addr, rec))
        .transpose()?;
    Ok(RecordResponse { record })
}

pub fn records_page(
    deps: Deps,
    status: Option<KycStatus>,
    jurisdiction: Option<String>,
    start_after: Option<String>,
    limit_: Option<u32>,
) -> StdResult<RecordsResponse> {
    let start = start_after
        .map(|a| deps.api.addr_validate(&a))
        .transpose()?;
    let n = limit(limit_);
    let map = records();
    let page: Vec<(Addr, GateRecord)> = match (status, jurisdiction) {
        (None, None) => map
            .range(
                deps.storage,
                start.as_ref().map(Bound::exclusive),
                None,
                Order::Ascending,
            )
            .take(n)
            .collect::<StdResult<_>>()?,
        (Some(s), None) => map
            .idx
            .status
            .prefix(s.code())
            .range(
                deps.storage,
                start.map(Bound::exclusive),
                None,
                Order::Ascending,
            )
            .take(n)
            .collect::<StdResult<_>>()?,
        (None, Some(j)) => map
            .idx
            .jurisdiction
            .prefix(j)
            .range(
                deps.storage,
                start.map(Bound::exclusive),
                None,
                Order::Ascending,
            )
            .take(n)
            .collect::<StdResult<_>>()?,
        (Some(s), Some(j)) => map
            .idx
            .status_jurisdiction
            .prefix((s.code(), j))
            .range(
                deps.storage,
                start.map(Bound::exclusive),
                None,
                Order::Ascending,
            )
            .take(n)
            .collect::<StdResult<_>>()?,
    };
    let records = page
        .into_iter()
        .map(|(addr, rec)| view(deps, addr, rec))
        .collect::<StdResult<_>>()?;
    Ok(RecordsResponse { records })
}

pub fn check_transfer(
    deps: Deps,
    env: Env,
    from: String,
    to: String,
    amount: Uint128,
) -> StdResult<Verdict> {
    let from = deps.api.addr_validate(&from)?;
    let to = deps.api.addr_validate(&to)?;
    let policy = POLICY.load(deps.storage)?.0;
    let map = records();
    let from_rec = map.may_load(deps.storage, &from)?;
    let to_rec = map.may_load(deps.storage, &to)?;
    Ok(evaluate_transfer(
        &policy,
        env.block.time,
        &from,
        from_rec.as_ref(),
        &to,
        to_rec.as_ref(),
        amount,
    )
    .into())
}

pub fn policy(deps: Deps) -> StdResult<Policy> {
    POLICY.load(deps.storage).map(|p| p.0)
}

pub fn officers(
    deps: Deps,
    start_after: Option<String>,
    limit_: Option<u32>,
) -> StdResult<OfficersResponse> {
    let start = start_after
        .map(|a| deps.api.addr_validate(&a))
        .transpose()?;
    let officers = OFFICERS
        .keys(
            deps.storage,
            start.as_ref().map(Bound::exclusive),
            None,
            Order::Ascending,
        )
        .take(limit(limit_))
        .collect::<StdResult<_>>()?;
    Ok(OfficersResponse { officers })
}

pub fn audit(
    deps: Deps,
    subject: Option<String>,
    start_after: Option<u64>,
    limit_: Option<u32>,
    descending: Option<bool>,
) -> StdResult<AuditLogResponse> {
    let descending = descending.unwrap_or(false);
    let (min, max, order) = match (descending, start_after) {
        (false, s) => (s.map(Bound::exclusive), None, Order::Ascending),
        (true, s) => (None, s.map(Bound::exclusive), Order::Descending),
    };
    let log = audit_log();
    let n = limit(limit_);
    let entries = match subject {
        None => log
            .range(deps.storage, min, max, order)
            .take(n)
            .map(|r| r.map(|(_, e)| e))
            .collect::<StdResult<_>>()?,
        Some(s) => {
            let addr = deps.api.addr_validate(&s)?;
            log.idx
                .subject
                .prefix(addr.into_string())
                .range(deps.storage, min, max, order)
                .take(n)
                .map(|r| r.map(|(_, e)| e))
                .collect::<StdResult<_>>()?
        }
    };
    Ok(AuditLogResponse { entries })
}
