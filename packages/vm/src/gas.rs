//! What a wasmd chain would charge, in SDK gas, with wasmd's and the Cosmos SDK's defaults.
//!
//! Every contract call of a transaction (execute, instantiate, reply, migrate, and every
//! smart query a contract makes) is one [`CallRecord`]; a bank transfer the router makes
//! is one too. A call costs
//!
//! - its setup: `INSTANCE_COST` (60,000: wasmd's `DefaultInstanceCost`, the contract not
//!   pinned) for the first call into a code in the transaction, `INSTANCE_COST_DISCOUNT`
//!   (2,000: `DefaultInstanceCostDiscount`) for every later call into the same code
//!   (wasmd's `checkDiscountEligibility` with the `TxContracts` its ante handler sets) and
//!   for every reply (`ReplyCosts(true, ...)`), plus, for a reply, the events it is handed;
//! - its VM gas divided by `GAS_MULTIPLIER` (140,000: wasmd's `DefaultGasMultiplier` since
//!   v0.51, for CosmWasm 2.x gas), the VM gas including wasmvm's charge for parsing the
//!   call's JSON result (`DESERIALIZATION_COST_PER_BYTE` per byte);
//! - the KV store operations it made, at the SDK's `KVGasConfig` (keys carry the 33-byte
//!   contract-store prefix: 0x03 and the 32-byte contract address); a raw query into
//!   another contract is one read of that contract's store;
//! - its events, at wasmd's event prices.
//!
//! Gas used by a sub-message that failed is still charged (as on a chain: rolling back
//! state does not refund gas). Not counted: the transaction's own costs (signature
//! checks, transaction bytes, fees) and wasmd's bookkeeping writes (contract info, code
//! history), which are the same whatever the contract does.

use cosmwasm_std::{Event, Response};

/// SDK gas for the first call into a code in a transaction, the code not pinned (wasmd
/// `DefaultInstanceCost`).
pub const INSTANCE_COST: u64 = 60_000;
/// SDK gas for a later call into a code already run in the transaction, and for every
/// reply (wasmd `DefaultInstanceCostDiscount`, x/wasm/types/gas_register.go, since v0.51).
pub const INSTANCE_COST_DISCOUNT: u64 = 2_000;
/// CosmWasm (VM) gas per SDK gas (wasmd `DefaultGasMultiplier`, x/wasm/types/gas_register.go:
/// 140,000 since v0.51, when CosmWasm 2.0 divided the VM's gas by 1,000).
pub const GAS_MULTIPLIER: u64 = 140_000;
/// VM gas per byte of a call's JSON result (wasmd `costJSONDeserialization`,
/// x/wasm/keeper/api.go: `DefaultDeserializationCostPerByte` = 1 SDK gas per byte, charged
/// by wasmvm's `DeserializeResponse` as used inside the VM).
pub const DESERIALIZATION_COST_PER_BYTE: u64 = GAS_MULTIPLIER;
/// Cosmos SDK `KVGasConfig`.
pub const READ_FLAT: u64 = 1_000;
pub const READ_PER_BYTE: u64 = 3;
pub const WRITE_FLAT: u64 = 2_000;
pub const WRITE_PER_BYTE: u64 = 30;
pub const DELETE_FLAT: u64 = 1_000;
pub const ITER_NEXT_FLAT: u64 = 30;
/// Every key of a contract's store carries 0x03 and the 32-byte contract address.
pub const CONTRACT_KEY_PREFIX: u64 = 33;
/// wasmd's event prices (`DefaultPerAttributeCost`, `DefaultEventAttributeDataCost`,
/// `DefaultEventAttributeDataFreeTier`, `DefaultPerCustomEventCost`).
pub const EVENT_PER_ATTRIBUTE: u64 = 10;
pub const EVENT_DATA_PER_BYTE: u64 = 1;
pub const EVENT_FREE_BYTES: u64 = 100;
pub const CUSTOM_EVENT_COST: u64 = 20;
/// A stored account (a `BaseAccount` with its public key), about this many bytes.
const BANK_ACCOUNT_BYTES: u64 = 80;
/// The SDK's `HasCost`: a flat price for checking that a key exists.
pub const HAS_FLAT: u64 = 1_000;

