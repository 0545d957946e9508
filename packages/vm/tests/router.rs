//! The router on the current optimized wasm: sub-messages, replies, rollback and the
//! transaction's events and gas, as a wasmd chain runs them.

use cosmwasm_std::{coins, to_json_binary, Coin, Uint128};
use farthing_types::escrow::{self, AssetInfo, ReceiveMsg};
use farthing_types::token;
use farthing_vm::gas::{GAS_MULTIPLIER, INSTANCE_COST};
use farthing_vm::{CallError, Entry};

mod support;
use serde_json::{json, Value};
use support::world;

/// (contract, entry point, depth, succeeded) of every call of a transaction.
fn shape(calls: &[farthing_vm::CallRecord]) -> Vec<(String, Entry, u32, bool)> {
    calls
        .iter()
        .map(|c| (c.contract.clone(), c.entry, c.depth, c.ok))
        .collect()
}

fn attr<'a>(event: &'a cosmwasm_std::Event, key: &str) -> Option<&'a str> {
    event
        .attributes
        .iter()
        .find(|a| a.key == key)
        .map(|a| a.value.as_str())
}

#[test]
fn a_send_runs_the_hook_in_the_same_transaction() {
    let mut w = world();
    let done = w.cw20_deal();
    assert_eq!(w.balance(&w.alice), 900);
    assert_eq!(w.balance(&w.escrow), 100);
    assert_eq!(
        shape(&done.calls),
        vec![
            (w.token.to_string(), Entry::Execute, 0, true),
            (w.escrow.to_string(), Entry::Execute, 1, true),
        ]
    );
    let types: Vec<&str> = done.events.iter().map(|e| e.ty.as_str()).collect();
    assert_eq!(types[0], "execute");
    assert_eq!(
        attr(&done.events[0], "_contract_address"),
        Some(w.token.as_str())
    );
    let executes: Vec<Option<&str>> = done
        .events_of("execute")
        .map(|e| attr(e, "_contract_address"))
        .collect();
    assert_eq!(
        executes,
        vec![Some(w.token.as_str()), Some(w.escrow.as_str())]
    );
    assert_eq!(done.replies, 0);
}

#[test]
fn a_refused_hook_rolls_the_whole_send_back_and_still_charges_gas() {
    let mut w = world();
    let (token_before, escrow_before) =
        (w.vm.dump(&w.token).unwrap(), w.vm.dump(&w.escrow).unwrap());
    // The escrow refuses to pay a work that does not exist: `send` has no reply, so the
    // token's own debit is rolled back with it.
    let send = token::ExecuteMsg::Send {
        contract: w.escrow.to_string(),
        amount: Uint128::new(100),
        msg: to_json_binary(&ReceiveMsg::Pay { work_id: 999 }).unwrap(),
    };
    let (token, alice) = (w.token.clone(), w.alice.clone());
    let err = w.vm.execute(&token, &alice, &send, &[]).unwrap_err();
    assert!(matches!(err, CallError::Contract(_)), "{err}");
    assert_eq!(err.code().as_deref(), Some("work_not_found"), "{err}");
    assert_eq!(w.vm.dump(&w.token).unwrap(), token_before);
    assert_eq!(w.vm.dump(&w.escrow).unwrap(), escrow_before);
    assert_eq!(w.balance(&w.alice), 1_000);
    // Both calls ran and are charged (a rollback refunds no gas).
    assert_eq!(
        shape(w.vm.last_calls()),
        vec![
            (w.token.to_string(), Entry::Execute, 0, true),
            (w.escrow.to_string(), Entry::Execute, 1, false),
        ]
    );
}

#[test]
fn a_payout_the_token_refuses_is_rolled_back_and_the_escrow_reply_holds_it() {
    let mut w = world();
    w.cw20_deal();
    w.freeze(&w.bob.clone(), true);
    let escrow_before = w.vm.dump(&w.escrow).unwrap();
    let done = w.release(1).unwrap();
    assert_eq!(done.replies, 1);
    assert_eq!(
        shape(&done.calls),
        vec![
            (w.escrow.to_string(), Entry::Execute, 0, true),
            (w.token.to_string(), Entry::Execute, 1, false),
            (w.escrow.to_string(), Entry::Reply, 0, true),
        ]
    );
    // The token's failed transfer left nothing: no event of it, no balance moved.
    assert!(done
        .events
        .iter()
        .all(|e| attr(e, "_contract_address") != Some(w.token.as_str())));
    assert_eq!(done.events_of("reply").count(), 1);
    assert_eq!(w.balance(&w.bob), 0);
    assert_eq!(w.balance(&w.escrow), 100);
    assert_ne!(w.vm.dump(&w.escrow).unwrap(), escrow_before);
    let held: Value =
        w.vm.query(&w.escrow, &json!({"held": {"address": w.bob}}))
            .unwrap();
    assert_eq!(
        held,
        json!({"held": [{"asset": {"cw20": {"address": w.token}}, "amount": "100"}]})
    );
    // Unfrozen, bob collects it: one transaction, the token's transfer inside it.
    w.freeze(&w.bob.clone(), false);
    let (escrow, bob) = (w.escrow.clone(), w.bob.clone());
    let claim = escrow::ExecuteMsg::ClaimHeld {
        asset: AssetInfo::Cw20 {
            address: w.token.clone(),
        },
        amount: None,
    };
    let done = w.vm.execute(&escrow, &bob, &claim, &[]).unwrap();
    assert_eq!(done.replies, 0);
    assert_eq!(w.balance(&w.bob), 100);
    assert_eq!(w.balance(&w.escrow), 0);
}

