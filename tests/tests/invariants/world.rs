//! The system under test: the three contracts on cw-multi-test, the actors, the vouchers
//! they hold off chain, and what the run expects of supply and stray funds.

use std::collections::BTreeMap;

use anyhow::Result as AnyResult;
use cosmwasm_std::testing::MockStorage;
use cosmwasm_std::{
    coins, to_json_binary, Addr, BankMsg, Binary, ContractInfo, Deps, DepsMut, Env, HexBinary,
    MessageInfo, Order, QuerierWrapper, Record, Storage, Timestamp, TransactionInfo, Uint128,
};
use cw20::{Cw20ReceiveMsg, Expiration, Logo, MinterResponse};
use cw_multi_test::{AppResponse, Executor};
use farthing_testing::{Suite, SuiteBuilder, ATTESTATION};
use farthing_types::escrow::{self, AssetInfo, Deal, DealTerms, ReceiveMsg, Share, WorkTerms};
use farthing_types::kyc::{self, KycStatus, PartyKind, Policy, RecordInput, TierLimit, TravelRule};
use farthing_types::token::{self, AccountResponse, Channel, Role, SignerKey};
use farthing_voucher::KeyType;

use super::action::*;

pub const START_BALANCE: u128 = 1_000_000;
pub const START_NATIVE: u128 = 1_000_000;
/// Users' tiers and jurisdictions at the start (u0..u5).
pub const USER_TIERS: [(u8, &str); 6] = [
    (3, "DE"),
    (2, "FR"),
    (1, "DE"),
    (0, "FR"),
    (2, "IT"),
    (1, "IT"),
];

/// The policy of the run: limits per tier, a volume window, the travel rule, a grace period.
pub fn policy(limits: u8, blocked: u8, grace: u64) -> Policy {
    let limit = |max: Option<u128>, window: Option<u128>| TierLimit {
        max_per_transfer: max.map(Uint128::new),
        max_volume_per_window: window.map(Uint128::new),
        window_seconds: if window.is_some() { 3_600 } else { 0 },
    };
    let tier_limits = match limits {
        0 => vec![
            limit(Some(1_000), Some(5_000)),
            limit(Some(10_000), Some(50_000)),
            limit(Some(100_000), None),
            limit(None, None),
        ],
        1 => vec![
            limit(Some(100), Some(500)),
            limit(Some(1_000), Some(5_000)),
            limit(Some(10_000), Some(20_000)),
            limit(Some(100_000), Some(200_000)),
        ],
        _ => vec![limit(None, None); 4],
    };
    Policy {
        blocked_jurisdictions: JURISDICTIONS
            .iter()
            .enumerate()
            .filter(|(i, _)| blocked & (1 << i) != 0)
            .map(|(_, j)| j.to_string())
            .collect(),
        tier_limits,
        travel_rule: Some(TravelRule {
            threshold: Uint128::new(200_000),
            min_tier: 2,
        }),
        expiry_grace_seconds: grace,
    }
}

/// A payer's voucher key: one per actor.
pub fn secret(actor: usize) -> [u8; 32] {
    [actor as u8 + 1; 32]
}

/// What a step did.
#[derive(Debug)]
pub enum Outcome {
    Ok(AppResponse),
    Rejected(anyhow::Error),
}

/// The contract a step calls.
#[derive(Clone, Debug)]
pub enum Call {
    Registry(kyc::ExecuteMsg),
    Token(token::ExecuteMsg),
    Escrow(escrow::ExecuteMsg),
    Bank { to: Addr, amount: u128 },
    Migrate(u8),
}

type BareRun = Box<dyn Fn(DepsMut, Env, MessageInfo) -> Result<(), String>>;

pub struct World {
    pub s: Suite,
    /// Every party: the actors, then the escrow and the token.
    pub parties: Vec<Addr>,
    /// Channel ids in the order opened, with the actor whose key signs their vouchers.
    pub channels: Vec<(u64, usize)>,
    /// The vouchers each channel's payee holds, ascending.
    pub vouchers: BTreeMap<u64, Vec<u128>>,
    pub deals: Vec<u64>,
    pub works: Vec<u64>,
    /// Supply as minting and burning made it.
    pub supply: u128,
    /// What was sent to the escrow outside its messages (token, native).
    pub stray: [u128; 2],
    pub stats: BTreeMap<String, [u64; 2]>,
}

impl World {
    pub fn new() -> World {
        let mut b = SuiteBuilder::default().with_policy(policy(0, 0, 3_600));
        for (i, (tier, j)) in USER_TIERS.iter().enumerate() {
            b = b.with_funded(ACTORS[USERS.start + i], *tier, j, START_BALANCE);
        }
        let mut s = b.with_escrow().build();
        let mut parties: Vec<Addr> = ACTORS.iter().map(|n| s.addr(n)).collect();
        parties.push(s.escrow.clone());
        parties.push(s.token.clone());
        for u in USERS {
            let a = parties[u].clone();
            s.fund_native(&a, START_NATIVE, DENOM);
        }
        let mut w = World {
            supply: START_BALANCE * USERS.len() as u128,
            s,
            parties,
            channels: vec![],
            vouchers: BTreeMap::new(),
            deals: vec![],
            works: vec![],
            stray: [0, 0],
            stats: BTreeMap::new(),
        };
        w.seed_state();
        w
    }

