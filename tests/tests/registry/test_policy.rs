use cosmwasm_std::{Event, Uint128};
use farthing_kyc_registry::ContractError;
use farthing_types::kyc::{AuditAction, Policy, TierLimit, TravelRule};

use super::{assert_rejected, attr, suite, wasm_events};

pub fn strict_policy() -> Policy {
    Policy {
        blocked_jurisdictions: vec!["KP".into(), "IR".into()],
        tier_limits: vec![
            TierLimit {
                max_per_transfer: Some(Uint128::new(100)),
                max_volume_per_window: Some(Uint128::new(1_000)),
                window_seconds: 86_400,
            },
            TierLimit {
                max_per_transfer: Some(Uint128::new(10_000)),
                max_volume_per_window: None,
                window_seconds: 0,
            },
            TierLimit::default(),
            TierLimit::default(),
        ],
        travel_rule: Some(TravelRule {
            threshold: Uint128::new(5_000),
            min_tier: 2,
        }),
        expiry_grace_seconds: 3_600,
    }
}

#[test]
fn owner_updates_policy_with_event_and_audit_entry() {
    let mut suite = suite();
    let owner = suite.owner.clone();
    let resp = suite.update_policy(&owner, strict_policy()).unwrap();
    assert_eq!(attr(&resp, "action"), Some("update_policy"));
    assert_eq!(
        wasm_events(&resp, "kyc_policy_updated"),
        vec![Event::new("kyc_policy_updated").add_attributes([
            ("blocked_jurisdictions", "KP,IR"),
            ("travel_rule_threshold", "5000"),
            ("expiry_grace_seconds", "3600"),
            ("owner", owner.as_str()),
            ("seq", "4"),
        ])]
    );
    assert_eq!(suite.policy(), strict_policy());
    let last = suite.audit_log(None, None, Some(1), true).remove(0);
    assert_eq!(last.action, AuditAction::PolicyUpdated);
    assert_eq!(last.actor, owner);
    assert_eq!(last.subject, None);
}

#[test]
fn officers_and_strangers_cannot_change_policy() {
    let mut suite = suite();
    let officer = suite.officer.clone();
    let stranger = suite.addr("stranger");
    for sender in [officer, stranger] {
        assert_rejected(
            &mut suite,
            |s| s.update_policy(&sender, strict_policy()),
            ContractError::Ownership(cw_ownable::OwnershipError::NotOwner),
        );
    }
}

#[test]
fn invalid_policies_are_rejected() {
    let mut suite = suite();
    let owner = suite.owner.clone();
    let cases: Vec<(Policy, ContractError)> = vec![
        (
            Policy {
                tier_limits: vec![],
                ..strict_policy()
            },
            ContractError::WrongTierLimitCount {
                count: 0,
                expected: 4,
            },
        ),
        (
            Policy {
                blocked_jurisdictions: vec!["K".into()],
                ..strict_policy()
            },
            ContractError::InvalidBlockedJurisdiction { value: "K".into() },
        ),
        (
            Policy {
                blocked_jurisdictions: vec!["KP".into(), "KP".into()],
                ..strict_policy()
            },
            ContractError::DuplicateJurisdiction { value: "KP".into() },
        ),
        (
            Policy {
                travel_rule: Some(TravelRule {
                    threshold: Uint128::new(1),
                    min_tier: 9,
                }),
                ..strict_policy()
            },
            ContractError::InvalidTravelRuleTier { tier: 9 },
        ),
        (
            Policy {
                travel_rule: Some(TravelRule {
                    threshold: Uint128::zero(),
                    min_tier: 1,
                }),
                ..strict_policy()
            },
            ContractError::ZeroTravelRuleThreshold,
        ),
        (
            {
                let mut p = strict_policy();
                p.tier_limits[0].window_seconds = 0;
                p
            },
            ContractError::MissingWindow { tier: 0 },
        ),
    ];
    for (policy, expected) in cases {
        assert_rejected(&mut suite, |s| s.update_policy(&owner, policy), expected);
    }
}
