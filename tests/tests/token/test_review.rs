//! Adversarial review of the channel / gate change: each test names the guarantee it
//! attacks. Tests marked HOLE fail on the reviewed commit; the others confirm a guarantee.

use std::panic::{catch_unwind, AssertUnwindSafe};

use cosmwasm_std::{coins, HexBinary, Timestamp};
use cw_multi_test::Executor;
use farthing_micropay_token::ContractError;
use farthing_testing::{Suite, SuiteBuilder};
use farthing_types::kyc::{
    Denial, DenialCode, PartyKind, PartyRole, Policy, TierLimit, TravelRule,
};
use farthing_types::token::{
    ChannelClaim, ChannelsBy, ChannelsResponse, ExecuteMsg, MigrateMsg, QueryMsg, SignerKey,
};
use farthing_voucher::VoucherError;

use super::assert_token_rejected;
use super::paths::{channel_signer, voucher_signature};
use super::test_attacks::{channel, channel_suite, claim, exec, open, pause, u, unpause, DAY};

const HOUR: u64 = 3_600;

fn claim_many_msg(s: &Suite, payee: &str, claims: &[(u64, u128)]) -> ExecuteMsg {
    let payee = s.addr(payee);
    ExecuteMsg::ClaimMany {
        claims: claims
            .iter()
            .map(|(id, c)| ChannelClaim {
                channel: *id,
                cumulative: u(*c),
                signature: voucher_signature(s, *id, &payee, *c),
            })
            .collect(),
    }
}

fn err(r: anyhow::Result<cw_multi_test::AppResponse>) -> ContractError {
    r.expect_err("must be refused")
        .downcast::<ContractError>()
        .expect("a ContractError")
}

fn freeze(s: &mut Suite, who: &str, frozen: bool) {
    let address = s.addr(who).to_string();
    let msg = if frozen {
        ExecuteMsg::Freeze {
            address,
            reason: "sanctions_hit".into(),
        }
    } else {
        ExecuteMsg::Unfreeze {
            address,
            reason: "cleared".into(),
        }
    };
    exec(s, "freezer", &msg).unwrap();
}

fn recover(s: &mut Suite, lost: &str, new: &str) {
    let msg = ExecuteMsg::Recover {
        lost: s.addr(lost).to_string(),
        new_address: s.addr(new).to_string(),
        reason: "lost_key".into(),
    };
    exec(s, "agent", &msg).unwrap();
}

/// total supply == sum of all balances + what open channels still lock.
fn assert_supply_invariant(s: &Suite, channel_ids: &[u64]) {
    let snap = s.token_snapshot();
    let balances: u128 = snap.accounts.iter().map(|(_, a)| a.balance.u128()).sum();
    let locked: u128 = channel_ids
        .iter()
        .map(|id| channel(s, *id))
        .filter(|c| !c.closed)
        .map(|c| (c.deposit - c.claimed).u128())
        .sum();
    assert_eq!(snap.token_info.total_supply.u128(), balances + locked);
    for (addr, a) in &snap.accounts {
        assert!(
            a.frozen_amount <= a.balance,
            "{addr}: frozen_amount > balance"
        );
    }
}

// =====================================================================================
// HOLES
// =====================================================================================

/// Was a HOLE (guarantees 1, 10): a 1-token channel with the largest expiry a Timestamp
/// holds made `Channel::catch_up` overflow after any pause, breaking the channel and the
/// payee's `Channels` listing. Now such an expiry is refused, and a channel at the furthest
/// allowed expiry survives pauses.
#[test]
fn a_far_future_expiry_and_a_pause_do_not_panic_the_channel_or_the_payees_listing() {
    let mut s = SuiteBuilder::default()
        .with_funded("reader", 2, "DE", 10_000)
        .with_funded("mallory", 2, "DE", 10)
        .with_listed("publisher", 2, "FR")
        .build();
    let good = open(&mut s, "reader", "publisher", 1_000, 7 * DAY);
    let mallory = s.addr("mallory");
    let far = Timestamp::from_nanos(u64::MAX - 1);
    let msg = ExecuteMsg::OpenChannel {
        payee: s.addr("publisher").to_string(),
        amount: u(1),
        expires_at: far,
        signer: channel_signer(),
        travel_rule_ref: None,
    };
    let now = s.now();
    assert_token_rejected(
        &mut s,
        |s| s.execute_token(&mallory, &msg),
        ContractError::ExpiryTooLate {
            expires_at: far,
            now,
            max_seconds: farthing_types::token::MAX_CHANNEL_SECONDS,
        },
    );
    let bad = open(
        &mut s,
        "mallory",
        "publisher",
        1,
        farthing_types::token::MAX_CHANNEL_SECONDS,
    );
    pause(&mut s);
    s.advance_seconds(60);
    unpause(&mut s);
    claim(&mut s, "publisher", good, 100, false).unwrap();
    let publisher = s.addr("publisher");
    let page = catch_unwind(AssertUnwindSafe(|| {
        s.app.wrap().query_wasm_smart::<ChannelsResponse>(
            s.token.clone(),
            &QueryMsg::Channels {
                by: ChannelsBy::Payee(publisher.to_string()),
                start_after: None,
                limit: None,
            },
        )
    }));
    assert!(
        matches!(page, Ok(Ok(_))),
        "the payee's Channels page panicked or failed because of channel {bad}"
    );
    let claimed = catch_unwind(AssertUnwindSafe(|| {
        claim(&mut s, "publisher", bad, 1, true)
    }));
    assert!(
        matches!(claimed, Ok(Ok(_))),
        "the payee's valid voucher on channel {bad} cannot be claimed (panic)"
    );
}