    /// Two channels, a native and a token deal, and a paid work, so that steps that act on
    /// existing channels, deals and works have something to act on from the first step.
    fn seed_state(&mut self) {
        use Action as A;
        let deal = |payee, arbiter, milestones: Vec<u128>| DealSpec {
            payee,
            arbiter,
            milestones,
            skew: 0,
            expires_in: 7 * 86_400,
        };
        let steps = [
            A::OpenChannel {
                payer: 6,
                payee: 7,
                amount: Amt::Fixed(20_000),
                expires_in: 30 * 86_400,
                travel_rule: false,
            },
            A::OpenChannel {
                payer: 8,
                payee: 9,
                amount: Amt::Fixed(5_000),
                expires_in: 86_400,
                travel_rule: false,
            },
            A::SignVoucher {
                channel: 0,
                more: 1_500,
            },
            A::SignVoucher {
                channel: 1,
                more: 700,
            },
            A::CreateDealNative {
                payer: 6,
                deal: deal(7, Some(8), vec![4_000, 6_000]),
            },
            A::Send {
                from: 7,
                amount: Amt::Fixed(0),
                hook: Hook::CreateDeal(deal(10, Some(11), vec![3_000, 2_000])),
            },
            A::RegisterWork {
                by: 10,
                recipients: vec![(6, 5_000), (7, 3_000), (11, 2_000)],
                native: true,
            },
            A::PayWorkNative {
                by: 9,
                work: 0,
                amount: 10_001,
            },
            A::IncreaseAllowance {
                owner: 6,
                spender: 8,
                amount: Amt::Fixed(50_000),
            },
            A::IncreaseAllowance {
                owner: 7,
                spender: 9,
                amount: Amt::Fixed(20_000),
            },
            A::TransferFrom {
                spender: 8,
                owner: 6,
                to: 10,
                amount: Amt::Fixed(500),
            },
            A::Send {
                from: 6,
                amount: Amt::Fixed(7_777),
                hook: Hook::Pay { work: 0 },
            },
        ];
        for a in steps {
            if let Some((sender, call, funds)) = self.resolve(&a) {
                let resp = self
                    .run(&sender, &call, funds)
                    .unwrap_or_else(|e| panic!("seed {a:?}: {e:#}"));
                self.note_ids(&a, &call, &resp);
            }
        }
    }

    /// Records the ids a successful step created.
    pub fn note_ids(&mut self, action: &Action, call: &Call, resp: &AppResponse) {
        let attr = |ty: &str, key: &str| -> Option<u64> {
            resp.events
                .iter()
                .filter(|ev| ev.ty == format!("wasm-{ty}"))
                .flat_map(|ev| ev.attributes.iter())
                .find(|a| a.key == key)
                .and_then(|a| a.value.parse().ok())
        };
        match call {
            Call::Token(token::ExecuteMsg::OpenChannel { .. }) => {
                let id = attr("token_channel_opened", "channel").expect("channel id");
                let Action::OpenChannel { payer, .. } = action else {
                    unreachable!()
                };
                self.channels.push((id, *payer));
            }
            Call::Escrow(escrow::ExecuteMsg::RegisterWork(_)) => {
                let data: escrow::RegisterWorkResponse =
                    cosmwasm_std::from_json(resp.data.as_ref().expect("work data"))
                        .expect("work id");
                self.works.push(data.work_id);
            }
            _ => {}
        }
        let new_deals: Vec<u64> = self
            .all_deals()
            .iter()
            .map(|d| d.id)
            .filter(|id| !self.deals.contains(id))
            .collect();
        self.deals.extend(new_deals);
    }

    pub fn addr(&self, party: usize) -> Addr {
        self.parties[party % PARTIES].clone()
    }

    pub fn now(&self) -> Timestamp {
        self.s.now()
    }

    pub fn contract(&self, which: u8) -> Addr {
        match which {
            0 => self.s.registry.clone(),
            1 => self.s.token.clone(),
            _ => self.s.escrow.clone(),
        }
    }

    // ---- queries ----

    pub fn account(&self, a: &Addr) -> AccountResponse {
        self.s.account(a)
    }

    pub fn native(&self, a: &Addr) -> u128 {
        self.s.native_balance(a, DENOM)
    }

    pub fn channel(&self, id: u64) -> Option<Channel> {
        self.s
            .app
            .wrap()
            .query_wasm_smart(
                self.s.token.clone(),
                &token::QueryMsg::Channel { channel: id },
            )
            .ok()
    }

    pub fn deal(&self, id: u64) -> Option<Deal> {
        self.s
            .app
            .wrap()
            .query_wasm_smart(
                self.s.escrow.clone(),
                &escrow::QueryMsg::Deal { deal_id: id },
            )
            .ok()
    }

    pub fn work(&self, id: u64) -> Option<escrow::WorkResponse> {
        self.s
            .app
            .wrap()
            .query_wasm_smart(
                self.s.escrow.clone(),
                &escrow::QueryMsg::Work {
                    work_id: id,
                    epoch: None,
                },
            )
            .ok()
    }

    pub fn owner_of(&self, which: u8) -> Option<Addr> {
        let o: cw_ownable::Ownership<Addr> = self
            .s
            .app
            .wrap()
            .query_wasm_smart(self.contract(which), &kyc::QueryMsg::Ownership {})
            .expect("ownership");
        o.owner
    }

    pub fn officer(&self) -> Option<Addr> {
        self.s.officers().into_iter().next()
    }

    pub fn minter(&self) -> Option<Addr> {
        let m: Option<MinterResponse> = self.s.query_token(&token::QueryMsg::Minter {});
        m.map(|m| Addr::unchecked(m.minter))
    }

    pub fn role_holder(&self, role: Role) -> Option<Addr> {
        let r: token::RolesResponse = self.s.query_token(&token::QueryMsg::Roles {
            role,
            start_after: None,
            limit: Some(1),
        });
        r.addresses.into_iter().next()
    }

    pub fn token_config(&self) -> token::ConfigResponse {
        self.s.query_token(&token::QueryMsg::Config {})
    }

    pub fn escrow_config(&self) -> escrow::ConfigResponse {
        self.s.query_escrow(&escrow::QueryMsg::Config {})
    }

