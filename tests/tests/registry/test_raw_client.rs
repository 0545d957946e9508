//! The raw-read client (`WasmQuery::Raw`, no contract call) and the registry's own
//! `CheckTransfer` smart query must give the same verdict in every case.

use cosmwasm_std::{Addr, Uint128};
use farthing_testing::kyc_input;
use farthing_types::kyc::{KycRegistry, KycStatus, PartyRole};

use super::test_queries_support::gate_suite_with_statuses;

const NAMES: [&str; 8] = ["alice", "bob", "kim", "tess", "exp", "sus", "rev", "nobody"];
const AMOUNTS: [u128; 6] = [1, 100, 101, 4_999, 5_000, 20_000];

fn compare_all(suite: &farthing_testing::Suite) -> usize {
    let client = KycRegistry(suite.registry.clone());
    let querier = suite.app.wrap();
    let now = suite.now();
    let addrs: Vec<Addr> = NAMES.iter().map(|n| suite.addr(n)).collect();
    let mut denied = 0;
    for from in &addrs {
        for to in &addrs {
            for amount in AMOUNTS {
                let amount = Uint128::new(amount);
                let raw = client
                    .check_transfer(&querier, now, from, to, amount)
                    .unwrap();
                let smart = client
                    .query_check_transfer(&querier, from, to, amount)
                    .unwrap();
                assert_eq!(raw, smart, "{from} -> {to} {amount}");
                denied += usize::from(!raw.allowed);
            }
        }
    }
    denied
}

#[test]
fn raw_reads_and_smart_query_agree_over_a_table_of_cases() {
    let mut suite = gate_suite_with_statuses();
    let total = NAMES.len() * NAMES.len() * AMOUNTS.len();
    let denied_now = compare_all(&suite);
    assert!(
        denied_now > 0 && denied_now < total,
        "the table has both outcomes"
    );
    // Past exp's expiry, inside its grace period, and past it.
    suite.advance_seconds(100);
    compare_all(&suite);
    suite.advance_seconds(3_600);
    compare_all(&suite);
}

#[test]
fn raw_client_reads_records_and_policy() {
    let mut suite = gate_suite_with_statuses();
    let client = KycRegistry(suite.registry.clone());
    let alice = suite.addr("alice");
    let rec = client.record(&suite.app.wrap(), &alice).unwrap().unwrap();
    assert_eq!(
        (rec.status, rec.tier, rec.jurisdiction.as_str()),
        (KycStatus::Active, 2, "DE")
    );
    assert_eq!(
        client
            .record(&suite.app.wrap(), &suite.addr("nobody"))
            .unwrap(),
        None
    );
    assert_eq!(client.policy(&suite.app.wrap()).unwrap(), suite.policy());

    // Single-party checks used for mint (recipient) and burn (sender).
    let policy = suite.policy();
    let now = suite.now();
    let sus = suite.addr("sus");
    let denial = client
        .check_sender(&suite.app.wrap(), &policy, now, &sus, PartyRole::Spender)
        .unwrap()
        .unwrap_err();
    assert_eq!(denial.role, PartyRole::Spender);
    assert!(client
        .check_recipient(&suite.app.wrap(), &policy, now, &alice)
        .unwrap()
        .is_ok());

    // A write is visible to the raw client at once.
    let officer = suite.officer.clone();
    let mut again = kyc_input(&alice, 0, "DE", suite.now());
    again.status = KycStatus::Revoked;
    suite.upsert(&officer, vec![again]).unwrap();
    let rec = client.record(&suite.app.wrap(), &alice).unwrap().unwrap();
    assert_eq!((rec.status, rec.tier), (KycStatus::Revoked, 0));
}