/// HOLE (guarantee 10: no panic; settle arithmetic). The settle period has a minimum but
/// no maximum: with a huge one, `start_close` panics in `Timestamp::plus_seconds`.
#[test]
fn a_huge_settle_period_is_refused_or_does_not_panic_start_close() {
    let mut s = channel_suite();
    let id = open(&mut s, "reader", "publisher", 1_000, 7 * DAY);
    let owner = s.owner.clone();
    let set = s.execute_token(
        &owner,
        &ExecuteMsg::SetSettlePeriod {
            seconds: u64::MAX / 1_000_000_000,
        },
    );
    if set.is_ok() {
        let started = catch_unwind(AssertUnwindSafe(|| {
            exec(&mut s, "reader", &ExecuteMsg::StartClose { channel: id })
        }));
        assert!(
            matches!(started, Ok(Err(_))),
            "start_close with the accepted settle period panicked instead of returning an error"
        );
    }
}

/// HOLE (guarantee 8, dry run vs execute). A listed contract-kind sender is held to no
/// volume window, yet `CanTransfer` reports its tier's window as `remaining_in_window`
/// (`query::headroom` uses `limits_for(tier)` instead of `sender_limits(record)`).
#[test]
fn can_transfer_reports_no_window_for_a_contract_kind_sender() {
    let mut tiers = vec![TierLimit::default(); 4];
    tiers[0] = TierLimit {
        max_per_transfer: Some(u(100)),
        max_volume_per_window: Some(u(150)),
        window_seconds: DAY,
    };
    let mut s = SuiteBuilder::default()
        .with_policy(Policy {
            tier_limits: tiers,
            ..Policy::default()
        })
        .with_funded("alice", 2, "DE", 1_000)
        .with_listed_kind("vault", 0, "DE", PartyKind::Contract)
        .with_listed("bob", 2, "DE")
        .build();
    let (alice, vault, bob) = (s.addr("alice"), s.addr("vault"), s.addr("bob"));
    s.transfer(&alice, &vault, 500).unwrap();
    let dry = s.can_transfer(&vault, &bob, 400);
    assert!(dry.verdict.allowed);
    // The execute path agrees that there is no window: 400 > 150 goes through.
    s.transfer(&vault, &bob, 400).unwrap();
    assert_eq!(s.account(&vault).window_used, u(0));
    let dry = s.can_transfer(&vault, &bob, 100);
    assert!(dry.verdict.allowed);
    assert_eq!(
        (dry.remaining_in_window, dry.window_resets_at),
        (None, None),
        "CanTransfer reports a volume window the contract-kind sender is not held to"
    );
}

/// HOLE (guarantee 9). `execute` refuses native coins, `instantiate` does not: coins sent
/// with the instantiation stay in the token with no way out.
#[test]
fn instantiate_refuses_attached_coins() {
    let mut s = SuiteBuilder::default().build();
    let code = s
        .app
        .store_code(farthing_testing::micropay_token_contract());
    let creator = s.addr("launchpad");
    s.fund_native(&creator, 100, "ueur");
    let msg = cw20_base::msg::InstantiateMsg {
        name: "Plain Token".into(),
        symbol: "PLAIN".into(),
        decimals: 6,
        initial_balances: vec![],
        mint: None,
        marketing: None,
    };
    let res = s.app.instantiate_contract(
        code,
        creator.clone(),
        &msg,
        &coins(100, "ueur"),
        "plain",
        None,
    );
    assert_eq!(
        res.expect_err("coins must be refused")
            .downcast::<ContractError>()
            .expect("a ContractError"),
        ContractError::Payment(cw_utils::PaymentError::NonPayable {})
    );
    assert_eq!(s.native_balance(&creator, "ueur"), 100);
}