    /// Every key and value of the three contracts' stores and every party's native balance.
    pub fn dump(&self) -> Dump {
        Dump {
            registry: self.s.app.dump_wasm_raw(&self.s.registry),
            token: self.s.app.dump_wasm_raw(&self.s.token),
            escrow: self.s.app.dump_wasm_raw(&self.s.escrow),
            native: self.parties.iter().map(|p| self.native(p)).collect(),
            block: (self.now(), self.s.app.block_info().height),
        }
    }

    // ---- resolving a step ----

    /// The sender of a step. A contract never signs a transaction: where the entitled party
    /// is one (a channel's payee, a deal's party), the owner tries instead.
    fn who(&self, by: Who, proper: Option<Addr>) -> Addr {
        match by {
            Who::Actor(i) => self.addr(i),
            Who::Proper => proper
                .filter(|p| !self.is_contract(p))
                .unwrap_or_else(|| self.addr(OWNER)),
        }
    }

    pub fn is_contract(&self, a: &Addr) -> bool {
        *a == self.s.escrow || *a == self.s.token || *a == self.s.registry
    }

    fn amount(&self, owner: &Addr, amt: Amt) -> u128 {
        let available = self.account(owner).available.u128();
        match amt {
            Amt::Zero => 0,
            Amt::Fixed(n) => n,
            Amt::All => available,
            Amt::AllPlusOne => available + 1,
            Amt::Half => available / 2,
        }
    }

    fn allowance_amount(&self, owner: &Addr, spender: &Addr, amt: Amt) -> u128 {
        let a: cw20::AllowanceResponse = self.s.query_token(&token::QueryMsg::Allowance {
            owner: owner.to_string(),
            spender: spender.to_string(),
        });
        let allowed = a.allowance.u128();
        match amt {
            Amt::Zero => 0,
            Amt::Fixed(n) => n.min(allowed.max(1)),
            Amt::All => allowed,
            Amt::AllPlusOne => allowed + 1,
            Amt::Half => allowed / 2,
        }
    }

    fn first_frozen(&self) -> Option<Addr> {
        self.parties
            .iter()
            .find(|p| self.account(p).frozen)
            .cloned()
    }

    fn first_frozen_tokens(&self) -> Option<Addr> {
        self.parties
            .iter()
            .find(|p| !self.account(p).frozen_amount.is_zero())
            .cloned()
    }

    fn channel_at(&self, ix: usize) -> Option<(u64, usize)> {
        if self.channels.is_empty() {
            return None;
        }
        Some(self.channels[ix % self.channels.len()])
    }

    fn deal_at(&self, ix: usize) -> u64 {
        if self.deals.is_empty() {
            return 1_000;
        }
        self.deals[ix % self.deals.len()]
    }

    fn work_at(&self, ix: usize) -> u64 {
        if self.works.is_empty() {
            return 1_000;
        }
        self.works[ix % self.works.len()]
    }

    pub fn asset_info(&self, a: Asset) -> AssetInfo {
        self.asset(a)
    }

    fn asset(&self, a: Asset) -> AssetInfo {
        match a {
            Asset::Token => AssetInfo::Cw20 {
                address: self.s.token.clone(),
            },
            Asset::Native => AssetInfo::Native {
                denom: DENOM.to_string(),
            },
        }
    }

    pub fn voucher_sig(
        &self,
        channel: u64,
        signer: usize,
        payee: &Addr,
        cumulative: u128,
    ) -> HexBinary {
        let v = farthing_voucher::Voucher {
            chain_id: self.s.app.block_info().chain_id,
            token: self.s.token.to_string(),
            channel_id: channel,
            payee: payee.to_string(),
            cumulative: Uint128::new(cumulative),
        };
        farthing_voucher::sign(KeyType::Ed25519, &secret(signer), &v).expect("sign")
    }

    /// The best voucher the payee of `channel` holds that the deposit covers.
    pub fn best_voucher(&self, ch: &Channel) -> Option<u128> {
        self.vouchers
            .get(&ch.id)?
            .iter()
            .rev()
            .find(|v| **v <= ch.deposit.u128())
            .copied()
    }

    fn pick_voucher(&self, ix: usize, pick: Voucher) -> Option<(u64, Uint128, HexBinary)> {
        let (id, signer) = self.channel_at(ix)?;
        let ch = self.channel(id)?;
        let held = self.vouchers.get(&id).cloned().unwrap_or_default();
        let (cumulative, key, for_id) = match pick {
            Voucher::Best => (self.best_voucher(&ch)?, signer, id),
            Voucher::Stale => (*held.first()?, signer, id),
            Voucher::ExactDeposit => (ch.deposit.u128(), signer, id),
            Voucher::OverDeposit => (ch.deposit.u128() + 1, signer, id),
            Voucher::Forged => (self.best_voucher(&ch)?, (signer + 1) % ACTORS.len(), id),
            Voucher::OtherChannel => (self.best_voucher(&ch)?, signer, id + 1),
        };
        let sig = self.voucher_sig(for_id, key, &ch.payee, cumulative);
        Some((id, Uint128::new(cumulative), sig))
    }

    fn hook_msg(&self, hook: &Hook, amount: u128) -> Binary {
        let msg = match hook {
            Hook::CreateDeal(spec) => ReceiveMsg::CreateDeal(self.terms(spec)),
            Hook::TopUp { deal } => ReceiveMsg::TopUp {
                deal_id: self.deal_at(*deal),
            },
            Hook::Pay { work } => ReceiveMsg::Pay {
                work_id: self.work_at(*work),
            },
            Hook::Garbage => return Binary::from(b"{\"nonsense\":{}}".to_vec()),
        };
        let _ = amount;
        to_json_binary(&msg).expect("hook")
    }

    fn terms(&self, spec: &DealSpec) -> DealTerms {
        DealTerms {
            payee: self.addr(spec.payee).to_string(),
            arbiter: spec.arbiter.map(|a| self.addr(a).to_string()),
            milestones: spec.milestones.iter().map(|m| Uint128::new(*m)).collect(),
            expires_at: self.now().plus_seconds(spec.expires_in),
        }
    }

