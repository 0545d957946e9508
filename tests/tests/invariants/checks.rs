//! The invariants, checked after every step: conservation, the gate, nothing changed by a
//! rejection, and (on a copy of the world) a way out for every locked amount.

use cosmwasm_std::{Addr, Order, Uint128};
use cw_storage_plus::Map;
use farthing_types::escrow::{AssetInfo, Deal, DealStatus};
use farthing_types::kyc::{KycStatus, Policy, RecordView};
use farthing_types::token::{self, AccountResponse, Channel};

use super::action::DENOM;
use super::action::*;
use super::world::{Call, Dump, World};

/// Where a party stands, as the invariants judge it (independently of the contracts' code).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Standing {
    /// Refused by the registry as a sender (not listed, suspended, revoked, blocked, expired).
    pub refused_out: bool,
    /// Refused by the registry as a recipient (expired parties may receive in the grace).
    pub refused_in: bool,
    /// Stopped as a channel payer: refused for any reason but an expired KYC.
    pub stopped_payer: bool,
    /// Frozen by the token's issuer.
    pub frozen: bool,
    /// Revoked or in a blocked jurisdiction.
    pub sanctioned: bool,
}

/// What the invariants compare across a step.
#[derive(Clone, Debug)]
pub struct View {
    pub accounts: Vec<AccountResponse>,
    pub native: Vec<u128>,
    pub standing: Vec<Standing>,
    pub token_gated: bool,
    pub escrow_gated: bool,
    /// What the escrow owes, per asset (token, native).
    pub owed: [u128; 2],
    /// Escrow holdings minus what it owes, per asset (token, native).
    pub surplus: [i128; 2],
    /// Channels: (id, payer, closed, unclaimed rest).
    pub channels: Vec<(u64, Addr, bool, u128)>,
    /// Native deals: (payer, refunded or held for the payer).
    pub native_refunds: Vec<(Addr, u128)>,
}

fn standing(policy: &Policy, now: u64, rec: Option<&RecordView>, frozen: bool) -> Standing {
    let Some(rec) = rec else {
        return Standing {
            refused_out: true,
            refused_in: true,
            stopped_payer: true,
            frozen,
            sanctioned: false,
        };
    };
    let barred =
        rec.status != KycStatus::Active || policy.blocked_jurisdictions.contains(&rec.jurisdiction);
    let expires = rec.expires_at.seconds();
    Standing {
        refused_out: barred || now >= expires,
        refused_in: barred || now >= expires.saturating_add(policy.expiry_grace_seconds),
        stopped_payer: barred,
        frozen,
        sanctioned: rec.status == KycStatus::Revoked
            || policy.blocked_jurisdictions.contains(&rec.jurisdiction),
    }
}

impl World {
    pub fn view(&self) -> View {
        let policy = self.s.policy();
        let now = self.now().seconds();
        let accounts: Vec<AccountResponse> = self.parties.iter().map(|p| self.account(p)).collect();
        let standing = self
            .parties
            .iter()
            .zip(&accounts)
            .map(|(p, a)| standing(&policy, now, self.s.record(p).as_ref(), a.frozen))
            .collect();
        let deals = self.all_deals();
        let owed = self.owed_of(&deals);
        let holdings = [
            accounts[ESCROW_PARTY].balance.u128(),
            self.native(&self.s.escrow),
        ];
        View {
            native: self.parties.iter().map(|p| self.native(p)).collect(),
            accounts,
            standing,
            token_gated: self.token_config().registry.is_some(),
            escrow_gated: self.escrow_config().registry.is_some(),
            channels: self
                .raw_channels()
                .into_iter()
                .map(|c| {
                    let rest = c
                        .deposit
                        .checked_sub(c.claimed)
                        .unwrap_or_else(|_| panic!("channel {} claimed beyond its deposit", c.id));
                    (c.id, c.payer.clone(), c.closed, rest.u128())
                })
                .collect(),
            native_refunds: deals
                .into_iter()
                .filter(|d| matches!(d.asset, AssetInfo::Native { .. }))
                .map(|d| (d.payer, d.to_payer.u128()))
                .collect(),
            surplus: [
                holdings[0] as i128 - owed[0] as i128,
                holdings[1] as i128 - owed[1] as i128,
            ],
            owed,
        }
    }