/// KV store operations of one call (or of a whole transaction, summed).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KvStats {
    pub reads: u64,
    /// Key and value bytes of the reads (without the store prefix).
    pub read_bytes: u64,
    pub writes: u64,
    pub write_bytes: u64,
    pub deletes: u64,
    pub iter_items: u64,
    pub iter_bytes: u64,
    /// Iterators created on an empty range: one flat seek each (the SDK's gas store seeks
    /// when it creates an iterator; on a range with items that seek is in `iter_items`).
    pub empty_seeks: u64,
    /// Existence checks (`Has`), a flat price each.
    pub has_checks: u64,
    /// Raw queries into another contract's store (one read each).
    pub raw_queries: u64,
    pub raw_query_bytes: u64,
}

impl KvStats {
    /// SDK gas of these operations on a contract's store.
    pub fn gas(&self) -> u64 {
        self.gas_with_prefix(CONTRACT_KEY_PREFIX)
    }

    /// SDK gas of these operations on the bank's own store (no contract prefix).
    pub fn bank_gas(&self) -> u64 {
        self.gas_with_prefix(0)
    }

    /// SDK gas of these operations when every key carries `prefix` more bytes.
    fn gas_with_prefix(&self, prefix: u64) -> u64 {
        self.reads * READ_FLAT
            + (self.read_bytes + self.reads * prefix) * READ_PER_BYTE
            + self.writes * WRITE_FLAT
            + (self.write_bytes + self.writes * prefix) * WRITE_PER_BYTE
            + self.deletes * DELETE_FLAT
            + self.iter_items * ITER_NEXT_FLAT
            + (self.iter_bytes + self.iter_items * prefix) * READ_PER_BYTE
            + self.empty_seeks * ITER_NEXT_FLAT
            + self.has_checks * HAS_FLAT
            + self.raw_queries * READ_FLAT
            + (self.raw_query_bytes + self.raw_queries * CONTRACT_KEY_PREFIX) * READ_PER_BYTE
    }

    pub fn add(&mut self, other: &KvStats) {
        self.reads += other.reads;
        self.read_bytes += other.read_bytes;
        self.writes += other.writes;
        self.write_bytes += other.write_bytes;
        self.deletes += other.deletes;
        self.iter_items += other.iter_items;
        self.iter_bytes += other.iter_bytes;
        self.empty_seeks += other.empty_seeks;
        self.has_checks += other.has_checks;
        self.raw_queries += other.raw_queries;
        self.raw_query_bytes += other.raw_query_bytes;
    }

    /// A bank `SendCoins` (or, without a recipient, a burn) as the Cosmos SDK 0.50 bank
    /// keeper makes it (x/bank/keeper/send.go): the params and each denom's send-enabled
    /// entry, the sender's account (`LockedCoins`), each sender balance read then written
    /// (removed when it reaches zero), the recipient's account checked (`HasAccount`: a
    /// flat 1,000) and each recipient balance read then written. `from_len`/`to_len` are
    /// the canonical address lengths; each move is (denom, sender's balance before and
    /// after, recipient's before and after), balances stored as their decimal amount. Not
    /// counted: the denom index of the balances map, account creation for a new recipient.
    pub fn bank_send(
        from_len: u64,
        to_len: Option<u64>,
        moves: &[(&str, u128, u128, u128, u128)],
    ) -> KvStats {
        let digits = |v: u128| v.to_string().len() as u64;
        let balance_key = |addr: u64, denom: &str| 2 + addr + denom.len() as u64;
        let mut kv = KvStats {
            // params (0x05, two bytes), the sender's account (0x01 + address, about 80)
            reads: 2,
            read_bytes: 1 + 2 + (1 + from_len + BANK_ACCOUNT_BYTES),
            ..KvStats::default()
        };
        for &(denom, from_before, from_after, to_before, to_after) in moves {
            // send-enabled entry of the denom (0x04 + denom; absent on most chains)
            kv.reads += 1;
            kv.read_bytes += 1 + denom.len() as u64;
            let key = balance_key(from_len, denom);
            kv.reads += 1;
            kv.read_bytes += key + digits(from_before);
            if from_after == 0 {
                kv.deletes += 1;
            } else {
                kv.writes += 1;
                kv.write_bytes += key + digits(from_after);
            }
            if let Some(to_len) = to_len {
                let key = balance_key(to_len, denom);
                kv.reads += 1;
                kv.read_bytes += key + if to_before == 0 { 0 } else { digits(to_before) };
                kv.writes += 1;
                kv.write_bytes += key + digits(to_after);
            }
        }
        if to_len.is_some() {
            kv.has_checks += 1;
        }
        kv
    }
}