/// HOLE (guarantee 2, upgrade path). A token paused under the previous version has
/// `paused = true` and no `paused_at` ("a"): `migrate` says "no stored data has changed
/// shape" and leaves it so. The pause clock then does not run for the rest of that pause,
/// and it eats the channel's life: the payer closes at once after the unpause.
#[test]
fn a_pause_in_progress_at_the_upgrade_still_moves_channel_deadlines() {
    let mut s = channel_suite();
    let id = open(&mut s, "reader", "publisher", 1_000, DAY);
    let expires_at = channel(&s, id).expires_at;
    s.advance_seconds(HOUR);
    // The previous version's config while paused: {"r": registry, "p": true}.
    let old = format!(r#"{{"r":"{}","p":true}}"#, s.registry);
    let token = s.token.clone();
    {
        // The previous release (0.1.0) wrote this config and this version.
        let mut storage = s.app.contract_storage_mut(&token);
        storage.set(b"c", old.as_bytes());
        cw2::set_contract_version(&mut *storage, "farthing-micropay-token", "0.1.0").unwrap();
    }
    let (owner, code) = (s.owner.clone(), s.token_code_id);
    s.app
        .migrate_contract(owner, token, &MigrateMsg {}, code)
        .unwrap();
    s.advance_seconds(2 * DAY);
    unpause(&mut s);
    // 23 hours of the channel's life were left when the (post-upgrade) pause time began.
    let moved = expires_at.plus_seconds(2 * DAY);
    assert_eq!(
        channel(&s, id).expires_at,
        moved,
        "the pause after the upgrade did not move the expiry"
    );
    let reader = s.addr("reader");
    assert_token_rejected(
        &mut s,
        |s| s.execute_token(&reader, &ExecuteMsg::CloseChannel { channel: id }),
        ContractError::CloseTooEarly {
            channel: id,
            after: moved,
        },
    );
}

/// HOLE (guarantee 1 vs 4: a temporary stop eats the settle period). The payer starts
/// closing; the issuer freezes it for two days (claims refused, as guarantee 4 wants);
/// the settle period runs out meanwhile; the payer is cleared and closes: it takes back,
/// for free use, everything its payee earned. A freeze is a token-side event (like a
/// pause), yet it does not move the deadline, and the refund is not held either.
#[test]
fn a_temporary_payer_freeze_does_not_let_the_payer_take_back_what_the_payee_earned() {
    let mut s = channel_suite();
    let reader = s.addr("reader");
    let id = open(&mut s, "reader", "publisher", 1_000, 30 * DAY);
    exec(&mut s, "reader", &ExecuteMsg::StartClose { channel: id }).unwrap();
    freeze(&mut s, "reader", true);
    assert_eq!(
        err(claim(&mut s, "publisher", id, 600, false)),
        ContractError::AccountFrozen {
            address: reader.to_string()
        }
    );
    s.advance_seconds(2 * DAY);
    freeze(&mut s, "reader", false);
    // The payee's voucher for 600 must still be good (or the refund held): it is neither.
    let r = claim(&mut s, "publisher", id, 600, false);
    assert!(
        r.is_ok(),
        "the payee's voucher was voided by the payer's freeze: {:?}",
        r.err().map(|e| e.downcast::<ContractError>())
    );
    assert_eq!(s.balance(&s.addr("publisher")), 600);
}

/// HOLE (guarantee 1; recovery vs channels). The agent recovers the payer's wallet (lost
/// key). Recovery leaves the lost address frozen, and `payer_stopped` reads that as a
/// sanction: the payee's vouchers, signed before, are void.
#[test]
fn a_recovered_payers_channel_still_pays_its_payee() {
    let mut s = SuiteBuilder::default()
        .with_funded("reader", 2, "DE", 10_000)
        .with_listed("reader_new", 2, "DE")
        .with_listed("publisher", 2, "FR")
        .build();
    let id = open(&mut s, "reader", "publisher", 1_000, 7 * DAY);
    recover(&mut s, "reader", "reader_new");
    let r = claim(&mut s, "publisher", id, 300, false);
    assert!(
        r.is_ok(),
        "the payee's valid voucher is refused after the payer's recovery: {:?}",
        r.err().map(|e| e.downcast::<ContractError>())
    );
    assert_eq!(s.balance(&s.addr("publisher")), 300);
}

/// HOLE (recovery vs channel refund). After the payer's recovery, the refund of its
/// channel goes to the dead (lost, frozen) wallet as "held" tokens, flagged as a sanction
/// (`held=frozen`), instead of to the recovered wallet.
#[test]
fn a_recovered_payers_refund_reaches_the_new_wallet() {
    let mut s = SuiteBuilder::default()
        .with_funded("reader", 2, "DE", 10_000)
        .with_listed("reader_new", 2, "DE")
        .with_listed("publisher", 2, "FR")
        .build();
    let id = open(&mut s, "reader", "publisher", 1_000, 7 * DAY);
    recover(&mut s, "reader", "reader_new");
    exec(
        &mut s,
        "publisher",
        &ExecuteMsg::CloseChannel { channel: id },
    )
    .unwrap();
    let (lost, new) = (
        s.account(&s.addr("reader")),
        s.account(&s.addr("reader_new")),
    );
    assert_eq!(
        (lost.balance, new.balance, new.frozen_amount),
        (u(0), u(10_000), u(0)),
        "refund landed on the lost wallet: lost={lost:?} new={new:?}"
    );
}

// =====================================================================================
// Guarantees that held
// =====================================================================================

/// Guarantee 2: several pauses between two loads move the deadline by their sum; the
/// query and every execute agree on it, to the second.
#[test]
fn several_pauses_between_two_loads_move_the_settle_deadline_by_their_sum() {
    let mut s = channel_suite();
    let reader = s.addr("reader");
    let id = open(&mut s, "reader", "publisher", 1_000, 30 * DAY);
    exec(&mut s, "reader", &ExecuteMsg::StartClose { channel: id }).unwrap();
    let closing0 = channel(&s, id).closing_at.unwrap();
    s.advance_seconds(HOUR);
    pause(&mut s);
    s.advance_seconds(HOUR);
    unpause(&mut s);
    s.advance_seconds(HOUR);
    pause(&mut s);
    s.advance_seconds(2 * HOUR);
    // During the ongoing pause the query already counts it.
    assert_eq!(
        channel(&s, id).closing_at,
        Some(closing0.plus_seconds(3 * HOUR))
    );
    unpause(&mut s);
    let closing = closing0.plus_seconds(3 * HOUR);
    assert_eq!(channel(&s, id).closing_at, Some(closing));
    s.advance_seconds(closing.seconds() - s.now().seconds() - 1);
    assert_token_rejected(
        &mut s,
        |s| s.execute_token(&reader, &ExecuteMsg::CloseChannel { channel: id }),
        ContractError::CloseTooEarly {
            channel: id,
            after: closing,
        },
    );
    claim(&mut s, "publisher", id, 400, false).unwrap();
    s.advance_seconds(1);
    assert_eq!(
        err(claim(&mut s, "publisher", id, 500, false)),
        ContractError::SettlePeriodOver {
            channel: id,
            closing_at: closing
        }
    );
    exec(&mut s, "reader", &ExecuteMsg::CloseChannel { channel: id }).unwrap();
    assert_eq!(
        (s.balance(&reader), s.balance(&s.addr("publisher"))),
        (9_600, 400)
    );
}

/// Guarantee 2: an extension made during a pause still moves by the rest of the pause.
#[test]
fn an_extension_during_a_pause_moves_by_the_rest_of_the_pause() {
    let mut s = channel_suite();
    let reader = s.addr("reader");
    let id = open(&mut s, "reader", "publisher", 1_000, DAY);
    let e0 = channel(&s, id).expires_at;
    pause(&mut s);
    s.advance_seconds(HOUR);
    assert_eq!(channel(&s, id).expires_at, e0.plus_seconds(HOUR));
    // Not later than the caught-up expiry: refused.
    assert_eq!(
        err(exec(
            &mut s,
            "reader",
            &ExecuteMsg::ExtendChannel {
                channel: id,
                expires_at: e0.plus_seconds(HOUR),
            },
        )),
        ContractError::ExpiryTooEarly {
            expires_at: e0.plus_seconds(HOUR),
            after: e0.plus_seconds(HOUR),
        }
    );
    let x = s.now().plus_seconds(2 * DAY);
    exec(
        &mut s,
        "reader",
        &ExecuteMsg::ExtendChannel {
            channel: id,
            expires_at: x,
        },
    )
    .unwrap();
    s.advance_seconds(3 * HOUR);
    unpause(&mut s);
    let moved = x.plus_seconds(3 * HOUR);
    assert_eq!(channel(&s, id).expires_at, moved);
    s.advance_seconds(moved.seconds() - s.now().seconds() - 1);
    assert_token_rejected(
        &mut s,
        |s| s.execute_token(&reader, &ExecuteMsg::CloseChannel { channel: id }),
        ContractError::CloseTooEarly {
            channel: id,
            after: moved,
        },
    );
    s.advance_seconds(1);
    exec(&mut s, "reader", &ExecuteMsg::CloseChannel { channel: id }).unwrap();
    assert_eq!(s.balance(&reader), 10_000);
}

/// Guarantee 2: a pause that ended before the open does not move the new channel; a pause
/// starting one second before the expiry leaves exactly that second after the unpause.
#[test]
fn pauses_before_the_open_and_at_the_expiry_boundary() {
    let mut s = channel_suite();
    let reader = s.addr("reader");
    pause(&mut s);
    s.advance_seconds(5 * DAY);
    unpause(&mut s);
    let id = open(&mut s, "reader", "publisher", 1_000, DAY);
    let e0 = s.now().plus_seconds(DAY);
    assert_eq!(channel(&s, id).expires_at, e0);
    s.advance_seconds(DAY - 1);
    pause(&mut s);
    s.advance_seconds(HOUR);
    unpause(&mut s);
    assert_token_rejected(
        &mut s,
        |s| s.execute_token(&reader, &ExecuteMsg::CloseChannel { channel: id }),
        ContractError::CloseTooEarly {
            channel: id,
            after: e0.plus_seconds(HOUR),
        },
    );
    claim(&mut s, "publisher", id, 10, false).unwrap();
    s.advance_seconds(1);
    exec(&mut s, "reader", &ExecuteMsg::CloseChannel { channel: id }).unwrap();
    assert_eq!(s.balance(&reader), 9_990);
}

/// Guarantee 4 through claim_many and a policy change: a payer whose jurisdiction the
/// registry blocks after the open cannot pay through claim or claim_many; its refund is
/// held with the stop's code.
#[test]
fn a_payer_blocked_by_a_policy_change_is_stopped_on_claim_many_too() {
    let mut s = channel_suite();
    let reader = s.addr("reader");
    let id = open(&mut s, "reader", "publisher", 1_000, 7 * DAY);
    let owner = s.owner.clone();
    s.update_policy(
        &owner,
        Policy {
            blocked_jurisdictions: vec!["DE".into()],
            ..Policy::default()
        },
    )
    .unwrap();
    let is_blocked = |e: ContractError| {
        matches!(e, ContractError::Denied(Denial {
            code: DenialCode::JurisdictionBlocked,
            role: PartyRole::Sender,
            ref party,
            ..
        }) if *party == reader)
    };
    let many = claim_many_msg(&s, "publisher", &[(id, 300)]);
    assert!(is_blocked(err(exec(&mut s, "publisher", &many))));
    assert!(is_blocked(err(claim(&mut s, "publisher", id, 300, false))));
    let resp = exec(
        &mut s,
        "publisher",
        &ExecuteMsg::CloseChannel { channel: id },
    )
    .unwrap();
    let acc = s.account(&reader);
    assert_eq!((acc.balance, acc.frozen_amount), (u(10_000), u(1_000)));
    let closed = farthing_testing::wasm_events(&resp, "token_channel_closed");
    assert!(closed[0]
        .attributes
        .iter()
        .any(|a| a.key == "held" && a.value == "jurisdiction_blocked"));
    assert_supply_invariant(&s, &[id]);
}

/// Guarantee 4: an expired payer whose record is then removed is stopped (not_listed),
/// not let through as "expired".
#[test]
fn an_expired_then_removed_payer_is_stopped_and_its_refund_held() {
    let mut s = channel_suite();
    let (reader, publisher, officer) = (s.addr("reader"), s.addr("publisher"), s.officer.clone());
    let id = open(&mut s, "reader", "publisher", 1_000, 2 * 365 * DAY);
    s.advance_seconds(366 * DAY);
    let renewed = farthing_testing::kyc_input(&publisher, 2, "FR", s.now());
    s.upsert(&officer, vec![renewed]).unwrap();
    claim(&mut s, "publisher", id, 100, false).unwrap();
    s.remove_records(&officer, &[&reader], "offboarded")
        .unwrap();
    assert!(matches!(
        err(claim(&mut s, "publisher", id, 200, false)),
        ContractError::Denied(Denial {
            code: DenialCode::NotListed,
            role: PartyRole::Sender,
            ..
        })
    ));
    exec(
        &mut s,
        "publisher",
        &ExecuteMsg::CloseChannel { channel: id },
    )
    .unwrap();
    let acc = s.account(&reader);
    assert_eq!((acc.balance, acc.frozen_amount), (u(9_900), u(900)));
}

/// Guarantee 10: claim and claim_many together never pay more than the deposit; a batch
/// cannot name a channel twice; claims count in no window; supply == balances + locked.
#[test]
fn claim_and_claim_many_never_pay_more_than_the_deposit() {
    let mut tiers = vec![TierLimit::default(); 4];
    tiers[2] = TierLimit {
        max_per_transfer: None,
        max_volume_per_window: Some(u(5_000)),
        window_seconds: DAY,
    };
    let mut s = SuiteBuilder::default()
        .with_policy(Policy {
            tier_limits: tiers,
            ..Policy::default()
        })
        .with_funded("reader", 2, "DE", 10_000)
        .with_listed("publisher", 2, "FR")
        .build();
    let a = open(&mut s, "reader", "publisher", 1_000, 7 * DAY);
    let b = open(&mut s, "reader", "publisher", 500, 7 * DAY);
    claim(&mut s, "publisher", a, 600, false).unwrap();
    let dup = claim_many_msg(&s, "publisher", &[(a, 700), (a, 1_000)]);
    assert!(matches!(
        err(exec(&mut s, "publisher", &dup)),
        ContractError::VoucherAlreadyClaimed { .. }
    ));
    let over = claim_many_msg(&s, "publisher", &[(b, 500), (a, 1_001)]);
    assert_eq!(
        err(exec(&mut s, "publisher", &over)),
        ContractError::VoucherExceedsDeposit {
            cumulative: u(1_001),
            deposit: u(1_000)
        }
    );
    let ok = claim_many_msg(&s, "publisher", &[(b, 500), (a, 1_000)]);
    exec(&mut s, "publisher", &ok).unwrap();
    assert_eq!(
        err(claim(&mut s, "publisher", a, 1_001, true)),
        ContractError::VoucherExceedsDeposit {
            cumulative: u(1_001),
            deposit: u(1_000)
        }
    );
    assert_eq!(s.balance(&s.addr("publisher")), 1_500);
    assert_eq!(s.account(&s.addr("publisher")).window_used, u(0));
    assert_eq!(s.account(&s.addr("reader")).window_used, u(1_500));
    assert_supply_invariant(&s, &[a, b]);
    exec(
        &mut s,
        "publisher",
        &ExecuteMsg::CloseChannel { channel: a },
    )
    .unwrap();
    exec(
        &mut s,
        "publisher",
        &ExecuteMsg::CloseChannel { channel: b },
    )
    .unwrap();
    assert_eq!(s.balance(&s.addr("reader")), 8_500);
    assert_supply_invariant(&s, &[a, b]);
}

/// Guarantee 10: a held refund, a recovery and a forced transfer with `unfreeze` keep
/// frozen_amount <= balance and supply == balances + locked.
#[test]
fn held_refund_recover_and_forced_unfreeze_keep_the_books_straight() {
    let mut s = SuiteBuilder::default()
        .with_funded("reader", 2, "DE", 10_000)
        .with_listed("reader_new", 2, "DE")
        .with_listed("publisher", 2, "FR")
        .build();
    let a = open(&mut s, "reader", "publisher", 1_000, 7 * DAY);
    let b = open(&mut s, "reader", "publisher", 2_000, 7 * DAY);
    claim(&mut s, "publisher", a, 100, false).unwrap();
    freeze(&mut s, "reader", true);
    exec(
        &mut s,
        "publisher",
        &ExecuteMsg::CloseChannel { channel: a },
    )
    .unwrap();
    let acc = s.account(&s.addr("reader"));
    assert_eq!((acc.balance, acc.frozen_amount), (u(7_900), u(900)));
    assert_supply_invariant(&s, &[a, b]);
    recover(&mut s, "reader", "reader_new");
    let new = s.account(&s.addr("reader_new"));
    assert_eq!(
        (new.balance, new.frozen_amount, new.frozen),
        (u(7_900), u(900), true)
    );
    let forced = ExecuteMsg::ForcedTransfer {
        from: s.addr("reader_new").to_string(),
        to: s.addr("publisher").to_string(),
        amount: u(7_500),
        reason: "court_order".into(),
        unfreeze: true,
    };
    exec(&mut s, "agent", &forced).unwrap();
    let new = s.account(&s.addr("reader_new"));
    assert_eq!((new.balance, new.frozen_amount), (u(400), u(400)));
    exec(
        &mut s,
        "publisher",
        &ExecuteMsg::CloseChannel { channel: b },
    )
    .unwrap();
    assert_supply_invariant(&s, &[a, b]);
    assert_eq!(s.total_supply(), 10_000);
}

/// Guarantee 5: non-canonical encodings of small-order ed25519 points, and a secp256k1 x
/// coordinate above the field prime, are refused.
#[test]
fn non_canonical_weak_keys_are_refused() {
    let mut s = channel_suite();
    let reader = s.addr("reader");
    // y = p + 1 (the identity, non-canonical).
    let mut id_noncanon = vec![0xffu8; 32];
    id_noncanon[0] = 0xee;
    id_noncanon[31] = 0x7f;
    // The identity with the sign bit set ("-0").
    let mut id_signed = vec![0u8; 32];
    id_signed[0] = 1;
    id_signed[31] = 0x80;
    // (0, -1), order 2, with the sign bit set.
    let mut order2_signed = vec![0xffu8; 32];
    order2_signed[0] = 0xec;
    let mut x_over_p = vec![0xffu8; 33];
    x_over_p[0] = 0x02;
    let cases = [
        (SignerKey::Ed25519(HexBinary::from(id_noncanon)), "ed25519"),
        (SignerKey::Ed25519(HexBinary::from(id_signed)), "ed25519"),
        (
            SignerKey::Ed25519(HexBinary::from(order2_signed)),
            "ed25519",
        ),
        (SignerKey::Secp256k1(HexBinary::from(x_over_p)), "secp256k1"),
    ];
    for (signer, kind) in cases {
        let msg = ExecuteMsg::OpenChannel {
            payee: s.addr("publisher").to_string(),
            amount: u(1_000),
            expires_at: s.now().plus_seconds(DAY),
            signer,
            travel_rule_ref: None,
        };
        assert_token_rejected(
            &mut s,
            |s| s.execute_token(&reader, &msg),
            ContractError::InvalidVoucher(VoucherError::InvalidKey { kind }),
        );
    }
}

/// Guarantees 3 and 8: a travel-rule reference lifts the travel rule only, never the
/// per-transfer limit; a contract-kind payer has no limit and no window but the travel
/// rule still applies to its channel.
#[test]
fn channel_limits_for_persons_and_contract_kind_payers() {
    let mut tiers = vec![TierLimit::default(); 4];
    tiers[0] = TierLimit {
        max_per_transfer: Some(u(100)),
        max_volume_per_window: Some(u(150)),
        window_seconds: DAY,
    };
    let mut s = SuiteBuilder::default()
        .with_policy(Policy {
            tier_limits: tiers,
            travel_rule: Some(TravelRule {
                threshold: u(10_000),
                min_tier: 2,
            }),
            ..Policy::default()
        })
        .with_funded("teen", 0, "DE", 10_000)
        .with_listed_kind("vault", 0, "DE", PartyKind::Contract)
        .with_funded("whale", 3, "DE", 100_000)
        .with_listed("publisher", 2, "FR")
        .build();
    let (teen, vault, whale) = (s.addr("teen"), s.addr("vault"), s.addr("whale"));
    let tr = Some(HexBinary::from(vec![9u8; 32]));
    let msg = ExecuteMsg::OpenChannel {
        payee: s.addr("publisher").to_string(),
        amount: u(5_000),
        expires_at: s.now().plus_seconds(DAY),
        signer: channel_signer(),
        travel_rule_ref: tr,
    };
    assert!(matches!(
        err(s.execute_token(&teen, &msg)),
        ContractError::Denied(Denial {
            code: DenialCode::OverPerTransferLimit,
            ..
        })
    ));
    s.transfer(&whale, &vault, 5_000).unwrap();
    // 400 > 100 per transfer and > 150 per window: a contract-kind payer is held to neither.
    let id = open(&mut s, "vault", "publisher", 400, DAY);
    assert_eq!(s.account(&vault).window_used, u(0));
    let top_up = ExecuteMsg::TopUpChannel {
        channel: id,
        amount: u(9_600),
    };
    // The top-up takes the exposure to the travel-rule threshold; the vault is tier 0.
    assert!(matches!(
        err(s.execute_token(&vault, &top_up)),
        ContractError::Denied(Denial {
            code: DenialCode::TravelRule,
            role: PartyRole::Sender,
            ..
        })
    ));
    claim(&mut s, "publisher", id, 400, true).unwrap();
    assert_eq!(s.balance(&s.addr("publisher")), 400);
}

/// Guarantee 3 with the registry off: a lock to a frozen payee is refused.
#[test]
fn a_lock_to_a_frozen_payee_is_refused_with_the_registry_off() {
    let mut s = SuiteBuilder::default()
        .with_funded("reader", 2, "DE", 10_000)
        .with_token_without_compliance()
        .build();
    let (reader, publisher) = (s.addr("reader"), s.addr("publisher"));
    let id = open(&mut s, "reader", "publisher", 100, DAY);
    freeze(&mut s, "publisher", true);
    let msg = ExecuteMsg::OpenChannel {
        payee: publisher.to_string(),
        amount: u(100),
        expires_at: s.now().plus_seconds(DAY),
        signer: channel_signer(),
        travel_rule_ref: None,
    };
    assert_token_rejected(
        &mut s,
        |s| s.execute_token(&reader, &msg),
        ContractError::AccountFrozen {
            address: publisher.to_string(),
        },
    );
    let top_up = ExecuteMsg::TopUpChannel {
        channel: id,
        amount: u(1),
    };
    assert_token_rejected(
        &mut s,
        |s| s.execute_token(&reader, &top_up),
        ContractError::AccountFrozen {
            address: publisher.to_string(),
        },
    );
}

/// From cargo-mutants: the 0.2.0 migration starts the pause clock only for a token that is
/// paused; an unpaused token's channels keep their deadlines.
#[test]
fn migrating_an_unpaused_token_starts_no_pause_clock() {
    let mut s = channel_suite();
    let id = open(&mut s, "reader", "publisher", 1_000, DAY);
    let expires_at = channel(&s, id).expires_at;
    let token = s.token.clone();
    {
        let old = format!(r#"{{"r":"{}","p":false}}"#, s.registry);
        let mut storage = s.app.contract_storage_mut(&token);
        storage.set(b"c", old.as_bytes());
        cw2::set_contract_version(&mut *storage, "farthing-micropay-token", "0.1.0").unwrap();
    }
    let (owner, code) = (s.owner.clone(), s.token_code_id);
    s.app
        .migrate_contract(owner, token, &MigrateMsg {}, code)
        .unwrap();
    s.advance_seconds(HOUR);
    assert_eq!(channel(&s, id).expires_at, expires_at);
}

/// The bounds the README documents.
#[test]
fn the_channel_bounds_are_thirty_days_and_ten_years() {
    assert_eq!(farthing_types::token::MAX_SETTLE_SECONDS, 30 * 24 * 3_600);
    assert_eq!(
        farthing_types::token::MAX_CHANNEL_SECONDS,
        3_650 * 24 * 3_600
    );
}

/// A token pointed at something that is not a registry would refuse every movement: the
/// owner's `set_registry` is refused instead.
#[test]
fn set_registry_refuses_an_address_that_is_not_a_registry() {
    let mut s = channel_suite();
    let (owner, token) = (s.owner.clone(), s.token.to_string());
    assert_token_rejected(
        &mut s,
        |s| {
            s.execute_token(
                &owner,
                &ExecuteMsg::SetRegistry {
                    registry: Some(token.clone()),
                },
            )
        },
        ContractError::NotARegistry {
            address: token.clone(),
        },
    );
    let registry = s.registry.to_string();
    s.execute_token(
        &owner,
        &ExecuteMsg::SetRegistry {
            registry: Some(registry),
        },
    )
    .unwrap();
}

/// A recovery must not turn the lost wallet's freeze clock back: a channel it pays keeps
/// every second of its payer's earlier freeze, and a pause after the recovery adds to it.
#[test]
fn a_recovery_does_not_turn_the_stop_clock_back() {
    let mut s = SuiteBuilder::default()
        .with_funded("reader", 2, "DE", 10_000)
        .with_listed("reader_new", 2, "DE")
        .with_listed("publisher", 2, "FR")
        .build();
    let id = open(&mut s, "reader", "publisher", 1_000, 10 * DAY);
    let expires_at = channel(&s, id).expires_at;
    let freezer = s.addr("freezer");
    let reader = s.addr("reader").to_string();
    let freeze = |frozen: bool| {
        if frozen {
            ExecuteMsg::Freeze {
                address: reader.clone(),
                reason: "sanctions_hit".into(),
            }
        } else {
            ExecuteMsg::Unfreeze {
                address: reader.clone(),
                reason: "cleared".into(),
            }
        }
    };
    s.execute_token(&freezer, &freeze(true)).unwrap();
    s.advance_seconds(DAY);
    s.execute_token(&freezer, &freeze(false)).unwrap();
    assert_eq!(channel(&s, id).expires_at, expires_at.plus_seconds(DAY));
    let new = s.addr("reader_new").to_string();
    exec(
        &mut s,
        "agent",
        &ExecuteMsg::Recover {
            lost: reader.clone(),
            new_address: new,
            reason: "lost_key".into(),
        },
    )
    .unwrap();
    pause(&mut s);
    s.advance_seconds(2 * DAY);
    unpause(&mut s);
    assert_eq!(channel(&s, id).expires_at, expires_at.plus_seconds(3 * DAY));
}