    /// Every channel in the token's store (read raw, so that none escapes the count).
    pub fn raw_channels(&self) -> Vec<Channel> {
        const CHANNELS: Map<u64, Channel> = Map::new("ch");
        let store = self.s.app.contract_storage(&self.s.token);
        CHANNELS
            .range(store.as_ref(), None, None, Order::Ascending)
            .map(|r| r.expect("channel").1)
            .collect()
    }

    pub fn all_deals(&self) -> Vec<Deal> {
        let mut out: Vec<Deal> = vec![];
        loop {
            let page: farthing_types::escrow::DealsResponse =
                self.s
                    .query_escrow(&farthing_types::escrow::QueryMsg::Deals {
                        by: None,
                        start_after: out.last().map(|d| d.id),
                        limit: Some(30),
                    });
            if page.deals.is_empty() {
                return out;
            }
            out.extend(page.deals);
        }
    }

    /// Held payouts, read raw: (address, asset key, amount).
    pub fn raw_held(&self) -> Vec<(Addr, String, u128)> {
        const HELD: Map<(&Addr, &str), Uint128> = Map::new("h");
        let store = self.s.app.contract_storage(&self.s.escrow);
        HELD.range(store.as_ref(), None, None, Order::Ascending)
            .map(|r| {
                let ((a, k), v) = r.expect("held");
                (a, k, v.u128())
            })
            .collect()
    }

    /// What the escrow owes per asset (token, native): what open deals still hold, what
    /// royalty splits received and their recipients did not claim, and held payouts.
    pub fn escrow_owed(&self) -> [u128; 2] {
        self.owed_of(&self.all_deals())
    }

    /// As `escrow_owed`, with the deals already read.
    fn owed_of(&self, deals: &[Deal]) -> [u128; 2] {
        let token_key = format!("c:{}", self.s.token);
        let native_key = format!("n:{DENOM}");
        let slot = |key: &str| -> usize {
            if key == token_key {
                0
            } else if key == native_key {
                1
            } else {
                panic!("an asset the run never uses: {key}")
            }
        };
        let mut owed = [0u128; 2];
        for d in deals {
            let i = match &d.asset {
                AssetInfo::Cw20 { .. } => 0,
                AssetInfo::Native { .. } => 1,
            };
            owed[i] += d.remaining().u128();
            if d.status == DealStatus::Closed {
                assert_eq!(
                    d.remaining(),
                    Uint128::zero(),
                    "closed deal {} still holds",
                    d.id
                );
            }
        }
        const REVENUE: Map<(u64, u32, &str), Uint128> = Map::new("rv");
        const CLAIMED: Map<((u64, u32), &str, &Addr), Uint128> = Map::new("cl");
        let store = self.s.app.contract_storage(&self.s.escrow);
        for r in REVENUE.range(store.as_ref(), None, None, Order::Ascending) {
            let ((_, _, key), v) = r.expect("revenue");
            owed[slot(&key)] += v.u128();
        }
        for r in CLAIMED.range(store.as_ref(), None, None, Order::Ascending) {
            let ((_, key, _), v) = r.expect("claimed");
            owed[slot(&key)] = owed[slot(&key)]
                .checked_sub(v.u128())
                .expect("claimed more than a split received");
        }
        for (_, key, v) in self.raw_held() {
            owed[slot(&key)] += v;
        }
        owed
    }