/// Which entry point (or module) a call ran.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entry {
    Instantiate,
    Execute,
    Reply,
    Migrate,
    /// A smart query made by a contract during a transaction.
    Query,
    /// A bank transfer (coins attached to a call, or a contract's `BankMsg`).
    Bank,
}

/// One call of a transaction and what it cost.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallRecord {
    /// The contract called (for `Entry::Bank`, the sender of the coins).
    pub contract: String,
    pub entry: Entry,
    /// 0 for the transaction's message; one more for each sub-message or query level.
    pub depth: u32,
    /// SDK gas of loading the contract: `INSTANCE_COST`, or `INSTANCE_COST_DISCOUNT` (with,
    /// for a reply, the gas of the events it is handed); 0 for the bank.
    pub setup: u64,
    /// VM gas used inside the VM (`GasReport::used_internally`, with the JSON result's
    /// `DESERIALIZATION_COST_PER_BYTE`, as wasmvm reports it).
    pub vm_gas: u64,
    /// VM gas the storage and the querier reported (`GasReport::used_externally`).
    pub vm_gas_external: u64,
    pub kv: KvStats,
    /// SDK gas of the call's events.
    pub event_gas: u64,
    /// Whether the call succeeded (a failed sub-message's gas is still charged).
    pub ok: bool,
}

impl CallRecord {
    /// SDK gas of this call alone.
    pub fn sdk_gas(&self) -> u64 {
        match self.entry {
            // The bank's own store: no contract prefix, no instance.
            Entry::Bank => self.kv.bank_gas(),
            _ => self.setup + self.vm_gas / GAS_MULTIPLIER + self.kv.gas() + self.event_gas,
        }
    }
}