#[test]
fn a_paid_payout_moves_in_the_same_transaction_without_a_reply() {
    let mut w = world();
    w.cw20_deal();
    let done = w.release(1).unwrap();
    assert_eq!(done.replies, 0);
    assert_eq!(w.balance(&w.bob), 100);
    assert_eq!(w.balance(&w.escrow), 0);
    assert_eq!(
        shape(&done.calls),
        vec![
            (w.escrow.to_string(), Entry::Execute, 0, true),
            (w.token.to_string(), Entry::Execute, 1, true),
        ]
    );
    // The token's `wasm` event is the transfer's, from the escrow to bob.
    let transfer = done
        .events_of("wasm")
        .find(|e| attr(e, "_contract_address") == Some(w.token.as_str()))
        .expect("the token's wasm event");
    assert_eq!(attr(transfer, "action"), Some("transfer"));
    assert_eq!(attr(transfer, "from"), Some(w.escrow.as_str()));
    assert_eq!(attr(transfer, "to"), Some(w.bob.as_str()));
    assert_eq!(attr(transfer, "amount"), Some("100"));
}

#[test]
fn native_coins_move_with_the_call_and_come_back_when_it_fails() {
    let mut w = world();
    let (escrow, alice) = (w.escrow.clone(), w.alice.clone());
    // Refused (the payer may not be the payee): the attached coins never leave alice.
    let mut terms = w.terms();
    terms.payee = alice.to_string();
    let err =
        w.vm.execute(
            &escrow,
            &alice,
            &escrow::ExecuteMsg::CreateDeal(terms),
            &coins(100, "ueur"),
        )
        .unwrap_err();
    assert!(matches!(err, CallError::Contract(_)), "{err}");
    assert_eq!(w.vm.balances(&alice), coins(500, "ueur"));
    assert_eq!(w.vm.balances(&escrow), Vec::<Coin>::new());
    // Accepted: the deposit moves, then the release sends it to bob as a bank message.
    let create = escrow::ExecuteMsg::CreateDeal(w.terms());
    let done =
        w.vm.execute(&escrow, &alice, &create, &coins(100, "ueur"))
            .unwrap();
    assert_eq!(done.calls[0].entry, Entry::Bank);
    // The transaction's own VM gas is its call's, not the bank move's before it.
    assert_eq!(done.calls[1].entry, Entry::Execute);
    assert!(done.gas > 0);
    assert_eq!(done.gas, done.calls[1].vm_gas);
    assert_eq!(w.vm.balances(&alice), coins(400, "ueur"));
    assert_eq!(w.vm.balances(&escrow), coins(100, "ueur"));
    let done = w.release(1).unwrap();
    assert_eq!(w.vm.balances(&w.bob), coins(100, "ueur"));
    assert_eq!(w.vm.balances(&escrow), Vec::<Coin>::new());
    let sent = done.events_of("transfer").next().expect("a bank transfer");
    assert_eq!(attr(sent, "sender"), Some(escrow.as_str()));
    assert_eq!(attr(sent, "recipient"), Some(w.bob.as_str()));
    assert_eq!(attr(sent, "amount"), Some("100ueur"));
    assert_eq!(
        shape(&done.calls),
        vec![
            (escrow.to_string(), Entry::Execute, 0, true),
            (escrow.to_string(), Entry::Bank, 1, true),
        ]
    );
}

#[test]
fn every_call_is_charged_as_wasmd_charges_it() {
    let mut w = world();
    let done = w.cw20_deal();
    let mut total = 0;
    for c in &done.calls {
        let expected = INSTANCE_COST + c.vm_gas / GAS_MULTIPLIER + c.kv.gas() + c.event_gas;
        assert_eq!(c.sdk_gas(), expected);
        assert!(c.kv.reads > 0 && c.kv.writes > 0, "{c:?}");
        assert!(c.event_gas > 0, "{c:?}");
        total += expected;
    }
    assert_eq!(done.sdk_gas(), total);
    assert_eq!(done.gas, done.calls[0].vm_gas);
    assert_eq!(done.vm_gas(), done.calls[0].vm_gas + done.calls[1].vm_gas);
}
