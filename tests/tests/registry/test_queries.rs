use cosmwasm_std::Addr;
use farthing_testing::{Suite, SuiteBuilder};
use farthing_types::kyc::{DenialCode, KycStatus, PartyRole, QueryMsg};

use super::test_queries_support::gate_suite_with_statuses;

fn addrs(v: Vec<farthing_types::kyc::RecordView>) -> Vec<Addr> {
    v.into_iter().map(|r| r.address).collect()
}

fn sorted(mut v: Vec<Addr>) -> Vec<Addr> {
    v.sort();
    v
}

fn populated() -> Suite {
    let mut suite = SuiteBuilder::default()
        .with_listed("a", 1, "DE")
        .with_listed("b", 1, "FR")
        .with_listed("c", 2, "DE")
        .with_listed("d", 0, "FR")
        .with_listed("e", 3, "DE")
        .build();
    let officer = suite.officer.clone();
    let (c, d) = (suite.addr("c"), suite.addr("d"));
    suite
        .set_status(&officer, &[&c, &d], KycStatus::Suspended, "review")
        .unwrap();
    suite
}

#[test]
fn records_pages_through_everything_in_address_order() {
    let suite = populated();
    let all = sorted(["a", "b", "c", "d", "e"].map(|n| suite.addr(n)).to_vec());
    let first = addrs(suite.records(None, None, None, Some(2)));
    assert_eq!(first, all[..2]);
    let next = addrs(suite.records(None, None, first.last(), Some(2)));
    assert_eq!(next, all[2..4]);
    let last = addrs(suite.records(None, None, next.last(), Some(2)));
    assert_eq!(last, all[4..]);
    assert_eq!(addrs(suite.records(None, None, None, None)), all);
}

#[test]
fn records_filters_by_status_jurisdiction_and_both() {
    let suite = populated();
    let a = |n: &str| suite.addr(n);
    assert_eq!(
        addrs(suite.records(Some(KycStatus::Suspended), None, None, None)),
        sorted(vec![a("c"), a("d")])
    );
    assert_eq!(
        addrs(suite.records(None, Some("DE"), None, None)),
        sorted(vec![a("a"), a("c"), a("e")])
    );
    assert_eq!(
        addrs(suite.records(Some(KycStatus::Active), Some("DE"), None, None)),
        sorted(vec![a("a"), a("e")])
    );
    assert_eq!(
        addrs(suite.records(Some(KycStatus::Suspended), Some("FR"), None, None)),
        vec![a("d")]
    );
    assert!(suite
        .records(Some(KycStatus::Revoked), None, None, None)
        .is_empty());
    // Paging inside a filter.
    let de = sorted(vec![a("a"), a("c"), a("e")]);
    let page = addrs(suite.records(None, Some("DE"), Some(&de[0]), Some(1)));
    assert_eq!(page, vec![de[1].clone()]);
}

#[test]
fn record_of_an_unlisted_address_is_none_and_bad_addresses_fail() {
    let suite = populated();
    assert!(suite.record(&suite.addr("zed")).is_none());
    let res = suite.app.wrap().query_wasm_smart::<serde_json::Value>(
        suite.registry.clone(),
        &QueryMsg::Record {
            address: "NOT-AN-ADDRESS".into(),
        },
    );
    assert!(res.is_err());
}

fn denial(
    suite: &Suite,
    from: &str,
    to: &str,
    amount: u128,
) -> Option<(String, PartyRole, DenialCode)> {
    let v = suite.check_transfer(&suite.addr(from), &suite.addr(to), amount);
    assert_eq!(v.allowed, v.denial.is_none());
    v.denial.map(|d| {
        assert!(!d.message.is_empty());
        let name = ["alice", "bob", "kim", "tess", "exp", "nobody"]
            .into_iter()
            .find(|n| suite.addr(n) == d.party)
            .unwrap()
            .to_string();
        (name, d.role, d.code)
    })
}

#[test]
fn check_transfer_gives_machine_readable_reasons() {
    use DenialCode::*;
    use PartyRole::*;
    let mut suite = gate_suite_with_statuses();
    let d = |n: &str, r, c| Some((n.to_string(), r, c));
    assert_eq!(denial(&suite, "alice", "bob", 50), None);
    assert_eq!(
        denial(&suite, "nobody", "bob", 50),
        d("nobody", Sender, NotListed)
    );
    assert_eq!(
        denial(&suite, "alice", "nobody", 50),
        d("nobody", Recipient, NotListed)
    );
    assert_eq!(
        denial(&suite, "kim", "alice", 50),
        d("kim", Sender, JurisdictionBlocked)
    );
    assert_eq!(
        denial(&suite, "alice", "kim", 50),
        d("kim", Recipient, JurisdictionBlocked)
    );
    // tess is tier 0: at most 100 per transfer.
    assert_eq!(denial(&suite, "tess", "alice", 100), None);
    assert_eq!(
        denial(&suite, "tess", "alice", 101),
        d("tess", Sender, OverPerTransferLimit)
    );
    // The per-transfer limit is the sender's, not the recipient's.
    assert_eq!(denial(&suite, "alice", "tess", 101), None);
    // Travel rule at 5,000: both need tier 2.
    assert_eq!(denial(&suite, "alice", "exp", 4_999), None);
    assert_eq!(denial(&suite, "alice", "exp", 5_000), None);
    assert_eq!(
        denial(&suite, "alice", "bob", 5_000),
        d("bob", Recipient, TravelRule)
    );
    assert_eq!(
        denial(&suite, "bob", "alice", 5_000),
        d("bob", Sender, TravelRule)
    );

    let officer = suite.officer.clone();
    let (alice, bob) = (suite.addr("alice"), suite.addr("bob"));
    suite
        .set_status(&officer, &[&alice], KycStatus::Suspended, "review")
        .unwrap();
    suite
        .set_status(&officer, &[&bob], KycStatus::Revoked, "sanctions")
        .unwrap();
    assert_eq!(
        denial(&suite, "alice", "exp", 1),
        d("alice", Sender, Suspended)
    );
    assert_eq!(
        denial(&suite, "exp", "alice", 1),
        d("alice", Recipient, Suspended)
    );
    assert_eq!(denial(&suite, "bob", "exp", 1), d("bob", Sender, Revoked));
    assert_eq!(
        denial(&suite, "exp", "bob", 1),
        d("bob", Recipient, Revoked)
    );

    // exp expires at +100 s: it may not send from then on, but may receive for the 3,600 s grace.
    suite.advance_seconds(100);
    assert_eq!(denial(&suite, "exp", "tess", 1), d("exp", Sender, Expired));
    assert_eq!(denial(&suite, "tess", "exp", 1), None);
    suite.advance_seconds(3_599);
    assert_eq!(denial(&suite, "tess", "exp", 1), None);
    suite.advance_seconds(1);
    assert_eq!(
        denial(&suite, "tess", "exp", 1),
        d("exp", Recipient, Expired)
    );
}