/// A number with thousands separators (`1,234,567`), as gas tables print it.
pub fn thousands(value: impl Into<u128>) -> String {
    let digits = value.into().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// wasmd's event cost of a response: 10 per attribute and 1 per byte past a 100-byte
/// free tier (shared by the response's attributes and its custom events), 20 per custom
/// event plus its type's bytes.
pub fn event_gas<T>(resp: &Response<T>) -> u64 {
    let mut free = EVENT_FREE_BYTES;
    let mut attrs_cost = |attrs: &[cosmwasm_std::Attribute]| -> u64 {
        if attrs.is_empty() {
            return 0;
        }
        let bytes: u64 = attrs
            .iter()
            .map(|a| (a.key.len() + a.value.len()) as u64)
            .sum();
        let charged = bytes.saturating_sub(free);
        free = free.saturating_sub(bytes);
        charged * EVENT_DATA_PER_BYTE + attrs.len() as u64 * EVENT_PER_ATTRIBUTE
    };
    let mut gas = attrs_cost(&resp.attributes);
    for e in &resp.events {
        gas +=
            CUSTOM_EVENT_COST + e.ty.len() as u64 * EVENT_DATA_PER_BYTE + attrs_cost(&e.attributes);
    }
    gas
}

/// What wasmd's `ReplyCosts` adds for the events handed to a reply: each event's type bytes,
/// and the attributes of all of them at `EventCosts` (one free tier for all).
pub fn reply_event_gas(events: &[Event]) -> u64 {
    let types: u64 = events.iter().map(|e| e.ty.len() as u64).sum();
    let attributes: Vec<cosmwasm_std::Attribute> = events
        .iter()
        .flat_map(|e| e.attributes.iter().cloned())
        .collect();
    types * EVENT_DATA_PER_BYTE + event_gas(&Response::<()>::new().add_attributes(attributes))
}

/// The events wasmd emits for a contract's response: a `wasm` event with the response's
/// attributes and a `wasm-<type>` event per custom event, each starting with
/// `_contract_address`; types, keys and values trimmed (x/wasm/keeper/events.go).
pub fn wasm_events<T>(contract: &str, resp: &Response<T>) -> Vec<Event> {
    let trimmed = |attrs: &[cosmwasm_std::Attribute]| -> Vec<(String, String)> {
        attrs
            .iter()
            .map(|a| (a.key.trim().to_string(), a.value.trim().to_string()))
            .collect()
    };
    let mut out = vec![];
    if !resp.attributes.is_empty() {
        out.push(
            Event::new("wasm")
                .add_attribute("_contract_address", contract)
                .add_attributes(trimmed(&resp.attributes)),
        );
    }
    for e in &resp.events {
        out.push(
            Event::new(format!("wasm-{}", e.ty.trim()))
                .add_attribute("_contract_address", contract)
                .add_attributes(trimmed(&e.attributes)),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kv_operations_cost_what_the_sdk_charges() {
        let kv = KvStats {
            reads: 2,
            read_bytes: 50,
            writes: 1,
            write_bytes: 40,
            deletes: 1,
            iter_items: 3,
            iter_bytes: 30,
            empty_seeks: 2,
            has_checks: 1,
            raw_queries: 1,
            raw_query_bytes: 20,
        };
        let reads = 2 * 1_000 + (50 + 2 * 33) * 3;
        let writes = 2_000 + (40 + 33) * 30;
        let iter = 3 * 30 + (30 + 3 * 33) * 3 + 2 * 30;
        let raw = 1_000 + (20 + 33) * 3;
        assert_eq!(kv.gas(), reads + writes + 1_000 + iter + 1_000 + raw);
    }

    #[test]
    fn a_call_costs_the_instance_its_vm_gas_its_storage_and_its_events() {
        let mut call = CallRecord {
            contract: "c".into(),
            entry: Entry::Execute,
            depth: 0,
            setup: INSTANCE_COST,
            vm_gas: 3 * GAS_MULTIPLIER - 1,
            vm_gas_external: 0,
            kv: KvStats {
                reads: 1,
                ..KvStats::default()
            },
            event_gas: 7,
            ok: true,
        };
        assert_eq!(call.sdk_gas(), 60_000 + 2 + (1_000 + 33 * 3) + 7);
        // A later call into the same code, or a reply: the discount.
        call.setup = INSTANCE_COST_DISCOUNT;
        assert_eq!(call.sdk_gas(), 2_000 + 2 + (1_000 + 33 * 3) + 7);
        // A bank transfer: no instance, no contract prefix.
        call.entry = Entry::Bank;
        call.setup = 0;
        // 150ueur from a 20-byte account (holding 150: emptied) to a 32-byte one (holding 7).
        call.kv = KvStats::bank_send(20, Some(32), &[("ueur", 150, 0, 7, 157)]);
        let reads = [3, 1 + 20 + 80, 1 + 4, 2 + 20 + 4 + 3, 2 + 32 + 4 + 1];
        let expected = reads.iter().map(|b| 1_000 + b * 3).sum::<u64>()
            + 1_000 // the recipient's account checked
            + 1_000 // the sender's emptied balance removed
            + 2_000
            + (2 + 32 + 4 + 3) * 30; // the recipient's new balance
        assert_eq!(call.sdk_gas(), expected);
    }

    #[test]
    fn events_cost_per_attribute_and_past_the_free_bytes() {
        let small = Response::<()>::new().add_attribute("action", "transfer");
        assert_eq!(event_gas(&small), 10);
        let big = Response::<()>::new()
            .add_attribute("k", "v".repeat(150))
            .add_event(Event::new("paid").add_attribute("x", "y"));
        // 151 bytes: 51 past the free tier, then the custom event (all its bytes charged).
        assert_eq!(event_gas(&big), 51 + 10 + 20 + 4 + 2 + 10);
        // Handed to a reply: type bytes, then all attributes under one free tier.
        let handed = [
            Event::new("execute").add_attribute("_contract_address", "c1"),
            Event::new("wasm").add_attribute("k", "v".repeat(150)),
        ];
        assert_eq!(
            reply_event_gas(&handed),
            7 + 4 + (17 + 2 + 1 + 150 - 100) + 2 * 10
        );
        let events = wasm_events("c1", &big);
        assert_eq!(events[0].ty, "wasm");
        assert_eq!(events[1].ty, "wasm-paid");
        assert_eq!(events[1].attributes[0].key, "_contract_address");
    }
}