    /// Conservation, checked after every step.
    pub fn check_conservation(&self, view: &View) {
        let info: cw20::TokenInfoResponse = self.s.query_token(&token::QueryMsg::TokenInfo {});
        assert_eq!(
            info.total_supply.u128(),
            self.supply,
            "supply changed outside mint and burn"
        );
        let mut balances = 0u128;
        let mut start_after: Option<String> = None;
        loop {
            let page: cw20::AllAccountsResponse =
                self.s.query_token(&token::QueryMsg::AllAccounts {
                    start_after: start_after.clone(),
                    limit: Some(30),
                });
            let Some(last) = page.accounts.last().cloned() else {
                break;
            };
            for a in &page.accounts {
                balances += self.s.balance(&Addr::unchecked(a));
            }
            start_after = Some(last);
        }
        let locked: u128 = view
            .channels
            .iter()
            .filter(|(_, _, closed, _)| !closed)
            .map(|(.., rest)| rest)
            .sum();
        assert_eq!(
            info.total_supply.u128(),
            balances + locked,
            "supply {} != balances {balances} + unclaimed channel deposits {locked}",
            info.total_supply
        );
        for (p, a) in view.accounts.iter().enumerate() {
            assert!(
                a.frozen_amount <= a.balance,
                "{} has {} frozen of a balance of {}",
                ACTOR_NAME(p),
                a.frozen_amount,
                a.balance
            );
        }
        let owed = view.owed;
        for (i, asset) in [super::action::Asset::Token, super::action::Asset::Native]
            .into_iter()
            .enumerate()
        {
            let r: farthing_types::escrow::OwedResponse =
                self.s
                    .query_escrow(&farthing_types::escrow::QueryMsg::Owed {
                        asset: self.asset_info(asset),
                    });
            assert_eq!(
                r.owed.u128(),
                owed[i],
                "the escrow's own ledger of what it owes is off"
            );
        }
        for (i, s) in view.surplus.iter().enumerate() {
            assert!(
                *s >= 0,
                "the escrow owes {} more {} than it holds",
                -s,
                ["tokens", DENOM][i]
            );
            assert_eq!(
                *s as u128,
                self.stray[i],
                "the escrow's surplus of {} is not what was sent to it outside its messages",
                ["tokens", DENOM][i]
            );
        }
    }
}

#[allow(non_snake_case)]
pub fn ACTOR_NAME(p: usize) -> &'static str {
    match p {
        ESCROW_PARTY => "the escrow",
        TOKEN_PARTY => "the token contract",
        p => ACTORS[p],
    }
}

/// The gate, for a step that succeeded: no party refused by the registry (where the
/// contract that moved the value consults it) or frozen by the issuer gained or spent
/// value, unless the step is an agent's forced transfer or recovery.
pub fn check_gate(w: &World, action: &Action, call: &Call, before: &View, after: &View) {
    let exempt = matches!(
        action,
        Action::ForcedTransfer { .. } | Action::Recover { .. }
    );
    let issuer = matches!(
        action,
        Action::Freeze { .. }
            | Action::Unfreeze { .. }
            | Action::FreezeTokens { .. }
            | Action::UnfreezeTokens { .. }
    );
    for p in 0..PARTIES {
        let (b0, b1) = (&before.accounts[p], &after.accounts[p]);
        let s = before.standing[p];
        if issuer {
            assert_eq!(
                b0.balance,
                b1.balance,
                "an issuer freeze moved {}'s balance",
                ACTOR_NAME(p)
            );
        }
        if exempt {
            continue;
        }
        let out = s.frozen || (before.token_gated && s.refused_out);
        let inn = s.frozen || (before.token_gated && s.refused_in);
        if out {
            assert!(
                b1.balance >= b0.balance,
                "{} ({s:?}) spent {} tokens",
                ACTOR_NAME(p),
                b0.balance - b1.balance
            );
        }
        // The documented exception (README, guarantee 1): a closing channel's unclaimed rest
        // returns to its payer for free use unless the payer is stopped (an expired KYC
        // does not stop it); a stopped payer gets it as frozen tokens.
        let returned: u128 = if s.frozen || (before.token_gated && s.stopped_payer) {
            0
        } else {
            after
                .channels
                .iter()
                .filter(|(id, payer, closed, _)| {
                    *closed
                        && *payer == w.parties[p]
                        && before.channels.iter().any(|(i, _, was, _)| i == id && !was)
                })
                .map(|(id, ..)| {
                    before
                        .channels
                        .iter()
                        .find(|(i, ..)| i == id)
                        .map_or(0, |c| c.3)
                })
                .sum()
        };
        if inn && !issuer {
            let free0 = b0.balance.u128() as i128 - b0.frozen_amount.u128() as i128;
            let free1 = b1.balance.u128() as i128 - b1.frozen_amount.u128() as i128;
            assert!(
                free1 <= free0 + returned as i128,
                "{} ({s:?}) gained {} tokens for free use",
                ACTOR_NAME(p),
                free1 - free0
            );
        }
        // Native coins are gated by the escrow for the parties it pays and is paid by; the
        // escrow's own custody of them is checked by conservation, not here.
        let native_in = before.escrow_gated && s.refused_in && p != ESCROW_PARTY;
        // The documented exception: a native refund of a deal to its own payer is held only
        // when the payer is sanctioned (README, guarantee 8).
        let refunded: u128 = after
            .native_refunds
            .iter()
            .enumerate()
            .filter(|(_, (payer, _))| *payer == w.parties[p])
            .map(|(i, (_, now))| now - before.native_refunds.get(i).map(|r| r.1).unwrap_or(0))
            .sum();
        let allowed = if s.sanctioned { 0 } else { refunded };
        if native_in && !matches!(call, Call::Bank { .. }) {
            assert!(
                after.native[p] <= before.native[p] + allowed,
                "{} ({s:?}) received {} {DENOM} from the escrow (refunds allowed: {allowed})",
                ACTOR_NAME(p),
                after.native[p] - before.native[p]
            );
        }
        if before.escrow_gated
            && s.refused_out
            && p != ESCROW_PARTY
            && !matches!(call, Call::Bank { .. })
        {
            assert!(
                after.native[p] >= before.native[p],
                "{} ({s:?}) paid {} {DENOM} into the escrow",
                ACTOR_NAME(p),
                before.native[p] - after.native[p]
            );
        }
    }
    // Spenders and payers are parties too, even when their own balance does not move.
    let party = |a: &str| w.parties.iter().position(|p| p.as_str() == a);
    if let Call::Token(m) = call {
        let spender_moved = matches!(
            m,
            token::ExecuteMsg::TransferFrom { .. }
                | token::ExecuteMsg::SendFrom { .. }
                | token::ExecuteMsg::BurnFrom { .. }
        );
        if spender_moved {
            if let Some(p) = sender_of(action).and_then(|s| party(w.addr(s).as_str())) {
                let s = before.standing[p];
                assert!(
                    !(s.frozen || (before.token_gated && s.refused_out)),
                    "{} ({s:?}) spent an allowance",
                    ACTOR_NAME(p)
                );
            }
        }
        let claimed: Vec<u64> = match m {
            token::ExecuteMsg::Claim { channel, .. } => vec![*channel],
            token::ExecuteMsg::ClaimMany { claims } => claims.iter().map(|c| c.channel).collect(),
            _ => vec![],
        };
        for id in claimed {
            let ch = w.channel(id).expect("claimed channel");
            if let Some(p) = party(ch.payer.as_str()) {
                let s = before.standing[p];
                assert!(
                    !(s.frozen || (before.token_gated && s.stopped_payer)),
                    "channel {id} paid out for a stopped payer {} ({s:?})",
                    ACTOR_NAME(p)
                );
            }
        }
    }
}

