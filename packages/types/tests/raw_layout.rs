//! The registry's storage that other contracts read with `WasmQuery::Raw`
//! (`farthing_types::kyc::state`) is an API between contracts of different releases: a
//! token or an escrow of release 0.1.0 (or any third-party contract built on farthing-types
//! 0.1's `KycRegistry` client) reads the policy a newer registry writes, during a staged
//! upgrade and after it. Its value layout may not change without a migration of every
//! reader, whatever the wire format of messages does.

use cosmwasm_std::testing::MockStorage;
use cosmwasm_std::{from_json, to_json_vec, Storage, Uint128};
use farthing_types::kyc::state::{POLICY, POLICY_KEY};
use farthing_types::kyc::{Policy, StoredPolicy, TierLimit, TravelRule};
use serde::{Deserialize, Serialize};

/// Release 0.1.0's `TierLimit`, as compiled into its token and escrow: `window_seconds` is
/// a plain `u64`, which serde-json-wasm reads from a JSON number only.
#[derive(Serialize, Deserialize, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
struct TierLimit010 {
    max_per_transfer: Option<Uint128>,
    max_volume_per_window: Option<Uint128>,
    window_seconds: u64,
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
struct TravelRule010 {
    threshold: Uint128,
    min_tier: u8,
}

/// Release 0.1.0's `Policy` (commit da62371, unchanged up to a198bc9).
#[derive(Serialize, Deserialize, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
struct Policy010 {
    blocked_jurisdictions: Vec<String>,
    tier_limits: Vec<TierLimit010>,
    travel_rule: Option<TravelRule010>,
    expiry_grace_seconds: u64,
}

fn policy() -> Policy {
    let tier = |max: u128, window: u64| TierLimit {
        max_per_transfer: Some(Uint128::new(max)),
        max_volume_per_window: Some(Uint128::new(max * 10)),
        window_seconds: window,
    };
    Policy {
        blocked_jurisdictions: vec!["KP".into(), "IR".into()],
        tier_limits: vec![
            tier(1_000, 3_600),
            tier(100_000, 86_400),
            tier(10_000_000, 86_400),
            TierLimit::default(),
        ],
        travel_rule: Some(TravelRule {
            threshold: Uint128::new(1_000_000),
            min_tier: 2,
        }),
        expiry_grace_seconds: 7 * 86_400,
    }
}

fn policy_010() -> Policy010 {
    let tier = |max: u128, window: u64| TierLimit010 {
        max_per_transfer: Some(Uint128::new(max)),
        max_volume_per_window: Some(Uint128::new(max * 10)),
        window_seconds: window,
    };
    Policy010 {
        blocked_jurisdictions: vec!["KP".into(), "IR".into()],
        tier_limits: vec![
            tier(1_000, 3_600),
            tier(100_000, 86_400),
            tier(10_000_000, 86_400),
            TierLimit010 {
                max_per_transfer: None,
                max_volume_per_window: None,
                window_seconds: 0,
            },
        ],
        travel_rule: Some(TravelRule010 {
            threshold: Uint128::new(1_000_000),
            min_tier: 2,
        }),
        expiry_grace_seconds: 7 * 86_400,
    }
}

/// Attack: the owner of a migrated registry calls `update_policy` (or a registry of the
/// current code is instantiated) while a 0.1.0 token or escrow still reads it. The policy
/// written at `"p"` has `"window_seconds":"3600"` and `"expiry_grace_seconds":"604800"`:
/// the 0.1.0 reader refuses the string (serde-json-wasm: invalid type), so every gated
/// transfer, mint, channel claim and escrow payout of the old contract fails, and so does
/// its `set_registry` (`not_a_registry`). Fails on the current code.
#[test]
fn the_stored_policy_keeps_the_layout_that_0_1_0_readers_parse() {
    let mut storage = MockStorage::new();
    POLICY.save(&mut storage, &StoredPolicy(policy())).unwrap();
    let raw = storage
        .get(POLICY_KEY.as_bytes())
        .expect("the policy is stored");
    let old: Result<Policy010, _> = from_json(&raw);
    assert_eq!(
        old.as_ref().map_err(|e| e.to_string()),
        Ok(&policy_010()),
        "a 0.1.0 token or escrow cannot read the stored policy {}",
        String::from_utf8_lossy(&raw)
    );
    // Byte for byte the value 0.1.0 stored for the same policy.
    assert_eq!(
        String::from_utf8(raw).unwrap(),
        String::from_utf8(to_json_vec(&policy_010()).unwrap()).unwrap()
    );
}

/// The other half of a staged upgrade (a current token or escrow reading a 0.1.0
/// registry's policy) works: the reader accepts the numbers 0.1.0 wrote. Fails if the
/// lenient reader of `farthing_voucher::wire::u64_str` is made strict (strings only).
#[test]
fn a_policy_stored_by_0_1_0_is_read_by_the_current_client() {
    let mut storage = MockStorage::new();
    storage.set(POLICY_KEY.as_bytes(), &to_json_vec(&policy_010()).unwrap());
    assert_eq!(POLICY.load(&storage).unwrap().0, policy());
}

/// A registry of a 0.2.0 development build (b5815fa to 449e4bd) stored its policy in the
/// wire layout (decimal strings); the current client still reads it. Fails if
/// `StoredPolicy`'s reader is made to take numbers only.
#[test]
fn a_policy_stored_in_the_wire_layout_is_still_read() {
    let wire = to_json_vec(&policy()).unwrap();
    assert!(String::from_utf8(wire.clone())
        .unwrap()
        .contains(r#""window_seconds":"3600""#));
    let mut storage = MockStorage::new();
    storage.set(POLICY_KEY.as_bytes(), &wire);
    assert_eq!(POLICY.load(&storage).unwrap().0, policy());
}
