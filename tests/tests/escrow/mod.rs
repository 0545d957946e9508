//! Registry + token + royalty/escrow on cw-multi-test.

mod test_admin;
mod test_boundaries;
mod test_deals;
mod test_events_exact;
mod test_hardening;
mod test_review;
mod test_review_owed;
mod test_royalty;
mod test_stray;

use cosmwasm_std::{to_json_binary, Addr, Coin, Uint128};
use cw_multi_test::AppResponse;
use farthing_royalty_escrow::ContractError;
use farthing_testing::{Suite, SuiteBuilder};
use farthing_types::escrow::{
    AssetInfo, Deal, DealTerms, DealsResponse, ExecuteMsg, HeldResponse, QueryMsg, ReceiveMsg,
};
use farthing_types::token::ExecuteMsg as TokenMsg;

pub const DENOM: &str = "ueur";

/// Registry, token and escrow: payer (1,000,000 tokens and native), payee, arbiter,
/// all tier 3.
pub fn suite() -> Suite {
    let mut s = SuiteBuilder::default()
        .with_funded("payer", 3, "DE", 1_000_000)
        .with_listed("payee", 3, "FR")
        .with_listed("arbiter", 3, "NL")
        .with_listed("anyone", 1, "NL")
        .with_escrow()
        .build();
    let payer = s.addr("payer");
    s.fund_native(&payer, 1_000_000, DENOM);
    s
}

pub fn terms(s: &Suite, milestones: &[u128], arbiter: bool, ttl: u64) -> DealTerms {
    DealTerms {
        payee: s.addr("payee").to_string(),
        arbiter: arbiter.then(|| s.addr("arbiter").to_string()),
        milestones: milestones.iter().map(|m| Uint128::new(*m)).collect(),
        expires_at: s.now().plus_seconds(ttl),
    }
}

/// Opens a deal in the token through cw20 `Send`; returns its id.
pub fn create_cw20_deal(s: &mut Suite, amount: u128, terms: DealTerms) -> anyhow::Result<u64> {
    let payer = s.addr("payer");
    let escrow = s.escrow.to_string();
    s.execute_token(
        &payer,
        &TokenMsg::Send {
            contract: escrow,
            amount: Uint128::new(amount),
            msg: to_json_binary(&ReceiveMsg::CreateDeal(terms))?,
        },
    )?;
    Ok(last_deal(s).id)
}

pub fn create_native_deal(s: &mut Suite, amount: u128, terms: DealTerms) -> anyhow::Result<u64> {
    let payer = s.addr("payer");
    s.execute_escrow(
        &payer,
        &ExecuteMsg::CreateDeal(terms),
        &[Coin::new(amount, DENOM)],
    )?;
    Ok(last_deal(s).id)
}

/// Every deal, in id order (pages through the query).
pub fn all_deals(s: &Suite) -> Vec<Deal> {
    let mut all: Vec<Deal> = vec![];
    for _ in 0..100 {
        let r: DealsResponse = s.query_escrow(&QueryMsg::Deals {
            by: None,
            start_after: all.last().map(|d| d.id),
            limit: Some(30),
        });
        if r.deals.is_empty() {
            return all;
        }
        all.extend(r.deals);
    }
    panic!("the Deals query does not page")
}

pub fn last_deal(s: &Suite) -> Deal {
    all_deals(s).pop().expect("a deal")
}

pub fn deal(s: &Suite, id: u64) -> Deal {
    s.query_escrow(&QueryMsg::Deal { deal_id: id })
}

pub fn token_asset(s: &Suite) -> AssetInfo {
    AssetInfo::Cw20 {
        address: s.token.clone(),
    }
}

/// The native asset of the tests.
pub fn native_asset() -> AssetInfo {
    AssetInfo::Native {
        denom: DENOM.into(),
    }
}

/// One page of what is held for `who`.
pub fn held_page(
    s: &Suite,
    who: &Addr,
    start_after: Option<AssetInfo>,
    limit: Option<u32>,
) -> Vec<(AssetInfo, u128)> {
    let r: HeldResponse = s.query_escrow(&QueryMsg::Held {
        address: who.to_string(),
        start_after,
        limit,
    });
    r.held
        .into_iter()
        .map(|h| (h.asset, h.amount.u128()))
        .collect()
}

/// Everything held for `who` (pages through the query), as (asset, amount).
pub fn held(s: &Suite, who: &Addr) -> Vec<(AssetInfo, u128)> {
    let mut all: Vec<(AssetInfo, u128)> = vec![];
    for _ in 0..100 {
        let page = held_page(s, who, all.last().map(|(a, _)| a.clone()), Some(30));
        if page.is_empty() {
            return all;
        }
        all.extend(page);
    }
    panic!(
        "the Held query does not page: {} entries after 100 pages",
        all.len()
    )
}

