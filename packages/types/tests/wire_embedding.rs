//! Farthing's messages embedded in an integrator's own message types. A contract or an
//! off-chain service that serves several protocols often wraps their `QueryMsg`s in an
//! `#[serde(untagged)]` enum (or `#[serde(flatten)]`s them), and serde then reads the
//! JSON through its buffered `Content` deserializer, which hands a JSON `null` to an
//! `Option`'s visitor as `visit_unit`, not `visit_none`.
//!
//! What 0.2 clients send, and what `opt_u64_str` itself writes for `None`, is
//! `"start_after": null`, so it must parse there too.

use cosmwasm_std::from_json;
use farthing_types::{escrow, kyc, token};
use serde::Deserialize;

#[derive(Deserialize, Debug)]
#[serde(untagged)]
enum IntegratorQuery {
    Token(token::QueryMsg),
    Escrow(escrow::QueryMsg),
    Registry(kyc::QueryMsg),
}

/// Attack (availability for integrators): ad3a4d2 dropped `OptVisitor::visit_unit` as
/// "never called by deserialize_any"; `deserialize_option` on serde's buffered content
/// does call it, so an untagged wrapper refuses `"start_after": null` ("invalid type:
/// unit value") for the paginated `channels`, `deals` and `audit_log` queries. b5815fa
/// accepted it. Fails on the current code; restoring `visit_unit -> Ok(None)` fixes it.
#[test]
fn a_null_start_after_parses_inside_an_untagged_wrapper() {
    for (json, page) in [
        (
            r#"{"channels":{"by":{"payer":"alice"},"start_after":null,"limit":null}}"#,
            None,
        ),
        (
            r#"{"channels":{"by":{"payer":"alice"},"start_after":"7","limit":null}}"#,
            Some(7),
        ),
        (
            r#"{"channels":{"by":{"payer":"alice"},"start_after":7}}"#,
            Some(7),
        ),
        (r#"{"channels":{"by":{"payer":"alice"}}}"#, None),
    ] {
        match from_json::<IntegratorQuery>(json) {
            Ok(IntegratorQuery::Token(token::QueryMsg::Channels { start_after, .. })) => {
                assert_eq!(start_after, page, "{json}")
            }
            other => panic!("{json}: {other:?}"),
        }
    }
    match from_json::<IntegratorQuery>(r#"{"deals":{"by":null,"start_after":null,"limit":5}}"#) {
        Ok(IntegratorQuery::Escrow(escrow::QueryMsg::Deals { start_after, .. })) => {
            assert_eq!(start_after, None)
        }
        other => panic!("deals: {other:?}"),
    }
    match from_json::<IntegratorQuery>(
        r#"{"audit_log":{"subject":null,"start_after":null,"limit":null,"descending":null}}"#,
    ) {
        Ok(IntegratorQuery::Registry(kyc::QueryMsg::AuditLog { start_after, .. })) => {
            assert_eq!(start_after, None)
        }
        other => panic!("audit_log: {other:?}"),
    }
    // Exactly what the types themselves write for `None` reads back through the wrapper.
    let own = cosmwasm_std::to_json_string(&token::QueryMsg::Channels {
        by: token::ChannelsBy::Payer("alice".into()),
        start_after: None,
        limit: None,
    })
    .unwrap();
    assert!(own.contains(r#""start_after":null"#), "{own}");
    assert!(from_json::<IntegratorQuery>(&own).is_ok(), "{own}");
}

/// Non-canonical ids stay refused through the wrapper (the buffered path hands strings
/// and numbers to the same visitor). Fails if the untagged path bypassed the canonical
/// check (e.g. a visitor that parsed `"007"` or `" 7"`).
#[test]
fn a_non_canonical_id_is_refused_inside_an_untagged_wrapper_too() {
    for bad in [
        r#"{"channel":{"channel":"007"}}"#,
        r#"{"channel":{"channel":" 7"}}"#,
        r#"{"channel":{"channel":"+7"}}"#,
        r#"{"channel":{"channel":-7}}"#,
        r#"{"channel":{"channel":"18446744073709551616"}}"#,
        r#"{"channel":{"channel":null}}"#,
        r#"{"channel":{"channel":[7]}}"#,
    ] {
        assert!(from_json::<IntegratorQuery>(bad).is_err(), "accepted {bad}");
    }
    match from_json::<IntegratorQuery>(r#"{"channel":{"channel":"18446744073709551615"}}"#) {
        Ok(IntegratorQuery::Token(token::QueryMsg::Channel { channel })) => {
            assert_eq!(channel, u64::MAX)
        }
        other => panic!("{other:?}"),
    }
}
