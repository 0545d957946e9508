//! Liveness: from the current state, on a copy of the world, the documented ways out free
//! every locked amount: best vouchers are claimed, channels closed, deals ended by their
//! parties or by time, royalty splits closed and claimed, held payouts claimed once their
//! recipients are compliant. Afterwards the escrow holds nothing but stray funds' way out,
//! and no channel holds anything.

use cosmwasm_std::{coins, Addr, HexBinary, Order, Uint128};
use cw_multi_test::Executor;
use farthing_testing::ATTESTATION;
use farthing_types::escrow::{self, AssetInfo, DealStatus};
use farthing_types::kyc::{self, KycStatus, PartyKind, RecordInput};
use farthing_types::token::{self, Role};

use super::action::*;
use super::world::{World, USER_TIERS};

impl World {
    /// A copy of this world: the same contracts at the same addresses, with every store,
    /// native balance and the block copied over.
    pub fn fork(&self) -> World {
        let mut f = World::new();
        assert_eq!(f.parties, self.parties, "the copy's addresses differ");
        for addr in [&self.s.registry, &self.s.token, &self.s.escrow] {
            let dump = self.s.app.dump_wasm_raw(addr);
            let mut store = f.s.app.contract_storage_mut(addr);
            let keys: Vec<Vec<u8>> = store
                .range(None, None, Order::Ascending)
                .map(|(k, _)| k)
                .collect();
            for k in keys {
                store.remove(&k);
            }
            for (k, v) in dump {
                store.set(&k, &v);
            }
        }
        for p in &self.parties {
            let amount = self.native(p);
            let p = p.clone();
            f.s.app
                .init_modules(|router, _, storage| {
                    router.bank.init_balance(storage, &p, coins(amount, DENOM))
                })
                .expect("copy a native balance");
        }
        f.s.app.set_block(self.s.app.block_info());
        f.channels = self.channels.clone();
        f.vouchers = self.vouchers.clone();
        f.deals = self.deals.clone();
        f.works = self.works.clone();
        f.supply = self.supply;
        f.stray = self.stray;
        f
    }

    fn must(
        &mut self,
        who: &Addr,
        contract: u8,
        msg: &(impl serde::Serialize + std::fmt::Debug),
        what: &str,
    ) {
        let addr = self.contract(who_contract(contract));
        if let Err(e) = self.s.app.execute_contract(who.clone(), addr, msg, &[]) {
            panic!("no way out: {what} failed: {e:#}");
        }
    }

    fn try_exec(
        &mut self,
        who: &Addr,
        contract: u8,
        msg: &(impl serde::Serialize + std::fmt::Debug),
    ) -> bool {
        let addr = self.contract(who_contract(contract));
        self.s
            .app
            .execute_contract(who.clone(), addr, msg, &[])
            .is_ok()
    }

