use cosmwasm_schema::cw_serde;
use cosmwasm_std::Uint128;

/// Limits that apply to a sender of a given KYC tier.
#[cw_serde]
#[derive(Default)]
pub struct TierLimit {
    /// Largest amount one transfer may move. `None`: no limit.
    pub max_per_transfer: Option<Uint128>,
    /// Largest total a sender may move within `window_seconds`. `None`: no limit.
    /// Enforced by the token, which keeps each sender's window.
    pub max_volume_per_window: Option<Uint128>,
    /// Length of the rolling volume window. Must be positive when a volume limit is set.
    #[serde(with = "farthing_voucher::wire::u64_str")]
    #[schemars(with = "cosmwasm_std::Uint64")]
    pub window_seconds: u64,
}

/// FATF travel rule: at or above `threshold`, both parties need at least `min_tier`.
#[cw_serde]
pub struct TravelRule {
    pub threshold: Uint128,
    pub min_tier: u8,
}

/// The registry's policy, set by the owner and read by every contract that moves funds.
#[cw_serde]
pub struct Policy {
    /// ISO 3166-1 alpha-2 codes; parties in these jurisdictions may neither send nor receive.
    pub blocked_jurisdictions: Vec<String>,
    /// Exactly one entry per tier, index = tier (0..=3).
    pub tier_limits: Vec<TierLimit>,
    /// `None`: no travel-rule threshold.
    pub travel_rule: Option<TravelRule>,
    /// After `expires_at`, an address may still receive (never send) for this many seconds.
    #[serde(with = "farthing_voucher::wire::u64_str")]
    #[schemars(with = "cosmwasm_std::Uint64")]
    pub expiry_grace_seconds: u64,
}

impl Policy {
    /// The limits for `tier`; an out-of-range tier gets the strictest (tier 0) limits,
    /// or no limits at all when the policy has none.
    pub fn limits_for(&self, tier: u8) -> Option<&TierLimit> {
        self.tier_limits
            .get(tier as usize)
            .or_else(|| self.tier_limits.first())
    }

    /// The limits a sender with `record` is held to. A listed contract-kind party (an escrow
    /// or another pass-through contract) is held to none: it moves many users' funds, and
    /// those users are held to their own limits when they pay into it. Status, jurisdiction,
    /// expiry and the travel rule still apply to it.
    pub fn sender_limits(&self, record: &super::GateRecord) -> Option<&TierLimit> {
        match record.kind {
            super::PartyKind::Contract => None,
            super::PartyKind::Individual | super::PartyKind::Business => {
                self.limits_for(record.tier)
            }
        }
    }

    pub fn is_blocked(&self, jurisdiction: &str) -> bool {
        self.blocked_jurisdictions.iter().any(|j| j == jurisdiction)
    }
}

impl Default for Policy {
    /// No blocked jurisdictions, no limits, no travel rule, no grace.
    fn default() -> Self {
        Policy {
            blocked_jurisdictions: vec![],
            tier_limits: vec![TierLimit::default(); super::TIER_COUNT],
            travel_rule: None,
            expiry_grace_seconds: 0,
        }
    }
}

/// The policy as the registry stores it under [`super::state::POLICY_KEY`]: the value other
/// contracts read with a raw query, so an API between contracts of different releases. Its
/// layout is every release's: lengths of time as JSON **numbers** (a token or escrow of
/// 0.1.0 reads them as plain `u64`s), while messages and query answers write them as
/// strings ([`crate::wire`]). Reading accepts both, so a policy stored by any release loads.
#[derive(serde::Deserialize, Clone, Debug, PartialEq)]
#[serde(transparent)]
pub struct StoredPolicy(pub Policy);

impl serde::Serialize for StoredPolicy {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(serde::Serialize)]
        struct TierLimitLayout<'a> {
            max_per_transfer: &'a Option<Uint128>,
            max_volume_per_window: &'a Option<Uint128>,
            window_seconds: u64,
        }
        #[derive(serde::Serialize)]
        struct PolicyLayout<'a> {
            blocked_jurisdictions: &'a Vec<String>,
            tier_limits: Vec<TierLimitLayout<'a>>,
            travel_rule: &'a Option<TravelRule>,
            expiry_grace_seconds: u64,
        }
        let p = &self.0;
        PolicyLayout {
            blocked_jurisdictions: &p.blocked_jurisdictions,
            tier_limits: p
                .tier_limits
                .iter()
                .map(|t| TierLimitLayout {
                    max_per_transfer: &t.max_per_transfer,
                    max_volume_per_window: &t.max_volume_per_window,
                    window_seconds: t.window_seconds,
                })
                .collect(),
            travel_rule: &p.travel_rule,
            expiry_grace_seconds: p.expiry_grace_seconds,
        }
        .serialize(s)
    }
}