    fn deal_deposit(spec: &DealSpec) -> u128 {
        let sum: u128 = spec.milestones.iter().sum();
        let base = if spec.milestones.is_empty() {
            5_000
        } else {
            sum
        };
        (base as i128 + spec.skew as i128).max(0) as u128
    }

    fn split(&self, recipients: &[(usize, u16)]) -> Vec<Share> {
        recipients
            .iter()
            .map(|(p, bps)| Share {
                address: self.addr(*p).to_string(),
                bps: *bps,
            })
            .collect()
    }

    fn deal_party(&self, id: u64, pick: fn(&Deal) -> Option<Addr>) -> Option<Addr> {
        self.deal(id).and_then(|d| pick(&d))
    }

    /// Turns an action into (sender, call, funds), or `None` for off-chain steps.
    pub fn resolve(&mut self, action: &Action) -> Option<(Addr, Call, u128)> {
        use escrow::ExecuteMsg as E;
        use kyc::ExecuteMsg as K;
        use token::ExecuteMsg as T;
        let officer = || self.officer().or_else(|| self.owner_of(0));
        Some(match action.clone() {
            Action::Advance { seconds } => {
                self.s.advance_seconds(seconds);
                return None;
            }
            Action::Upsert {
                by,
                target,
                status,
                tier,
                jurisdiction,
                expires_in,
            } => {
                let status = [KycStatus::Active, KycStatus::Suspended, KycStatus::Revoked]
                    [status as usize % 3];
                let kind = if target == ESCROW_PARTY {
                    PartyKind::Contract
                } else {
                    PartyKind::Individual
                };
                let rec = RecordInput {
                    address: self.addr(target).to_string(),
                    status,
                    tier,
                    kind,
                    jurisdiction: JURISDICTIONS[jurisdiction as usize % 4].to_string(),
                    expires_at: self.now().plus_seconds(expires_in),
                    attestation: HexBinary::from(ATTESTATION.to_vec()),
                    reason: "refresh".to_string(),
                };
                (
                    self.who(by, officer()),
                    Call::Registry(K::UpsertRecords { records: vec![rec] }),
                    0,
                )
            }
            Action::SetStatus {
                by,
                targets,
                status,
            } => (
                self.who(by, officer()),
                Call::Registry(K::SetStatus {
                    addresses: targets.iter().map(|t| self.addr(*t).to_string()).collect(),
                    status: [KycStatus::Active, KycStatus::Suspended, KycStatus::Revoked]
                        [status as usize % 3],
                    reason: "review".to_string(),
                }),
                0,
            ),
            Action::RemoveRecord { by, target } => (
                self.who(by, officer()),
                Call::Registry(K::RemoveRecords {
                    addresses: vec![self.addr(target).to_string()],
                    reason: "offboarded".to_string(),
                }),
                0,
            ),
            Action::SetPolicy {
                by,
                blocked,
                grace,
                limits,
            } => (
                self.who(by, self.owner_of(0)),
                Call::Registry(K::UpdatePolicy {
                    policy: policy(limits, blocked, grace),
                }),
                0,
            ),
            Action::AddOfficer { by, target } => (
                self.who(by, self.owner_of(0)),
                Call::Registry(K::AddOfficer {
                    address: self.addr(target).to_string(),
                }),
                0,
            ),
            Action::RemoveOfficer { by, target } => (
                self.who(by, self.owner_of(0)),
                Call::Registry(K::RemoveOfficer {
                    address: (if by == Who::Proper {
                        self.officer()
                    } else {
                        None
                    })
                    .unwrap_or_else(|| self.addr(target))
                    .to_string(),
                }),
                0,
            ),
            Action::TransferOwnership { contract, by, to } => {
                let action = cw_ownable::Action::TransferOwnership {
                    new_owner: self.addr(to).to_string(),
                    expiry: None,
                };
                (
                    self.who(by, self.owner_of(contract)),
                    ownership_call(contract, action),
                    0,
                )
            }
            Action::AcceptOwnership { contract, by } => (
                self.addr(by),
                ownership_call(contract, cw_ownable::Action::AcceptOwnership),
                0,
            ),
            Action::RenounceOwnership { contract, by } => {
                let sender = self.addr(by);
                if self.owner_of(contract).as_ref() == Some(&sender) {
                    return None;
                }
                (
                    sender,
                    ownership_call(contract, cw_ownable::Action::RenounceOwnership),
                    0,
                )
            }
            Action::Transfer { from, to, amount } => {
                let from = self.addr(from);
                let amount = self.amount(&from, amount);
                (
                    from,
                    Call::Token(T::Transfer {
                        recipient: self.addr(to).to_string(),
                        amount: Uint128::new(amount),
                    }),
                    0,
                )
            }
            Action::Burn { by, amount } => {
                let by = self.addr(by);
                let amount = self.amount(&by, amount);
                (
                    by,
                    Call::Token(T::Burn {
                        amount: Uint128::new(amount),
                    }),
                    0,
                )
            }
            Action::Send { from, amount, hook } => {
                let from = self.addr(from);
                let amount = match &hook {
                    Hook::CreateDeal(spec) if amount != Amt::AllPlusOne => Self::deal_deposit(spec),
                    _ => self.amount(&from, amount),
                };
                (
                    from,
                    Call::Token(T::Send {
                        contract: self.s.escrow.to_string(),
                        amount: Uint128::new(amount),
                        msg: self.hook_msg(&hook, amount),
                    }),
                    0,
                )
            }
            Action::IncreaseAllowance {
                owner,
                spender,
                amount,
            } => {
                let owner = self.addr(owner);
                let amount = self.amount(&owner, amount);
                (
                    owner,
                    Call::Token(T::IncreaseAllowance {
                        spender: self.addr(spender).to_string(),
                        amount: Uint128::new(amount),
                        expires: None,
                    }),
                    0,
                )
            }
            Action::DecreaseAllowance {
                owner,
                spender,
                amount,
            } => {
                let owner = self.addr(owner);
                let amount = self.amount(&owner, amount);
                (
                    owner,
                    Call::Token(T::DecreaseAllowance {
                        spender: self.addr(spender).to_string(),
                        amount: Uint128::new(amount),
                        expires: Some(Expiration::Never {}),
                    }),
                    0,
                )
            }
            Action::TransferFrom {
                spender,
                owner,
                to,
                amount,
            } => {
                let o = self.addr(owner);
                let amount = self.allowance_amount(&o, &self.addr(spender), amount);
                (
                    self.addr(spender),
                    Call::Token(T::TransferFrom {
                        owner: o.to_string(),
                        recipient: self.addr(to).to_string(),
                        amount: Uint128::new(amount),
                    }),
                    0,
                )
            }
            Action::SendFrom {
                spender,
                owner,
                amount,
                hook,
            } => {
                let o = self.addr(owner);
                let amount = match &hook {
                    Hook::CreateDeal(spec) => Self::deal_deposit(spec),
                    _ => self.allowance_amount(&o, &self.addr(spender), amount),
                };
                (
                    self.addr(spender),
                    Call::Token(T::SendFrom {
                        owner: o.to_string(),
                        contract: self.s.escrow.to_string(),
                        amount: Uint128::new(amount),
                        msg: self.hook_msg(&hook, amount),
                    }),
                    0,
                )
            }
            Action::BurnFrom {
                spender,
                owner,
                amount,
            } => {
                let o = self.addr(owner);
                let amount = self.allowance_amount(&o, &self.addr(spender), amount);
                (
                    self.addr(spender),
                    Call::Token(T::BurnFrom {
                        owner: o.to_string(),
                        amount: Uint128::new(amount),
                    }),
                    0,
                )
            }
            Action::Mint { by, to, amount } => {
                let amount = match amount {
                    Amt::Fixed(n) => n,
                    Amt::Zero => 0,
                    _ => 1_000,
                };
                (
                    self.who(by, self.minter()),
                    Call::Token(T::Mint {
                        recipient: self.addr(to).to_string(),
                        amount: Uint128::new(amount),
                    }),
                    0,
                )
            }
            Action::UpdateMinter { by, to } => (
                self.who(by, self.minter()),
                Call::Token(T::UpdateMinter {
                    new_minter: to.map(|t| self.addr(t).to_string()),
                }),
                0,
            ),
            Action::UpdateMarketing { by } => (
                self.addr(by),
                Call::Token(T::UpdateMarketing {
                    project: Some("farthing".to_string()),
                    description: None,
                    marketing: None,
                }),
                0,
            ),
            Action::UploadLogo { by } => (
                self.addr(by),
                Call::Token(T::UploadLogo(Logo::Url(
                    "https://farthing.example/logo.png".to_string(),
                ))),
                0,
            ),
            Action::BatchTransfer { from, payouts } => {
                let f = self.addr(from);
                let transfers = payouts
                    .iter()
                    .map(|(to, amt)| token::Payout {
                        recipient: self.addr(*to).to_string(),
                        amount: Uint128::new(self.amount(&f, *amt).min(u128::MAX / 8)),
                    })
                    .collect();
                (f, Call::Token(T::BatchTransfer { transfers }), 0)
            }
            Action::Pay {
                from,
                to,
                amount,
                travel_rule,
            } => {
                let f = self.addr(from);
                let amount = self.amount(&f, amount);
                (
                    f,
                    Call::Token(T::Pay {
                        recipient: self.addr(to).to_string(),
                        amount: Uint128::new(amount),
                        reference: "invoice-1".to_string(),
                        travel_rule_ref: travel_rule.then(|| HexBinary::from(vec![7u8; 32])),
                    }),
                    0,
                )
            }
            Action::Pause { by } => (
                self.who(by, self.role_holder(Role::Pauser)),
                Call::Token(T::Pause {
                    reason: "incident".to_string(),
                }),
                0,
            ),
            Action::Unpause { by } => (
                self.who(by, self.role_holder(Role::Pauser)),
                Call::Token(T::Unpause {
                    reason: "resolved".to_string(),
                }),
                0,
            ),
            Action::Freeze { by, target } => (
                self.who(by, self.role_holder(Role::Freezer)),
                Call::Token(T::Freeze {
                    address: self.addr(target).to_string(),
                    reason: "order".to_string(),
                }),
                0,
            ),
            Action::Unfreeze { by, target } => (
                self.who(by, self.role_holder(Role::Freezer)),
                Call::Token(T::Unfreeze {
                    // The freezer lifts an existing freeze; anyone else tries `target`.
                    address: (if by == Who::Proper {
                        self.first_frozen()
                    } else {
                        None
                    })
                    .unwrap_or_else(|| self.addr(target))
                    .to_string(),
                    reason: "lifted".to_string(),
                }),
                0,
            ),
            Action::FreezeTokens { by, target, amount } => {
                let t = self.addr(target);
                let amount = self.amount(&t, amount);
                (
                    self.who(by, self.role_holder(Role::Freezer)),
                    Call::Token(T::FreezeTokens {
                        address: t.to_string(),
                        amount: Uint128::new(amount),
                        reason: "order".to_string(),
                    }),
                    0,
                )
            }
            Action::UnfreezeTokens { by, target, amount } => {
                let t = (if by == Who::Proper {
                    self.first_frozen_tokens()
                } else {
                    None
                })
                .unwrap_or_else(|| self.addr(target));
                let frozen = self.account(&t).frozen_amount.u128();
                let amount = match amount {
                    Amt::All => frozen,
                    Amt::AllPlusOne => frozen + 1,
                    Amt::Half => frozen / 2,
                    Amt::Zero => 0,
                    Amt::Fixed(n) => n,
                };
                (
                    self.who(by, self.role_holder(Role::Freezer)),
                    Call::Token(T::UnfreezeTokens {
                        address: t.to_string(),
                        amount: Uint128::new(amount),
                        reason: "lifted".to_string(),
                    }),
                    0,
                )
            }
            Action::ForcedTransfer {
                by,
                from,
                to,
                amount,
                unfreeze,
            } => {
                let f = self.addr(from);
                let amount = match amount {
                    Amt::All => self.account(&f).balance.u128(),
                    a => self.amount(&f, a),
                };
                (
                    self.who(by, self.role_holder(Role::Agent)),
                    Call::Token(T::ForcedTransfer {
                        from: f.to_string(),
                        to: self.addr(to).to_string(),
                        amount: Uint128::new(amount),
                        reason: "court_order".to_string(),
                        unfreeze,
                    }),
                    0,
                )
            }
            Action::Recover { by, lost, new } => (
                self.who(by, self.role_holder(Role::Agent)),
                Call::Token(T::Recover {
                    lost: self.addr(lost).to_string(),
                    new_address: self.addr(new).to_string(),
                    reason: "lost_keys".to_string(),
                }),
                0,
            ),
            Action::GrantRole { by, role, to } => (
                self.who(by, self.owner_of(1)),
                Call::Token(T::GrantRole {
                    role: Role::ALL[role as usize % 3],
                    address: self.addr(to).to_string(),
                }),
                0,
            ),
            Action::RevokeRole { by, role, from } => (
                self.who(by, self.owner_of(1)),
                Call::Token(T::RevokeRole {
                    role: Role::ALL[role as usize % 3],
                    address: (if by == Who::Proper {
                        self.role_holder(Role::ALL[role as usize % 3])
                    } else {
                        None
                    })
                    .unwrap_or_else(|| self.addr(from))
                    .to_string(),
                }),
                0,
            ),
            Action::TokenSetRegistry { by, off } => (
                self.who(by, self.owner_of(1)),
                Call::Token(T::SetRegistry {
                    registry: (!off).then(|| self.s.registry.to_string()),
                }),
                0,
            ),
            Action::SetSettlePeriod { by, seconds } => (
                self.who(by, self.owner_of(1)),
                Call::Token(T::SetSettlePeriod { seconds }),
                0,
            ),
            Action::OpenChannel {
                payer,
                payee,
                amount,
                expires_in,
                travel_rule,
            } => {
                let p = self.addr(payer);
                let amount = self.amount(&p, amount);
                let signer: SignerKey =
                    farthing_voucher::public_key(KeyType::Ed25519, &secret(payer)).expect("key");
                (
                    p,
                    Call::Token(T::OpenChannel {
                        payee: self.addr(payee).to_string(),
                        amount: Uint128::new(amount),
                        expires_at: self.now().plus_seconds(expires_in),
                        signer,
                        travel_rule_ref: travel_rule.then(|| HexBinary::from(vec![9u8; 32])),
                    }),
                    0,
                )
            }
            Action::TopUpChannel {
                by,
                channel,
                amount,
            } => {
                let (id, _) = self.channel_at(channel).unwrap_or((1_000, 0));
                let payer = self.channel(id).map(|c| c.payer);
                let sender = self.who(by, payer);
                let amount = self.amount(&sender, amount);
                (
                    sender,
                    Call::Token(T::TopUpChannel {
                        channel: id,
                        amount: Uint128::new(amount),
                    }),
                    0,
                )
            }
            Action::ExtendChannel {
                by,
                channel,
                seconds,
            } => {
                let (id, _) = self.channel_at(channel).unwrap_or((1_000, 0));
                let ch = self.channel(id);
                let expires_at = ch
                    .as_ref()
                    .map(|c| c.expires_at)
                    .unwrap_or_else(|| self.now())
                    .plus_seconds(seconds);
                (
                    self.who(by, ch.map(|c| c.payer)),
                    Call::Token(T::ExtendChannel {
                        channel: id,
                        expires_at,
                    }),
                    0,
                )
            }
            Action::SignVoucher { channel, more } => {
                if let Some((id, _)) = self.channel_at(channel) {
                    let v = self.vouchers.entry(id).or_default();
                    let next = v.last().copied().unwrap_or(0) + more;
                    v.push(next);
                }
                return None;
            }
            Action::Claim {
                by,
                channel,
                voucher,
                close,
            } => {
                let (id, cumulative, signature) = self.pick_voucher(channel, voucher)?;
                let payee = self.channel(id).map(|c| c.payee);
                (
                    self.who(by, payee),
                    Call::Token(T::Claim {
                        channel: id,
                        cumulative,
                        signature,
                        close: Some(close),
                    }),
                    0,
                )
            }
            Action::ClaimMany { by, claims } => {
                let claims: Vec<token::ChannelClaim> = claims
                    .iter()
                    .filter_map(|(ix, pick)| self.pick_voucher(*ix, *pick))
                    .map(|(channel, cumulative, signature)| token::ChannelClaim {
                        channel,
                        cumulative,
                        signature,
                    })
                    .collect();
                let payee = claims
                    .first()
                    .and_then(|c| self.channel(c.channel))
                    .map(|c| c.payee);
                // Mostly the claims of one payee (the first claim's); sometimes a mix.
                let claims = if by == Who::Proper {
                    claims
                        .into_iter()
                        .filter(|c| self.channel(c.channel).map(|ch| ch.payee) == payee)
                        .collect()
                } else {
                    claims
                };
                (self.who(by, payee), Call::Token(T::ClaimMany { claims }), 0)
            }
            Action::StartClose { by, channel } => {
                let (id, _) = self.channel_at(channel).unwrap_or((1_000, 0));
                let payer = self.channel(id).map(|c| c.payer);
                (
                    self.who(by, payer),
                    Call::Token(T::StartClose { channel: id }),
                    0,
                )
            }
            Action::CloseChannel { by, channel } => {
                let (id, _) = self.channel_at(channel).unwrap_or((1_000, 0));
                let ch = self.channel(id);
                // The payee may close at any time; the payer after the settle period.
                let proper = ch.map(|c| if id % 2 == 0 { c.payee } else { c.payer });
                (
                    self.who(by, proper),
                    Call::Token(T::CloseChannel { channel: id }),
                    0,
                )
            }
            Action::CreateDealNative { payer, deal } => {
                let amount = Self::deal_deposit(&deal);
                (
                    self.addr(payer),
                    Call::Escrow(E::CreateDeal(self.terms(&deal))),
                    amount,
                )
            }
            Action::TopUpNative { by, deal, amount } => (
                self.addr(by),
                Call::Escrow(E::TopUp {
                    deal_id: self.deal_at(deal),
                }),
                amount,
            ),
            Action::Release {
                by,
                deal,
                milestone,
            } => {
                let id = self.deal_at(deal);
                let proper = self.deal_party(id, |d| Some(d.payer.clone()));
                (
                    self.who(by, proper),
                    Call::Escrow(E::Release {
                        deal_id: id,
                        milestone,
                    }),
                    0,
                )
            }
            Action::Refund { by, deal } => (
                self.addr(by),
                Call::Escrow(E::Refund {
                    deal_id: self.deal_at(deal),
                }),
                0,
            ),
            Action::OpenDispute { by, deal } => {
                let id = self.deal_at(deal);
                let proper = self.deal_party(id, |d| Some(d.payee.clone()));
                (
                    self.who(by, proper),
                    Call::Escrow(E::OpenDispute { deal_id: id }),
                    0,
                )
            }
            Action::Resolve { by, deal, to_payee } => {
                let id = self.deal_at(deal);
                let d = self.deal(id);
                let remaining = d.as_ref().map(|d| d.remaining().u128()).unwrap_or(0);
                let to_payee = escrow_amount(to_payee, remaining);
                let proper = d.and_then(|d| d.arbiter);
                (
                    self.who(by, proper),
                    Call::Escrow(E::Resolve {
                        deal_id: id,
                        to_payee: Uint128::new(to_payee),
                    }),
                    0,
                )
            }
            Action::ProposeSettlement { by, deal, to_payee } => {
                let id = self.deal_at(deal);
                let d = self.deal(id);
                let remaining = d.as_ref().map(|d| d.remaining().u128()).unwrap_or(0);
                let proper = d.map(|d| d.payer);
                (
                    self.who(by, proper),
                    Call::Escrow(E::ProposeSettlement {
                        deal_id: id,
                        to_payee: Uint128::new(escrow_amount(to_payee, remaining)),
                    }),
                    0,
                )
            }
            Action::AcceptSettlement { by, deal } => {
                let id = self.deal_at(deal);
                let proper = self.deal_party(id, |d| Some(d.payee.clone()));
                (
                    self.who(by, proper),
                    Call::Escrow(E::AcceptSettlement { deal_id: id }),
                    0,
                )
            }
            Action::ExpireDispute { by, deal } => (
                self.addr(by),
                Call::Escrow(E::ExpireDispute {
                    deal_id: self.deal_at(deal),
                }),
                0,
            ),
            Action::RegisterWork {
                by,
                recipients,
                native,
            } => {
                let mut accepted = vec![self.asset(Asset::Token)];
                if native {
                    accepted.push(self.asset(Asset::Native));
                }
                (
                    self.addr(by),
                    Call::Escrow(E::RegisterWork(WorkTerms {
                        name: "article".to_string(),
                        recipients: self.split(&recipients),
                        accepted,
                    })),
                    0,
                )
            }
            Action::UpdateSplit {
                by,
                work,
                recipients,
            } => {
                let id = self.work_at(work);
                let proper = self.work(id).map(|w| w.work.owner);
                (
                    self.who(by, proper),
                    Call::Escrow(E::UpdateSplit {
                        work_id: id,
                        recipients: self.split(&recipients),
                    }),
                    0,
                )
            }
            Action::PayWorkNative { by, work, amount } => (
                self.addr(by),
                Call::Escrow(E::Pay {
                    work_id: self.work_at(work),
                }),
                amount,
            ),
            Action::ClaimRoyalty {
                by,
                work,
                epoch,
                asset,
                amount,
            } => (
                {
                    let recipients = self
                        .work(self.work_at(work))
                        .map(|w| w.recipients)
                        .unwrap_or_default();
                    let pick = recipients
                        .get(work / 2 % recipients.len().max(1))
                        .map(|r| r.address.clone());
                    self.who(by, pick)
                },
                Call::Escrow(E::Claim {
                    work_id: self.work_at(work),
                    epoch,
                    asset: self.asset(asset),
                    amount: amount.map(Uint128::new),
                }),
                0,
            ),
            Action::ClaimHeld { by, asset, amount } => (
                {
                    // A held recipient who is a user (role holders are never listed).
                    let held = self.raw_held();
                    let user = held
                        .iter()
                        .find(|h| USERS.clone().any(|u| self.parties[u] == h.0));
                    self.who(by, user.or(held.first()).map(|h| h.0.clone()))
                },
                Call::Escrow(E::ClaimHeld {
                    asset: self.asset(asset),
                    amount: amount.map(Uint128::new),
                }),
                0,
            ),
            Action::ResolveHeld {
                by,
                address,
                asset,
                to,
            } => (
                self.who(by, self.owner_of(2)),
                Call::Escrow(E::ResolveHeld {
                    address: self.addr(address).to_string(),
                    asset: self.asset(asset),
                    to: self.addr(to).to_string(),
                    reason: "sanctioned".to_string(),
                }),
                0,
            ),
            Action::SweepStray { by, asset, to } => (
                self.who(by, self.owner_of(2)),
                Call::Escrow(E::SweepStray {
                    asset: self.asset(asset),
                    to: self.addr(to).to_string(),
                }),
                0,
            ),
            Action::AllowToken { by } => (
                self.who(by, self.owner_of(2)),
                Call::Escrow(E::AllowToken {
                    address: self.s.token.to_string(),
                }),
                0,
            ),
            Action::DisallowToken { by } => (
                self.who(by, self.owner_of(2)),
                Call::Escrow(E::DisallowToken {
                    address: self.s.token.to_string(),
                }),
                0,
            ),
            Action::EscrowSetRegistry { by, off } => (
                self.who(by, self.owner_of(2)),
                Call::Escrow(E::SetRegistry {
                    registry: (!off).then(|| self.s.registry.to_string()),
                }),
                0,
            ),
            Action::ForgedHook { by, amount, hook } => {
                let sender = self.addr(by);
                let msg = self.hook_msg(&hook, amount);
                (
                    sender.clone(),
                    Call::Escrow(E::Receive(Cw20ReceiveMsg {
                        sender: sender.to_string(),
                        amount: Uint128::new(amount),
                        msg,
                    })),
                    0,
                )
            }
            Action::StrayNative { from, amount } => (
                self.addr(from),
                Call::Bank {
                    to: self.s.escrow.clone(),
                    amount,
                },
                0,
            ),
            Action::Migrate { contract, by } => {
                // The chain admin of all three is the deployer, whoever owns them now.
                (
                    self.who(by, Some(self.addr(OWNER))),
                    Call::Migrate(contract),
                    0,
                )
            }
        })
    }