    /// Runs every way out on this (copied) world and checks that nothing stays locked.
    pub fn check_liveness(mut self) {
        // 1. The compliance team and the issuer restore everyone's standing (through the
        //    contracts' own messages, by whoever holds the roles now).
        let reg_owner = self.owner_of(0).expect("the registry has an owner");
        let officer = match self.officer() {
            Some(o) => o,
            None => {
                let o = self.addr(OFFICER);
                self.must(
                    &reg_owner,
                    0,
                    &kyc::ExecuteMsg::AddOfficer {
                        address: o.to_string(),
                    },
                    "add an officer",
                );
                o
            }
        };
        let mut policy = self.s.policy();
        policy.blocked_jurisdictions.clear();
        self.must(
            &reg_owner,
            0,
            &kyc::ExecuteMsg::UpdatePolicy { policy },
            "unblock jurisdictions",
        );
        let now = self.now();
        let records: Vec<RecordInput> = (0..ESCROW_PARTY + 1)
            .map(|p| RecordInput {
                address: self.addr(p).to_string(),
                status: KycStatus::Active,
                tier: if USERS.contains(&p) {
                    USER_TIERS[p - USERS.start].0
                } else {
                    3
                },
                kind: if p == ESCROW_PARTY {
                    PartyKind::Contract
                } else {
                    PartyKind::Individual
                },
                jurisdiction: "DE".to_string(),
                expires_at: now.plus_seconds(2 * 365 * 86_400),
                attestation: HexBinary::from(ATTESTATION.to_vec()),
                reason: "remediated".to_string(),
            })
            .collect();
        self.must(
            &officer,
            0,
            &kyc::ExecuteMsg::UpsertRecords { records },
            "re-list everyone",
        );
        let token_owner = self.owner_of(1).expect("the token has an owner");
        for role in Role::ALL {
            self.try_exec(
                &token_owner,
                1,
                &token::ExecuteMsg::GrantRole {
                    role,
                    address: token_owner.to_string(),
                },
            );
        }
        if self.token_config().paused {
            self.must(
                &token_owner,
                1,
                &token::ExecuteMsg::Unpause {
                    reason: "way_out".into(),
                },
                "unpause",
            );
        }
        for p in 0..PARTIES {
            if self.account(&self.addr(p)).frozen {
                let a = self.addr(p).to_string();
                self.must(
                    &token_owner,
                    1,
                    &token::ExecuteMsg::Unfreeze {
                        address: a,
                        reason: "way_out".into(),
                    },
                    "unfreeze",
                );
            }
        }

        // 2. Every payee claims its best voucher (while its settle period runs), then closes.
        //    A channel whose payee is a contract (which cannot claim) is closed by its payer
        //    once it has expired.
        let mut by_payer = vec![];
        for (id, _) in self.channels.clone() {
            let ch = self.channel(id).expect("channel");
            if ch.closed {
                continue;
            }
            if self.is_contract(&ch.payee) {
                by_payer.push(id);
                continue;
            }
            let open_for_claims = ch.closing_at.map_or(true, |t| self.now() < t);
            if let (Some(best), true) = (self.best_voucher(&ch), open_for_claims) {
                if best > ch.claimed.u128() {
                    let before = self.account(&ch.payee).balance.u128();
                    let (_, signer) = *self.channels.iter().find(|(c, _)| *c == id).expect("known");
                    let signature = self.voucher_sig(id, signer, &ch.payee, best);
                    let msg = token::ExecuteMsg::Claim {
                        channel: id,
                        cumulative: Uint128::new(best),
                        signature,
                        close: None,
                    };
                    self.must(
                        &ch.payee,
                        1,
                        &msg,
                        &format!("the payee's best voucher {best} on channel {id}"),
                    );
                    assert_eq!(
                        self.account(&ch.payee).balance.u128(),
                        before + best - ch.claimed.u128(),
                        "the claim on channel {id} paid the wrong amount"
                    );
                }
            }
            self.must(
                &ch.payee,
                1,
                &token::ExecuteMsg::CloseChannel { channel: id },
                &format!("the payee closes channel {id}"),
            );
        }
        for id in by_payer {
            let ch = self.channel(id).expect("channel");
            let wait = ch.expires_at.seconds().saturating_sub(self.now().seconds()) + 1;
            self.s.advance_seconds(wait);
            self.must(
                &ch.payer,
                1,
                &token::ExecuteMsg::CloseChannel { channel: id },
                &format!("the payer closes expired channel {id}"),
            );
        }

        // 3. Works: each owner closes the current split; every recipient claims every epoch.
        for id in self.works.clone() {
            let w = self.work(id).expect("work");
            let recipients: Vec<escrow::Share> = w
                .recipients
                .iter()
                .map(|r| escrow::Share {
                    address: r.address.to_string(),
                    bps: r.bps,
                })
                .collect();
            self.must(
                &w.work.owner,
                2,
                &escrow::ExecuteMsg::UpdateSplit {
                    work_id: id,
                    recipients,
                },
                &format!("the owner of work {id} closes its split"),
            );
            for epoch in 0..=w.epoch {
                let split = self.s.app.wrap().query_wasm_smart::<escrow::WorkResponse>(
                    self.s.escrow.clone(),
                    &escrow::QueryMsg::Work {
                        work_id: id,
                        epoch: Some(epoch),
                    },
                );
                let Ok(split) = split else { continue };
                for r in &split.recipients {
                    for asset in &w.work.accepted {
                        let c: escrow::ClaimableResponse =
                            self.s.query_escrow(&escrow::QueryMsg::Claimable {
                                work_id: id,
                                epoch: Some(epoch),
                                asset: asset.clone(),
                                address: r.address.to_string(),
                            });
                        if c.amount.is_zero() {
                            continue;
                        }
                        // In parts under the travel-rule threshold, as the README says a
                        // low-tier recipient collects a large share.
                        for part in parts(c.amount.u128()) {
                            let msg = escrow::ExecuteMsg::Claim {
                                work_id: id,
                                epoch: Some(epoch),
                                asset: asset.clone(),
                                amount: Some(Uint128::new(part)),
                            };
                            self.must(
                                &r.address,
                                2,
                                &msg,
                                &format!("{} claims {part} of work {id}", r.address),
                            );
                        }
                    }
                }
            }
        }

        // 4. Deals end: by time, then by anyone's refund or dispute expiry.
        let deals = self.all_deals();
        let latest = deals
            .iter()
            .filter(|d| d.status != DealStatus::Closed)
            .map(|d| match &d.status {
                DealStatus::Disputed { deadline } => d.expires_at.max(*deadline),
                _ => d.expires_at,
            })
            .max();
        if let Some(t) = latest {
            let wait = t.seconds().saturating_sub(self.now().seconds()) + 1;
            self.s.advance_seconds(wait);
        }
        let anyone = self.addr(12);
        for d in deals.into_iter().filter(|d| d.status != DealStatus::Closed) {
            let msg = match d.status {
                DealStatus::Disputed { .. } => escrow::ExecuteMsg::ExpireDispute { deal_id: d.id },
                _ => escrow::ExecuteMsg::Refund { deal_id: d.id },
            };
            self.must(&anyone, 2, &msg, &format!("deal {} ends by time", d.id));
            assert_eq!(
                self.deal(d.id).expect("deal").status,
                DealStatus::Closed,
                "deal {} did not end",
                d.id
            );
        }

        // 5. Held payouts: every recipient, now compliant, claims.
        for (addr, key, amount) in self.raw_held() {
            let asset = if key.starts_with("c:") {
                AssetInfo::Cw20 {
                    address: self.s.token.clone(),
                }
            } else {
                AssetInfo::Native {
                    denom: DENOM.to_string(),
                }
            };
            for part in parts(amount) {
                self.must(
                    &addr,
                    2,
                    &escrow::ExecuteMsg::ClaimHeld {
                        asset: asset.clone(),
                        amount: Some(Uint128::new(part)),
                    },
                    &format!("{addr} claims {part} of its held payout"),
                );
            }
        }

        // 6. The owner sweeps what arrived outside the escrow's messages.
        let escrow_owner = self.owner_of(2).expect("the escrow has an owner");
        let to = self.addr(USERS.start);
        for (i, asset) in [Asset::Token, Asset::Native].into_iter().enumerate() {
            if self.stray[i] > 0 {
                let msg = escrow::ExecuteMsg::SweepStray {
                    asset: self.asset_info(asset),
                    to: to.to_string(),
                };
                self.must(&escrow_owner, 2, &msg, "the owner sweeps stray funds");
            }
        }

        // 7. Nothing is left locked.
        let held = [
            self.account(&self.s.escrow).balance.u128(),
            self.native(&self.s.escrow),
        ];
        assert_eq!(
            held,
            [0, 0],
            "after every way out the escrow still holds {held:?}"
        );
        assert!(
            self.raw_channels().iter().all(|c| c.closed),
            "a channel is still open after every way out"
        );
        assert_eq!(
            self.escrow_owed(),
            [0, 0],
            "the escrow still owes after every way out"
        );
    }
}

/// `amount` in parts below the run's travel-rule threshold (200,000).
fn parts(amount: u128) -> Vec<u128> {
    const PART: u128 = 199_999;
    let mut out = vec![PART; (amount / PART) as usize];
    if amount % PART > 0 {
        out.push(amount % PART);
    }
    out
}

fn who_contract(c: u8) -> u8 {
    c
}
