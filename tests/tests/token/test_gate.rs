//! One compliance gate: every balance path refuses every kind of non-compliant party,
//! a paused token moves nothing, frozen funds move through no path.

use cosmwasm_std::{Addr, Uint128};
use cw20::Expiration;
use farthing_micropay_token::ContractError;
use farthing_testing::{cw20_receiver_contract, kyc_input, Suite, SuiteBuilder};
use farthing_types::kyc::{DenialCode, KycStatus, PartyKind, PartyRole, Policy};
use farthing_types::token::ExecuteMsg;

use super::assert_token_rejected;
use super::paths::{channel_signer, message, slots, Parties, Path, Slot, ALL_PATHS};
use cw_multi_test::Executor;

pub struct World {
    pub alice: Addr,
    pub bob: Addr,
    pub carol: Addr,
    pub fresh: Addr,
    pub receiver: Addr,
    /// Non-compliant parties, each funded with 1,000 and with allowances both ways.
    pub bad: Vec<(Addr, DenialCode)>,
}

const BAD: [(&str, DenialCode); 5] = [
    ("sus", DenialCode::Suspended),
    ("rev", DenialCode::Revoked),
    ("exp", DenialCode::Expired),
    ("nobody", DenialCode::NotListed),
    ("kim", DenialCode::JurisdictionBlocked),
];

/// alice (1,000,000), bob, carol (alice's spender), fresh (listed, no balance), a listed
/// receiver contract, and five parties that were compliant when funded and are not now.
pub fn world() -> (Suite, World) {
    let mut builder = SuiteBuilder::default()
        .with_funded("alice", 3, "DE", 1_000_000)
        .with_funded("bob", 3, "FR", 1_000)
        .with_listed("carol", 3, "NL")
        .with_listed("fresh", 3, "NL");
    for (name, _) in BAD {
        let j = if name == "kim" { "KP" } else { "ES" };
        builder = builder.with_funded(name, 3, j, 1_000);
    }
    let mut suite = builder.build();
    let officer = suite.officer.clone();
    let owner = suite.owner.clone();
    let code = suite.app.store_code(cw20_receiver_contract());
    let receiver = suite
        .app
        .instantiate_contract(
            code,
            owner.clone(),
            &cosmwasm_std::Empty {},
            &[],
            "receiver",
            None,
        )
        .unwrap();
    let mut rec = kyc_input(&receiver, 3, "DE", suite.now());
    rec.kind = PartyKind::Contract;
    suite.upsert(&officer, vec![rec]).unwrap();

    let w = World {
        alice: suite.addr("alice"),
        bob: suite.addr("bob"),
        carol: suite.addr("carol"),
        fresh: suite.addr("fresh"),
        receiver,
        bad: BAD.iter().map(|(n, c)| (suite.addr(n), *c)).collect(),
    };
    let allow = |suite: &mut Suite, owner: &Addr, spender: &Addr| {
        suite
            .execute_token(
                owner,
                &ExecuteMsg::IncreaseAllowance {
                    spender: spender.to_string(),
                    amount: Uint128::new(1_000_000_000),
                    expires: None::<Expiration>,
                },
            )
            .unwrap();
    };
    allow(&mut suite, &w.alice, &w.carol);
    for (b, _) in &w.bad {
        allow(&mut suite, b, &w.carol);
        allow(&mut suite, &w.alice, b);
    }

    // Channels: alice pays bob and each of the five; each of the five pays bob.
    let open = |suite: &mut Suite, payer: &Addr, payee: &Addr, amount: u128| {
        let msg = ExecuteMsg::OpenChannel {
            payee: payee.to_string(),
            amount: Uint128::new(amount),
            expires_at: suite.now().plus_seconds(30 * 86_400),
            signer: channel_signer(),
            travel_rule_ref: None,
        };
        suite.execute_token(payer, &msg).unwrap();
    };
    open(&mut suite, &w.alice, &w.bob, 10_000);
    for (b, _) in &w.bad {
        open(&mut suite, &w.alice, b, 10_000);
        open(&mut suite, b, &w.bob, 100);
    }

    // Now make the five parties non-compliant.
    let (sus, rev, exp, nobody) = (&w.bad[0].0, &w.bad[1].0, &w.bad[2].0, &w.bad[3].0);
    suite
        .set_status(&officer, &[sus], KycStatus::Suspended, "aml_review")
        .unwrap();
    suite
        .set_status(&officer, &[rev], KycStatus::Revoked, "sanctions")
        .unwrap();
    suite
        .remove_records(&officer, &[nobody], "offboarded")
        .unwrap();
    let mut short = kyc_input(exp, 3, "ES", suite.now());
    short.expires_at = suite.now().plus_seconds(50);
    suite.upsert(&officer, vec![short]).unwrap();
    suite
        .update_policy(
            &owner,
            Policy {
                blocked_jurisdictions: vec!["KP".into()],
                expiry_grace_seconds: 100,
                ..Policy::default()
            },
        )
        .unwrap();
    suite.advance_seconds(200);
    (suite, w)
}