    /// Runs a call through the app (atomic, as a chain runs a transaction).
    pub fn run(&mut self, sender: &Addr, call: &Call, funds: u128) -> AnyResult<AppResponse> {
        let funds = if funds == 0 {
            vec![]
        } else {
            coins(funds, DENOM)
        };
        let app = &mut self.s.app;
        match call {
            Call::Registry(m) => {
                app.execute_contract(sender.clone(), self.s.registry.clone(), m, &funds)
            }
            Call::Token(m) => app.execute_contract(sender.clone(), self.s.token.clone(), m, &funds),
            Call::Escrow(m) => {
                app.execute_contract(sender.clone(), self.s.escrow.clone(), m, &funds)
            }
            Call::Bank { to, amount } => {
                app.send_tokens(sender.clone(), to.clone(), &coins(*amount, DENOM))
            }
            Call::Migrate(which) => {
                let addr = match which {
                    0 => self.s.registry.clone(),
                    1 => self.s.token.clone(),
                    _ => self.s.escrow.clone(),
                };
                let code = app.contract_data(&addr)?.code_id;
                let msg = cosmwasm_std::Empty {};
                app.migrate_contract(sender.clone(), addr, &msg, code)
            }
        }
    }

    /// Runs the called contract's own `execute` on a copy of its store, without the app's
    /// transaction around it: `Some(error)` when it rejects, with the copy's dump, so that a
    /// rejection that wrote before failing shows up even though the chain would revert it.
    pub fn run_bare(
        &self,
        sender: &Addr,
        call: &Call,
        funds: u128,
    ) -> Option<(String, Vec<Record>, Vec<Record>)> {
        let (addr, run): (Addr, BareRun) = match call.clone() {
            Call::Registry(m) => (
                self.s.registry.clone(),
                bare(farthing_kyc_registry::contract::execute, m),
            ),
            Call::Token(m) => (
                self.s.token.clone(),
                bare(farthing_micropay_token::contract::execute, m),
            ),
            Call::Escrow(m) => (
                self.s.escrow.clone(),
                bare(farthing_royalty_escrow::contract::execute, m),
            ),
            _ => return None,
        };
        let before = self.s.app.dump_wasm_raw(&addr);
        let mut store = MockStorage::new();
        for (k, v) in &before {
            store.set(k, v);
        }
        let env = Env {
            block: self.s.app.block_info(),
            transaction: Some(TransactionInfo { index: 0 }),
            contract: ContractInfo {
                address: addr.clone(),
            },
        };
        let info = MessageInfo {
            sender: sender.clone(),
            funds: if funds == 0 {
                vec![]
            } else {
                coins(funds, DENOM)
            },
        };
        let querier = QuerierWrapper::new(&self.s.app);
        let deps = DepsMut {
            storage: &mut store,
            api: self.s.app.api(),
            querier,
        };
        let err = run(deps, env, info).err()?;
        let after: Vec<Record> = store.range(None, None, Order::Ascending).collect();
        Some((err, before, after))
    }
}

