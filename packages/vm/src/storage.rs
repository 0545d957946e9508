//! A contract's storage as the VM sees it during one call.
//!
//! A call reads and writes the contract's storage in the VM's world directly
//! (`CallStorage`), as a wasmd contract writes to its transaction's context: a query into
//! the calling contract sees what the call has written so far, and a failed call is
//! undone by its sub-message's or its transaction's rollback ([`crate::router`]), which
//! leaves every store byte for byte as it was. Iterators see the range as it was when they
//! were created and live as long as the call. The VM gas reported to the instance follows `cosmwasm_vm::testing::MockStorage`
//! (all of it as used outside the VM, as wasmvm reports the store's gas); every operation
//! is also counted ([`KvStats`]) for the SDK gas a chain would charge.

use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;
use std::sync::{Mutex, PoisonError};

use cosmwasm_std::{Order, Record};
use cosmwasm_vm::{BackendError, BackendResult, GasInfo, Storage};

use cosmwasm_std::Addr;

use crate::gas::KvStats;
use crate::querier::{lock, SharedWorld};

/// Every key and value of one contract's storage, in key order.
pub type Dump = BTreeMap<Vec<u8>, Vec<u8>>;

const GAS_COST_LAST_ITERATION: u64 = 37;
const GAS_COST_RANGE: u64 = 11;

/// The storage handed to one call: the contract's store in the world.
pub struct CallStorage {
    world: SharedWorld,
    contract: Addr,
    iterators: HashMap<u32, (Vec<Record>, usize)>,
    stats: Mutex<KvStats>,
}

impl CallStorage {
    pub(crate) fn new(world: SharedWorld, contract: Addr) -> Self {
        CallStorage {
            world,
            contract,
            iterators: HashMap::new(),
            stats: Mutex::default(),
        }
    }

    /// The operations counted.
    pub(crate) fn into_stats(self) -> KvStats {
        self.stats
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `f` on the contract's data in the world.
    fn data<R>(&self, f: impl FnOnce(&mut Dump) -> R) -> Result<R, BackendError> {
        let mut world = lock(&self.world);
        match world.contracts.get_mut(&self.contract) {
            Some(c) => Ok(f(&mut c.data)),
            None => Err(BackendError::unknown(format!(
                "no contract at {}",
                self.contract
            ))),
        }
    }

    fn count(&self, f: impl FnOnce(&mut KvStats)) {
        f(&mut self.stats.lock().unwrap_or_else(PoisonError::into_inner));
    }
}

impl Storage for CallStorage {
    fn get(&self, key: &[u8]) -> BackendResult<Option<Vec<u8>>> {
        let gas = GasInfo::with_externally_used(key.len() as u64);
        let value = match self.data(|d| d.get(key).cloned()) {
            Ok(v) => v,
            Err(e) => return (Err(e), gas),
        };
        self.count(|s| {
            s.reads += 1;
            s.read_bytes += (key.len() + value.as_ref().map_or(0, Vec::len)) as u64;
        });
        (Ok(value), gas)
    }

    fn scan(
        &mut self,
        start: Option<&[u8]>,
        end: Option<&[u8]>,
        order: Order,
    ) -> BackendResult<u32> {
        let gas = GasInfo::with_externally_used(GAS_COST_RANGE);
        let lower = start.map_or(Bound::Unbounded, |s| Bound::Included(s.to_vec()));
        let upper = end.map_or(Bound::Unbounded, |e| Bound::Excluded(e.to_vec()));
        let empty = matches!((start, end), (Some(s), Some(e)) if s >= e);
        let records = self.data(|data| -> Vec<Record> {
            if empty {
                return vec![];
            }
            let range = data
                .range((lower, upper))
                .map(|(k, v)| (k.clone(), v.clone()));
            match order {
                Order::Ascending => range.collect(),
                Order::Descending => range.rev().collect(),
            }
        });
        let records = match records {
            Ok(r) => r,
            Err(e) => return (Err(e), gas),
        };
        let id = match u32::try_from(self.iterators.len() + 1) {
            Ok(id) => id,
            Err(_) => {
                return (
                    Err(BackendError::unknown("too many iterators in one call")),
                    gas,
                )
            }
        };
        // The SDK's gas store seeks when it creates the iterator: a flat cost, and the first
        // item's bytes when there is one (paid again by the `next` that returns it).
        let stats = self.stats.get_mut().unwrap_or_else(PoisonError::into_inner);
        match records.first() {
            Some((k, v)) => {
                stats.iter_items += 1;
                stats.iter_bytes += (k.len() + v.len()) as u64;
            }
            None => stats.empty_seeks += 1,
        }
        self.iterators.insert(id, (records, 0));
        (Ok(id), gas)
    }

