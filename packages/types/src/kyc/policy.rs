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