/// A contract's `execute` with `msg`, its result reduced to the error text.
fn bare<M: Clone + 'static, E: ToString + 'static>(
    execute: fn(DepsMut, Env, MessageInfo, M) -> Result<cosmwasm_std::Response, E>,
    msg: M,
) -> BareRun {
    Box::new(move |d, e, i| {
        execute(d, e, i, msg.clone())
            .map(|_| ())
            .map_err(|e| e.to_string())
    })
}

fn escrow_amount(a: Amt, remaining: u128) -> u128 {
    match a {
        Amt::Zero => 0,
        Amt::Fixed(n) => n.min(remaining.max(1)),
        Amt::All => remaining,
        Amt::AllPlusOne => remaining + 1,
        Amt::Half => remaining / 2,
    }
}

fn ownership_call(contract: u8, action: cw_ownable::Action) -> Call {
    match contract {
        0 => Call::Registry(kyc::ExecuteMsg::UpdateOwnership(action)),
        1 => Call::Token(token::ExecuteMsg::UpdateOwnership(action)),
        _ => Call::Escrow(escrow::ExecuteMsg::UpdateOwnership(action)),
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Dump {
    pub registry: Vec<Record>,
    pub token: Vec<Record>,
    pub escrow: Vec<Record>,
    pub native: Vec<u128>,
    pub block: (Timestamp, u64),
}

#[allow(dead_code)]
fn _unused(_: Deps, _: BankMsg) {}