    fn next(&mut self, iterator_id: u32) -> BackendResult<Option<Record>> {
        let Some((records, position)) = self.iterators.get_mut(&iterator_id) else {
            return (
                Err(BackendError::iterator_does_not_exist(iterator_id)),
                GasInfo::free(),
            );
        };
        match records.get(*position) {
            Some(record) => {
                *position += 1;
                let bytes = (record.0.len() + record.1.len()) as u64;
                let stats = self.stats.get_mut().unwrap_or_else(PoisonError::into_inner);
                stats.iter_items += 1;
                stats.iter_bytes += bytes;
                // Reported as used outside the VM, as wasmvm's iterator reports it.
                (
                    Ok(Some(record.clone())),
                    GasInfo::with_externally_used(bytes),
                )
            }
            None => (
                Ok(None),
                GasInfo::with_externally_used(GAS_COST_LAST_ITERATION),
            ),
        }
    }

    fn set(&mut self, key: &[u8], value: &[u8]) -> BackendResult<()> {
        let gas = GasInfo::with_externally_used((key.len() + value.len()) as u64);
        if let Err(e) = self.data(|d| d.insert(key.to_vec(), value.to_vec())) {
            return (Err(e), gas);
        }
        self.count(|s| {
            s.writes += 1;
            s.write_bytes += (key.len() + value.len()) as u64;
        });
        (Ok(()), gas)
    }

    fn remove(&mut self, key: &[u8]) -> BackendResult<()> {
        let gas = GasInfo::with_externally_used(key.len() as u64);
        if let Err(e) = self.data(|d| d.remove(key)) {
            return (Err(e), gas);
        }
        self.count(|s| s.deletes += 1);
        (Ok(()), gas)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::querier::ContractState;

    /// A world with one empty contract, and that contract's storage.
    fn storage() -> CallStorage {
        let world = SharedWorld::default();
        let contract = Addr::unchecked("c");
        lock(&world).contracts.insert(
            contract.clone(),
            ContractState {
                code_id: 1,
                checksum: cosmwasm_std::Checksum::generate(b""),
                data: Dump::new(),
            },
        );
        CallStorage::new(world, contract)
    }

    fn keys(s: &mut CallStorage, start: Option<&[u8]>, end: Option<&[u8]>, o: Order) -> Vec<u8> {
        let id = s.scan(start, end, o).0.unwrap();
        let mut out = vec![];
        while let Some((k, _)) = s.next(id).0.unwrap() {
            out.push(k[0]);
        }
        out
    }

    #[test]
    fn ranges_follow_the_storage_contract() {
        let mut s = storage();
        for k in [b"a", b"b", b"c", b"d"] {
            s.set(k, b"v").0.unwrap();
        }
        assert_eq!(keys(&mut s, None, None, Order::Ascending), b"abcd");
        assert_eq!(
            keys(&mut s, Some(b"b"), Some(b"d"), Order::Ascending),
            b"bc"
        );
        assert_eq!(
            keys(&mut s, Some(b"b"), Some(b"d"), Order::Descending),
            b"cb"
        );
        assert_eq!(keys(&mut s, Some(b"d"), Some(b"b"), Order::Ascending), b"");
        s.remove(b"c").0.unwrap();
        assert_eq!(keys(&mut s, Some(b"b"), None, Order::Descending), b"db");
        assert!(s.next(99).0.is_err());
        assert_eq!(s.get(b"a").0.unwrap(), Some(b"v".to_vec()));
        assert_eq!(s.get(b"c").0.unwrap(), None);
    }

    /// The SDK's gas store charges a seek when an iterator is created (`gaskv.Store.iterator`
    /// calls `consumeSeekGas`: `IterNextCostFlat` always, plus `ReadCostPerByte` times the
    /// first key and value when there is one; cosmossdk.io/store gaskv/store.go), then one
    /// seek per `Next` on the item it leaves (wasmvm's `cNext` reads the current item, then
    /// calls `iter.Next()`; wasmvm internal/api/callbacks.go). So the first item is paid
    /// twice, and an empty range still pays one flat seek.
    #[test]
    fn an_iterator_pays_the_seek_of_its_creation() {
        use crate::gas::{CONTRACT_KEY_PREFIX as P, ITER_NEXT_FLAT, READ_PER_BYTE};
        let mut s = storage();
        s.set(b"a", b"12").0.unwrap();
        s.set(b"bb", b"3").0.unwrap();
        let before = s.stats.lock().unwrap().gas();
        let id = s.scan(None, None, Order::Ascending).0.unwrap();
        while s.next(id).0.unwrap().is_some() {}
        let paid = s.stats.lock().unwrap().gas() - before;
        let item = |bytes: u64| ITER_NEXT_FLAT + (P + bytes) * READ_PER_BYTE;
        // creation (seek to "a"), next ("a"), next ("bb"), next (end: nothing)
        assert_eq!(paid, item(3) + item(3) + item(3));
        let before = s.stats.lock().unwrap().gas();
        let id = s.scan(Some(b"x"), None, Order::Ascending).0.unwrap();
        assert!(s.next(id).0.unwrap().is_none());
        assert_eq!(s.stats.lock().unwrap().gas() - before, ITER_NEXT_FLAT);
    }
}