fn role_of(slot: Slot) -> PartyRole {
    match slot {
        Slot::Owner => PartyRole::Sender,
        Slot::Recipient => PartyRole::Recipient,
        Slot::Spender => PartyRole::Spender,
    }
}

fn good<'a>(w: &'a World, path: Path) -> Parties<'a> {
    Parties {
        owner: &w.alice,
        recipient: match path {
            Path::Send | Path::SendFrom => &w.receiver,
            Path::Recover => &w.fresh,
            _ => &w.bob,
        },
        spender: &w.carol,
    }
}

#[test]
fn every_balance_path_refuses_every_kind_of_non_compliant_party() {
    let (mut suite, w) = world();
    let mut cases = 0;
    for path in ALL_PATHS {
        for &slot in slots(path) {
            for (bad, code) in &w.bad {
                if expired_payer_may_still_pay(path, slot, *code) {
                    continue;
                }
                let mut p = good(&w, path);
                match slot {
                    Slot::Owner => p.owner = bad,
                    Slot::Recipient => p.recipient = bad,
                    Slot::Spender => p.spender = bad,
                }
                let (exec, msg) = message(&suite, path, &p, 100);
                let before = suite.token_snapshot();
                let err = suite
                    .execute_token(&exec, &msg)
                    .expect_err(&format!("{path:?} with {slot:?} {code:?} must fail"))
                    .downcast::<ContractError>()
                    .unwrap();
                let ContractError::Denied(d) = err else {
                    panic!("{path:?}/{slot:?}/{code:?}: expected a denial, got {err:?}");
                };
                assert_eq!(
                    (&d.party, d.role, d.code),
                    (bad, role_of(slot), *code),
                    "{path:?}/{slot:?}"
                );
                assert_eq!(
                    suite.token_snapshot(),
                    before,
                    "{path:?}/{slot:?}/{code:?} changed state"
                );
                cases += 1;
            }
        }
    }
    // 8 two-slot paths (with open_channel, top_up_channel, claim, claim_many), 2 three-slot,
    // burn 1, burn_from 2, mint, forced, recover 1 each, close_channel none: 28 slots x 5,
    // less the expired payer of claim and claim_many.
    assert_eq!(cases, 138);
}

/// A payer's lapsed KYC does not void its payee's vouchers: the claim goes through (tested
/// in `test_attacks::an_expired_payer_does_not_void_the_payees_vouchers`).
fn expired_payer_may_still_pay(path: Path, slot: Slot, code: DenialCode) -> bool {
    matches!(path, Path::Claim | Path::ClaimMany)
        && slot == Slot::Owner
        && code == DenialCode::Expired
}

#[test]
fn every_balance_path_moves_exact_amounts_for_compliant_parties() {
    for path in ALL_PATHS {
        let (mut suite, w) = world();
        let p = good(&w, path);
        let (exec, msg) = message(&suite, path, &p, 100);
        let (owner_before, rcpt_before) = (suite.balance(p.owner), suite.balance(p.recipient));
        let supply = suite.total_supply();
        suite
            .execute_token(&exec, &msg)
            .unwrap_or_else(|e| panic!("{path:?}: {e:?}"));
        let (owner_after, rcpt_after) = (suite.balance(p.owner), suite.balance(p.recipient));
        match path {
            Path::Burn | Path::BurnFrom => {
                assert_eq!(owner_after, owner_before - 100);
                assert_eq!(suite.total_supply(), supply - 100);
            }
            Path::Mint => {
                assert_eq!(rcpt_after, rcpt_before + 100);
                assert_eq!(suite.total_supply(), supply + 100);
            }
            Path::Recover => {
                assert_eq!((owner_after, rcpt_after), (0, owner_before));
                assert!(suite.account(p.owner).frozen, "the lost wallet is frozen");
            }
            // Locked into a channel: out of the payer's balance, not yet the payee's.
            Path::OpenChannel | Path::TopUpChannel => {
                assert_eq!(
                    (owner_after, rcpt_after),
                    (owner_before - 100, rcpt_before),
                    "{path:?}"
                );
                assert_eq!(suite.total_supply(), supply);
            }
            Path::Claim | Path::ClaimMany => {
                assert_eq!(
                    (owner_after, rcpt_after),
                    (owner_before, rcpt_before + 100),
                    "{path:?}"
                );
            }
            // The payee closes alice's 10,000 channel: all of it returns to alice.
            Path::CloseChannel => {
                assert_eq!(
                    (owner_after, rcpt_after),
                    (owner_before + 10_000, rcpt_before)
                );
            }
            _ => {
                assert_eq!(
                    (owner_after, rcpt_after),
                    (owner_before - 100, rcpt_before + 100),
                    "{path:?}"
                );
                assert_eq!(suite.total_supply(), supply);
            }
        }
    }
}

