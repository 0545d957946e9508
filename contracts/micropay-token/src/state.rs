//! Storage of the token.
//!
//! Balances are keyed by the canonical address (20 or 32 bytes rather than a 45 to 65
//! character bech32 string) and stored as a short JSON array: every byte of a balance
//! key or value is paid for in every transfer (30 SDK gas per byte written).

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Addr, Empty, Timestamp, Uint128};
use cw20::{AllowanceResponse, Logo, MarketingInfoResponse};
use cw_storage_plus::{Index, IndexList, IndexedMap, Item, Map, MultiIndex};
use farthing_types::token::Channel;
use serde::de::{SeqAccess, Visitor};
use serde::ser::SerializeSeq;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[cw_serde]
pub struct TokenInfo {
    pub name: String,
    pub symbol: String,
    pub decimals: u8,
    pub total_supply: Uint128,
    pub mint: Option<MinterData>,
}

#[cw_serde]
pub struct MinterData {
    pub minter: Addr,
    /// Maximum total supply the minter may reach.
    pub cap: Option<Uint128>,
}

impl TokenInfo {
    pub fn get_cap(&self) -> Option<Uint128> {
        self.mint.as_ref().and_then(|m| m.cap)
    }
}

/// Read by every balance movement, so its field names are one letter and the pause
/// bookkeeping is left out while it is zero.
#[cw_serde]
pub struct Config {
    #[serde(rename = "r")]
    pub registry: Option<Addr>,
    #[serde(rename = "p")]
    pub paused: bool,
    /// When the current pause began (seconds since the epoch); `None` when not paused.
    #[serde(rename = "a", default, skip_serializing_if = "Option::is_none")]
    pub paused_at: Option<u64>,
    /// Seconds the token spent paused in every pause that has ended.
    #[serde(rename = "s", default, skip_serializing_if = "is_zero")]
    pub paused_seconds: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl Config {
    /// The pause clock: every second the token has been paused up to `now`, the current
    /// pause included. Channel deadlines move by what it advances, so that no deadline
    /// passes while nobody can act.
    pub fn paused_until(&self, now: Timestamp) -> u64 {
        let current = self
            .paused_at
            .map_or(0, |at| now.seconds().saturating_sub(at));
        self.paused_seconds.saturating_add(current)
    }
}

/// One account: balance, issuer freezes, and the sender's volume window.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Account {
    pub balance: Uint128,
    /// Part of the balance that cannot move (always <= balance).
    pub frozen_amount: Uint128,
    /// The whole address is frozen: it can neither send nor receive.
    pub frozen: bool,
    /// Start of the current volume window, seconds since the epoch (0: none).
    pub window_start: u64,
    /// Amount sent within the current window.
    pub window_used: Uint128,
    /// When the current address freeze began (seconds since the epoch; 0: not frozen, or
    /// frozen by a recovery, which stops nobody's clock).
    pub frozen_at: u64,
    /// Seconds the address spent frozen by the issuer in every freeze that has ended.
    pub frozen_seconds: u64,
}

impl Account {
    /// Balance minus frozen amount; zero when the address is frozen.
    pub fn available(&self) -> Uint128 {
        if self.frozen {
            Uint128::zero()
        } else {
            self.balance.saturating_sub(self.frozen_amount)
        }
    }

    /// True when the account holds nothing and carries no issuer state.
    pub fn is_pristine(&self) -> bool {
        self.balance.is_zero() && self.frozen_amount.is_zero() && !self.frozen
    }

    /// The freeze clock: every second the issuer has kept the address frozen up to `now`,
    /// the current freeze included. The deadlines of the channels it pays from move by what
    /// it advances, as they move by the token's pause clock.
    pub fn frozen_until(&self, now: Timestamp) -> u64 {
        let current = if self.frozen && self.frozen_at != 0 {
            now.seconds().saturating_sub(self.frozen_at)
        } else {
            0
        };
        self.frozen_seconds.saturating_add(current)
    }

    fn fields(&self) -> [u128; 7] {
        [
            self.balance.u128(),
            self.frozen_amount.u128(),
            u128::from(self.frozen),
            u128::from(self.window_start),
            self.window_used.u128(),
            u128::from(self.frozen_at),
            u128::from(self.frozen_seconds),
        ]
    }
}

// Hand-written encoding: `[balance, frozen_amount, frozen, window_start, window_used,
// frozen_at, frozen_seconds]`
// as JSON numbers with trailing zeros dropped, so a plain account is `[1000]`: two bytes
// shorter than `{"balance":"1000"}` would be by twenty. Numbers are read back as u128.
impl Serialize for Account {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let fields = self.fields();
        let len = fields.iter().rposition(|f| *f != 0).map_or(1, |i| i + 1);
        let mut seq = serializer.serialize_seq(Some(len))?;
        for f in &fields[..len] {
            seq.serialize_element(f)?;
        }
        seq.end()
    }
}

