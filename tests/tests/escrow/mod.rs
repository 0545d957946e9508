//! Registry + token + royalty/escrow on cw-multi-test.

mod test_admin;
mod test_deals;
mod test_royalty;

use cosmwasm_std::{to_json_binary, Addr, Coin, Uint128};
use cw_multi_test::AppResponse;
use farthing_royalty_escrow::ContractError;
use farthing_testing::{Suite, SuiteBuilder};
use farthing_types::escrow::{
    AssetInfo, Deal, DealTerms, DealsResponse, ExecuteMsg, QueryMsg, ReceiveMsg,
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

pub fn all_deals(s: &Suite) -> Vec<Deal> {
    let r: DealsResponse = s.query_escrow(&QueryMsg::Deals {
        by: None,
        start_after: None,
        limit: Some(30),
    });
    r.deals
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

/// Everything a rejected escrow message must leave as it was.
#[derive(Debug, PartialEq)]
pub struct EscrowState {
    deals: Vec<Deal>,
    escrow_tokens: u128,
    escrow_native: u128,
    payer_tokens: u128,
    payee_tokens: u128,
}

pub fn state(s: &Suite) -> EscrowState {
    EscrowState {
        deals: all_deals(s),
        escrow_tokens: s.balance(&s.escrow),
        escrow_native: s.native_balance(&s.escrow, DENOM),
        payer_tokens: s.balance(&s.addr("payer")),
        payee_tokens: s.balance(&s.addr("payee")),
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