#[test]
fn forced_transfer_skips_the_owner_check_but_not_the_recipient() {
    let (mut suite, w) = world();
    let agent = suite.addr("agent");
    for (bad, _) in &w.bad {
        let p = Parties {
            owner: bad,
            recipient: &w.bob,
            spender: &w.carol,
        };
        let (exec, msg) = message(&suite, Path::ForcedTransfer, &p, 400);
        assert_eq!(exec, agent);
        suite.execute_token(&exec, &msg).unwrap();
        assert_eq!(suite.balance(bad), 500);
    }
    assert_eq!(suite.balance(&w.bob), 1_000 + 5 * 400);
}

#[test]
fn a_paused_token_moves_nothing_on_any_path() {
    let (mut suite, w) = world();
    let pauser = suite.addr("pauser");
    suite
        .execute_token(
            &pauser,
            &ExecuteMsg::Pause {
                reason: "incident_42".into(),
            },
        )
        .unwrap();
    for path in ALL_PATHS {
        let p = good(&w, path);
        let (exec, msg) = message(&suite, path, &p, 100);
        assert_token_rejected(
            &mut suite,
            |s| s.execute_token(&exec, &msg),
            ContractError::Paused,
        );
    }
    suite
        .execute_token(
            &pauser,
            &ExecuteMsg::Unpause {
                reason: "resolved".into(),
            },
        )
        .unwrap();
    suite.transfer(&w.alice, &w.bob, 100).unwrap();
}

#[test]
fn a_frozen_address_can_neither_send_nor_receive_on_any_path() {
    let (mut suite, w) = world();
    let freezer = suite.addr("freezer");
    for target in [&w.alice, &w.bob, &w.receiver] {
        suite
            .execute_token(
                &freezer,
                &ExecuteMsg::Freeze {
                    address: target.to_string(),
                    reason: "court_order".into(),
                },
            )
            .unwrap();
    }
    for path in ALL_PATHS {
        let p = good(&w, path);
        let (exec, msg) = message(&suite, path, &p, 100);
        let expected = match path {
            // Recovery moves the whole account, frozen state included, to a new wallet, and
            // what a channel did not pay returns to its (frozen) payer.
            Path::Recover | Path::CloseChannel => continue,
            Path::Mint => ContractError::AccountFrozen {
                address: p.recipient.to_string(),
            },
            // The payer (frozen too) is checked before the payee is credited.
            _ => ContractError::AccountFrozen {
                address: p.owner.to_string(),
            },
        };
        assert_token_rejected(&mut suite, |s| s.execute_token(&exec, &msg), expected);
    }
    // A compliant, unfrozen sender cannot pay a frozen recipient either.
    let fresh_funded = suite.addr("fresh");
    suite
        .execute_token(
            &suite.addr("minter"),
            &ExecuteMsg::Mint {
                recipient: fresh_funded.to_string(),
                amount: Uint128::new(500),
            },
        )
        .unwrap();
    for path in [Path::Transfer, Path::Pay, Path::BatchTransfer, Path::Send] {
        let p = Parties {
            owner: &fresh_funded,
            recipient: if path == Path::Send {
                &w.receiver
            } else {
                &w.bob
            },
            spender: &w.carol,
        };
        let (exec, msg) = message(&suite, path, &p, 100);
        assert_token_rejected(
            &mut suite,
            |s| s.execute_token(&exec, &msg),
            ContractError::AccountFrozen {
                address: p.recipient.to_string(),
            },
        );
    }
}

#[test]
fn frozen_tokens_move_on_no_path() {
    let (mut suite, w) = world();
    let freezer = suite.addr("freezer");
    // alice keeps all but 50 of her balance frozen.
    let frozen = suite.balance(&w.alice) - 50;
    suite
        .execute_token(
            &freezer,
            &ExecuteMsg::FreezeTokens {
                address: w.alice.to_string(),
                amount: Uint128::new(frozen),
                reason: "lien".into(),
            },
        )
        .unwrap();
    for path in ALL_PATHS {
        // Mint takes nothing from anyone; recovery moves frozen state along; channel claims
        // and closes move funds locked before the freeze, not alice's balance.
        let exempt = [
            Path::Mint,
            Path::Recover,
            Path::Claim,
            Path::ClaimMany,
            Path::CloseChannel,
        ];
        if exempt.contains(&path) {
            continue;
        }
        let p = good(&w, path);
        let (exec, msg) = message(&suite, path, &p, 100);
        assert_token_rejected(
            &mut suite,
            |s| s.execute_token(&exec, &msg),
            ContractError::InsufficientFunds {
                address: w.alice.to_string(),
                available: Uint128::new(50),
                needed: Uint128::new(100),
            },
        );
    }
    // 50 still moves.
    suite.transfer(&w.alice, &w.bob, 50).unwrap();
}