fn sender_of(action: &Action) -> Option<usize> {
    match action {
        Action::TransferFrom { spender, .. }
        | Action::SendFrom { spender, .. }
        | Action::BurnFrom { spender, .. } => Some(*spender),
        _ => None,
    }
}

/// A rejected step changed nothing: every store, every native balance, the block.
pub fn check_unchanged(before: &Dump, after: &Dump, what: &str) {
    for (name, b, a) in [
        ("registry", &before.registry, &after.registry),
        ("token", &before.token, &after.token),
        ("escrow", &before.escrow, &after.escrow),
    ] {
        if b != a {
            let diff: Vec<String> = a
                .iter()
                .filter(|kv| !b.contains(kv))
                .map(|(k, v)| {
                    format!(
                        "{} = {}",
                        String::from_utf8_lossy(k),
                        String::from_utf8_lossy(v)
                    )
                })
                .chain(
                    b.iter()
                        .filter(|kv| !a.contains(kv))
                        .map(|(k, _)| format!("{} (was)", String::from_utf8_lossy(k))),
                )
                .take(6)
                .collect();
            panic!("{what} changed the {name}'s store: {diff:?}");
        }
    }
    assert_eq!(before.native, after.native, "{what} moved native coins");
    assert_eq!(before.block, after.block, "{what} moved the block");
}

/// The error of a rejected contract call is the contract's typed error: its message starts
/// with a stable `[code=...]` (bank refusals of attached funds excepted).
pub fn check_typed(err: &anyhow::Error, call: &Call, funds: u128) {
    let root = err.root_cause().to_string();
    let text = format!("{err:#}");
    // The bank's and the chain's own refusals (funds, the migrate admin) are not ours.
    if matches!(call, Call::Bank { .. } | Call::Migrate(_))
        || (funds > 0 && !text.contains("[code="))
    {
        return;
    }
    assert!(
        text.contains("[code="),
        "an untyped rejection: {text} (root: {root})"
    );
}