impl<'de> Deserialize<'de> for Account {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct AccountVisitor;
        impl<'de> Visitor<'de> for AccountVisitor {
            type Value = Account;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an array of 1 to 7 unsigned integers")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Account, A::Error> {
                let mut fields = [0u128; 7];
                let mut n = 0;
                while let Some(v) = seq.next_element::<u128>()? {
                    if n == fields.len() {
                        return Err(serde::de::Error::invalid_length(n + 1, &self));
                    }
                    fields[n] = v;
                    n += 1;
                }
                if n == 0 {
                    return Err(serde::de::Error::invalid_length(0, &self));
                }
                let seconds = |i: usize, name: &str| {
                    u64::try_from(fields[i])
                        .map_err(|_| serde::de::Error::custom(format!("{name} out of range")))
                };
                Ok(Account {
                    balance: Uint128::new(fields[0]),
                    frozen_amount: Uint128::new(fields[1]),
                    frozen: fields[2] != 0,
                    window_start: seconds(3, "window_start")?,
                    window_used: Uint128::new(fields[4]),
                    frozen_at: seconds(5, "frozen_at")?,
                    frozen_seconds: seconds(6, "frozen_seconds")?,
                })
            }
        }
        deserializer.deserialize_seq(AccountVisitor)
    }
}

pub const TOKEN_INFO: Item<TokenInfo> = Item::new("t");
pub const CONFIG: Item<Config> = Item::new("c");
pub const MARKETING_INFO: Item<MarketingInfoResponse> = Item::new("m");
pub const LOGO: Item<Logo> = Item::new("l");
/// Accounts by canonical address. Only `ledger` writes here.
pub const ACCOUNTS: Map<&[u8], Account> = Map::new("b");
pub const ALLOWANCES: Map<(&Addr, &Addr), AllowanceResponse> = Map::new("a");
pub const ALLOWANCES_SPENDER: Map<(&Addr, &Addr), AllowanceResponse> = Map::new("s");
/// (role code, address)
pub const ROLES: Map<(u8, &Addr), Empty> = Map::new("r");
/// Lost wallet -> the wallet `recover` moved its account to. Channels paid from a lost
/// wallet keep paying their payees; what they return goes to the new wallet, whose holder
/// acts as their payer.
pub const RECOVERED: Map<&Addr, Addr> = Map::new("rc");

/// Who holds `payer`'s account now: `payer`, or the wallet a recovery (or a chain of them)
/// moved it to.
pub fn holder(storage: &dyn cosmwasm_std::Storage, payer: &Addr) -> cosmwasm_std::StdResult<Addr> {
    let mut current = payer.clone();
    // A recovery target must be a new, empty wallet, so a chain cannot loop; the bound
    // only caps the reads.
    for _ in 0..16 {
        match RECOVERED.may_load(storage, &current)? {
            Some(next) => current = next,
            None => break,
        }
    }
    Ok(current)
}

/// How long a payee has to submit its last voucher once the payer starts closing.
pub const SETTLE_SECONDS: Item<u64> = Item::new("cs");
pub const NEXT_CHANNEL: Item<u64> = Item::new("nc");

pub struct ChannelIndexes<'a> {
    pub payer: MultiIndex<'a, Addr, Channel, u64>,
    pub payee: MultiIndex<'a, Addr, Channel, u64>,
}

impl IndexList<Channel> for ChannelIndexes<'_> {
    fn get_indexes(&'_ self) -> Box<dyn Iterator<Item = &'_ dyn Index<Channel>> + '_> {
        let v: Vec<&dyn Index<Channel>> = vec![&self.payer, &self.payee];
        Box::new(v.into_iter())
    }
}

/// The primary store of `channels()`. Payer and payee (the indexed fields) never change
/// after a channel is opened, so updates write here and leave the index entries alone:
/// `IndexedMap::save` would delete and rewrite both index entries on every update.
pub const CHANNELS_PRIMARY: Map<u64, Channel> = Map::new("ch");

pub fn channels<'a>() -> IndexedMap<u64, Channel, ChannelIndexes<'a>> {
    IndexedMap::new(
        "ch",
        ChannelIndexes {
            payer: MultiIndex::new(|_, c| c.payer.clone(), "ch", "ch_p"),
            payee: MultiIndex::new(|_, c| c.payee.clone(), "ch", "ch_e"),
        },
    )
}