/// Accounts whose balances and held payouts a rejection must not change.
pub const WATCHED: [&str; 5] = ["payer", "payee", "arbiter", "anyone", "owner"];

/// Balances and held payouts of one watched account.
#[derive(Debug, PartialEq)]
pub struct AccountState {
    name: String,
    tokens: u128,
    native: u128,
    held: Vec<(AssetInfo, u128)>,
}

/// Everything a rejected escrow message must leave as it was.
#[derive(Debug, PartialEq)]
pub struct EscrowState {
    deals: Vec<Deal>,
    escrow_tokens: u128,
    escrow_native: u128,
    accounts: Vec<AccountState>,
}

pub fn state(s: &Suite) -> EscrowState {
    let token = !s.token.as_str().is_empty();
    EscrowState {
        deals: all_deals(s),
        escrow_tokens: if token { s.balance(&s.escrow) } else { 0 },
        escrow_native: s.native_balance(&s.escrow, DENOM),
        accounts: WATCHED
            .iter()
            .map(|n| {
                let a = s.addr(n);
                AccountState {
                    name: n.to_string(),
                    tokens: if token { s.balance(&a) } else { 0 },
                    native: s.native_balance(&a, DENOM),
                    held: held(s, &a),
                }
            })
            .collect(),
    }
}

pub fn assert_escrow_rejected(
    s: &mut Suite,
    run: impl FnOnce(&mut Suite) -> anyhow::Result<AppResponse>,
    expected: ContractError,
) {
    farthing_testing::assert_rejected_unchanged(s, state, run, expected);
}

pub fn exec(s: &mut Suite, who: &str, msg: ExecuteMsg) -> anyhow::Result<AppResponse> {
    let sender = s.addr(who);
    s.execute_escrow(&sender, &msg, &[])
}

pub fn event_attr(resp: &AppResponse, ty: &str, key: &str) -> Option<String> {
    resp.events
        .iter()
        .find(|e| e.ty == format!("wasm-{ty}"))
        .and_then(|e| e.attributes.iter().find(|a| a.key == key))
        .map(|a| a.value.clone())
}

pub fn addr(s: &Suite, n: &str) -> Addr {
    s.addr(n)
}

/// Every `escrow_payout_held` event of a response as (to, asset, amount, code).
pub fn holds(resp: &AppResponse) -> Vec<(String, String, String, String)> {
    farthing_testing::wasm_events(resp, "escrow_payout_held")
        .into_iter()
        .map(|e| {
            let get = |k: &str| {
                e.attributes
                    .iter()
                    .find(|a| a.key == k)
                    .map(|a| a.value.clone())
                    .unwrap_or_default()
            };
            (get("to"), get("asset"), get("amount"), get("code"))
        })
        .collect()
}

/// The token's issuer roles: "freezer" freezes/unfreezes `who`, "pauser" pauses/unpauses.
pub fn freeze(s: &mut Suite, who: &Addr, frozen: bool) {
    let freezer = s.addr("freezer");
    let (address, reason) = (who.to_string(), "court_order".to_string());
    let msg = if frozen {
        TokenMsg::Freeze { address, reason }
    } else {
        TokenMsg::Unfreeze { address, reason }
    };
    s.execute_token(&freezer, &msg).unwrap();
}

pub fn pause(s: &mut Suite, paused: bool) {
    let pauser = s.addr("pauser");
    let reason = "incident_42".to_string();
    let msg = if paused {
        TokenMsg::Pause { reason }
    } else {
        TokenMsg::Unpause { reason }
    };
    s.execute_token(&pauser, &msg).unwrap();
}

/// Calls the escrow's cw20 `Receive` as if the (accepted) token sent it: tests the escrow's
/// own checks independently of the token's gate, and exposes the escrow's response `data`.
pub fn receive_as_token(
    s: &mut Suite,
    from: &str,
    amount: u128,
    msg: &ReceiveMsg,
) -> anyhow::Result<AppResponse> {
    use cw_multi_test::Executor;
    let (token, escrow, sender) = (s.token.clone(), s.escrow.clone(), s.addr(from));
    s.app.execute_contract(
        token,
        escrow,
        &ExecuteMsg::Receive(cw20::Cw20ReceiveMsg {
            sender: sender.to_string(),
            amount: Uint128::new(amount),
            msg: to_json_binary(msg)?,
        }),
        &[],
    )
}

pub fn u(n: u128) -> Uint128 {
    Uint128::new(n)
}

pub fn release(s: &mut Suite, who: &str, deal_id: u64, milestone: Option<u32>) -> AppResponse {
    exec(s, who, ExecuteMsg::Release { deal_id, milestone }).unwrap()
}

pub fn claim_held(s: &mut Suite, who: &str, asset: AssetInfo) -> anyhow::Result<AppResponse> {
    exec(
        s,
        who,
        ExecuteMsg::ClaimHeld {
            asset,
            amount: None,
        },
    )
}
