//! The channel events as the contract emits them, attribute by attribute and in order
//! (review of the event-builder refactor, which moved `closing_at` and `held` into the
//! builders and claimed the same bytes). Each expected list is what the code before the
//! refactor (a198bc9) emitted: `events::channel(kind, ...)` gave `channel, by, amount,
//! total`, and the contract then appended `closing_at` (start_close) or `held` (a close
//! while the payer is stopped).
//!
//! Mutations that make these fail: a changed kind string, a reordered or renamed
//! attribute, `held` emitted when the payer was not stopped (or missing when it was),
//! `closing_at` missing or in nanoseconds, `amount`/`total` swapped in a builder.

use cosmwasm_std::Event;
use farthing_testing::wasm_events;
use farthing_types::token::ExecuteMsg;

use super::test_attacks::{channel, channel_suite, claim, exec, open, u, DAY};

fn exact(ty: &str, attrs: &[(&str, String)]) -> Vec<Event> {
    vec![Event::new(ty).add_attributes(attrs.iter().map(|(k, v)| (*k, v.as_str())))]
}

#[test]
fn every_channel_event_has_the_attributes_it_had_before_the_builder_refactor() {
    let mut s = channel_suite();
    let (reader, publisher) = (s.addr("reader"), s.addr("publisher"));
    let r = reader.to_string();
    let p = publisher.to_string();

    let open_msg = ExecuteMsg::OpenChannel {
        payee: p.clone(),
        amount: u(1_000),
        expires_at: s.now().plus_seconds(7 * DAY),
        signer: super::paths::channel_signer(),
        travel_rule_ref: None,
    };
    let resp = exec(&mut s, "reader", &open_msg).unwrap();
    let id = 1u64;
    let ch = id.to_string();
    assert_eq!(
        wasm_events(&resp, "token_channel_opened"),
        exact(
            "token_channel_opened",
            &[
                ("channel", ch.clone()),
                ("by", r.clone()),
                ("amount", "1000".into()),
                ("total", "1000".into())
            ]
        )
    );

    let resp = exec(
        &mut s,
        "reader",
        &ExecuteMsg::TopUpChannel {
            channel: id,
            amount: u(500),
        },
    )
    .unwrap();
    assert_eq!(
        wasm_events(&resp, "token_channel_topped_up"),
        exact(
            "token_channel_topped_up",
            &[
                ("channel", ch.clone()),
                ("by", r.clone()),
                ("amount", "500".into()),
                ("total", "1500".into())
            ]
        )
    );

    let extend = ExecuteMsg::ExtendChannel {
        channel: id,
        expires_at: s.now().plus_seconds(8 * DAY),
    };
    let resp = exec(&mut s, "reader", &extend).unwrap();
    assert_eq!(
        wasm_events(&resp, "token_channel_extended"),
        exact(
            "token_channel_extended",
            &[
                ("channel", ch.clone()),
                ("by", r.clone()),
                ("amount", "0".into()),
                ("total", "1500".into())
            ]
        )
    );

    let resp = claim(&mut s, "publisher", id, 300, false).unwrap();
    assert_eq!(
        wasm_events(&resp, "token_channel_claimed"),
        exact(
            "token_channel_claimed",
            &[
                ("channel", ch.clone()),
                ("by", p.clone()),
                ("amount", "300".into()),
                ("total", "300".into())
            ]
        )
    );

    // start_close: `closing_at` (seconds) after the four common attributes.
    let resp = exec(&mut s, "reader", &ExecuteMsg::StartClose { channel: id }).unwrap();
    let closing_at = s.now().plus_seconds(DAY);
    assert_eq!(channel(&s, id).closing_at, Some(closing_at));
    assert_eq!(
        wasm_events(&resp, "token_channel_closing"),
        exact(
            "token_channel_closing",
            &[
                ("channel", ch.clone()),
                ("by", r.clone()),
                ("amount", "0".into()),
                ("total", "300".into()),
                ("closing_at", closing_at.seconds().to_string())
            ]
        )
    );

    // A close with nothing held: no `held` attribute; `amount` is the refund.
    s.advance_seconds(DAY);
    let resp = exec(&mut s, "reader", &ExecuteMsg::CloseChannel { channel: id }).unwrap();
    assert_eq!(
        wasm_events(&resp, "token_channel_closed"),
        exact(
            "token_channel_closed",
            &[
                ("channel", ch.clone()),
                ("by", r.clone()),
                ("amount", "1200".into()),
                ("total", "300".into())
            ]
        )
    );
    assert_eq!(s.balance(&reader), 10_000 - 300);
    assert_eq!(s.balance(&publisher), 300);

    // A close while the payer is frozen: `held` (the code) last.
    let id2 = open(&mut s, "reader", "publisher", 1_000, 7 * DAY);
    claim(&mut s, "publisher", id2, 100, false).unwrap();
    exec(
        &mut s,
        "freezer",
        &ExecuteMsg::Freeze {
            address: r.clone(),
            reason: "sanctions_hit".into(),
        },
    )
    .unwrap();
    let resp = exec(
        &mut s,
        "publisher",
        &ExecuteMsg::CloseChannel { channel: id2 },
    )
    .unwrap();
    assert_eq!(
        wasm_events(&resp, "token_channel_closed"),
        exact(
            "token_channel_closed",
            &[
                ("channel", id2.to_string()),
                ("by", p.clone()),
                ("amount", "900".into()),
                ("total", "100".into()),
                ("held", "frozen".into())
            ]
        )
    );
    let acc = s.account(&reader);
    assert_eq!((acc.balance, acc.frozen_amount), (u(10_000 - 400), u(900)));
}
