use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Addr, Empty, OverflowError, OverflowOperation, StdResult, Storage, Uint128};
use cw_storage_plus::{Index, IndexList, IndexedMap, Item, Map, MultiIndex};
use farthing_types::escrow::{Deal, SplitShare, Work};

#[cw_serde]
pub struct Config {
    pub registry: Option<Addr>,
    pub dispute_timeout_seconds: u64,
}

pub const CONFIG: Item<Config> = Item::new("c");
pub const ACCEPTED_CW20: Map<&Addr, Empty> = Map::new("t");
pub const NEXT_DEAL: Item<u64> = Item::new("nd");
pub const NEXT_WORK: Item<u64> = Item::new("nw");

/// Takes the next id from `counter` (ids start at 1), with checked arithmetic.
pub fn next_id(storage: &mut dyn Storage, counter: &Item<u64>) -> StdResult<u64> {
    let id = counter
        .may_load(storage)?
        .unwrap_or_default()
        .checked_add(1)
        .ok_or(OverflowError::new(OverflowOperation::Add))?;
    counter.save(storage, &id)?;
    Ok(id)
}

pub struct DealIndexes<'a> {
    pub payer: MultiIndex<'a, Addr, Deal, u64>,
    pub payee: MultiIndex<'a, Addr, Deal, u64>,
    pub arbiter: MultiIndex<'a, Addr, Deal, u64>,
}

impl IndexList<Deal> for DealIndexes<'_> {
    fn get_indexes(&'_ self) -> Box<dyn Iterator<Item = &'_ dyn Index<Deal>> + '_> {
        let v: Vec<&dyn Index<Deal>> = vec![&self.payer, &self.payee, &self.arbiter];
        Box::new(v.into_iter())
    }
}

pub fn deals<'a>() -> IndexedMap<u64, Deal, DealIndexes<'a>> {
    IndexedMap::new(
        "d",
        DealIndexes {
            payer: MultiIndex::new(|_, d| d.payer.clone(), "d", "d_p"),
            payee: MultiIndex::new(|_, d| d.payee.clone(), "d", "d_e"),
            // Deals without an arbiter are indexed under the empty address.
            arbiter: MultiIndex::new(
                |_, d| d.arbiter.clone().unwrap_or_else(|| Addr::unchecked("")),
                "d",
                "d_a",
            ),
        },
    )
}

pub const WORKS: Map<u64, Work> = Map::new("w");
/// (work, epoch) -> recipients of that split.
pub const SPLITS: Map<(u64, u32), Vec<SplitShare>> = Map::new("sp");
/// (work, epoch, asset key) -> total received by that split.
pub const REVENUE: Map<(u64, u32, &str), Uint128> = Map::new("rv");
/// (work, epoch, asset key, recipient) -> claimed so far.
pub const CLAIMED: Map<((u64, u32), &str, &Addr), Uint128> = Map::new("cl");
/// (address, asset key) -> payouts held while the address was not compliant.
pub const HELD: Map<(&Addr, &str), Uint128> = Map::new("h");
/// asset key -> everything the escrow owes in that asset: what open deals hold, what royalty
/// splits received and their recipients have not claimed, and held payouts. Raised by every
/// deposit, lowered by every transfer out. What the escrow holds above it arrived outside its
/// messages (a plain transfer or bank send) and is the owner's to sweep (`SweepStray`).
pub const OWED: Map<&str, Uint128> = Map::new("ow");
/// Set when `OWED` is kept: at instantiation, or once the migration has computed it. Builds
/// before the ledger existed stored version "0.2.0" as well, so the migration goes by this
/// marker, not by the version number.
pub const OWED_KEPT: Item<bool> = Item::new("owed_kept");
