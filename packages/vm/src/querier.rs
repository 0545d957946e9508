//! What a contract sees when it queries the chain.
//!
//! - The [`WasmHook`] set with [`crate::Vm::set_wasm_hook`] sees every wasm query first
//!   and may answer it (canned answers, contracts that are not on this VM).
//! - Otherwise a query into a contract of the same [`crate::Vm`] is answered as wasmd does:
//!   `WasmQuery::Raw` reads the contract's committed storage (an absent key, or an address
//!   with no contract, answers an empty binary, as wasmd's `QueryRaw` does); `WasmQuery::Smart` runs the contract's `query` entry point on the VM,
//!   on its committed storage, with the caller's block (at most `MAX_QUERY_DEPTH` deep).
//! - Any other wasm query fails with `SystemError::UnsupportedRequest` or `NoSuchContract`.
//! - Bank queries answer the VM's bank ([`crate::Vm::set_balances`]; coins attached to a
//!   call move, a response's bank messages do not: see [`crate::Vm::bank_send`]); staking
//!   queries answer nothing.
//!
//! Gas: 100,000 flat plus 100 per response byte (as `cosmwasm_vm::testing::MockQuerier`),
//! plus the VM gas of a smart query's own run, all counted as used outside the calling
//! contract (not part of its per-call VM gas). For the SDK gas a chain would charge, a raw
//! query (and a bank query) counts as one read in the caller's [`KvStats`], and a smart
//! query is a call of its own ([`CallRecord`] with `Entry::Query`).

use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError};

use crate::gas::{CallRecord, Entry, KvStats};

use cosmwasm_std::{
    from_json, to_json_vec, Addr, Binary, BlockInfo, Checksum, Coin, ContractResult, Empty,
    Querier as _, QuerierResult, QueryRequest, SystemError, SystemResult, WasmQuery,
};
use cosmwasm_vm::{call_query_raw, BackendError, BackendResult, GasInfo, Querier};

use crate::storage::Dump;
use crate::vm::{run_call, Engine, Setup};

/// Answers a wasm query, or declines with `None` (the VM then answers what it can).
pub type WasmHook = Arc<dyn Fn(&WasmQuery) -> Option<QuerierResult> + Send + Sync>;

/// wasmd's limit on nested queries.
pub const MAX_QUERY_DEPTH: u32 = 10;

const GAS_COST_QUERY_FLAT: u64 = 100_000;
const GAS_COST_QUERY_RESPONSE_MULTIPLIER: u64 = 100;

/// One contract as the chain keeps it: its code and its committed storage.
#[derive(Debug, Clone)]
pub(crate) struct ContractState {
    pub code_id: u64,
    pub checksum: Checksum,
    pub data: Dump,
}

/// What every call of a [`crate::Vm`] may see: the contracts, the bank balances, the hook.
#[derive(Default)]
pub(crate) struct World {
    pub contracts: BTreeMap<Addr, ContractState>,
    pub balances: BTreeMap<String, Vec<Coin>>,
    pub hook: Option<WasmHook>,
    /// The codes run so far in the current transaction (wasmd's `TxContracts`: a later call
    /// into one of them pays the discounted setup); `None` outside a transaction. Not rolled
    /// back with a failed sub-message, as wasmd's is not.
    pub tx_codes: Option<HashSet<Checksum>>,
}

pub(crate) type SharedWorld = Arc<Mutex<World>>;

pub(crate) fn lock(world: &SharedWorld) -> std::sync::MutexGuard<'_, World> {
    // A panic in a test thread while holding the lock leaves consistent data (every write
    // is a whole-value replacement), so a poisoned lock is still usable.
    world.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The querier of one call.
pub struct VmQuerier {
    pub(crate) engine: Arc<Engine>,
    pub(crate) world: SharedWorld,
    pub(crate) block: BlockInfo,
    pub(crate) gas_limit: u64,
    /// How many queries deep the call that owns this querier runs (0: a message).
    pub(crate) depth: u32,
    /// How deep the call that owns this querier runs in its transaction (for records).
    pub(crate) call_depth: u32,
    /// What the queries of this call cost: raw reads, and the smart queries' own calls.
    pub(crate) meter: Mutex<(KvStats, Vec<CallRecord>)>,
}

impl VmQuerier {
    pub(crate) fn new(
        engine: Arc<Engine>,
        world: SharedWorld,
        block: BlockInfo,
        gas_limit: u64,
        depth: u32,
        call_depth: u32,
    ) -> Self {
        VmQuerier {
            engine,
            world,
            block,
            gas_limit,
            depth,
            call_depth,
            meter: Mutex::default(),
        }
    }

    /// What this call's queries cost.
    pub(crate) fn into_meter(self) -> (KvStats, Vec<CallRecord>) {
        self.meter
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn count_read(&self, bytes: usize) {
        let mut meter = self.meter.lock().unwrap_or_else(PoisonError::into_inner);
        meter.0.raw_queries += 1;
        meter.0.raw_query_bytes += bytes as u64;
    }
}

impl VmQuerier {
    /// The answer, and the VM gas a smart query's run used.
    fn answer(&self, request: &[u8]) -> (QuerierResult, u64) {
        let request: QueryRequest<Empty> = match from_json(request) {
            Ok(r) => r,
            Err(e) => {
                let err = SystemError::InvalidRequest {
                    error: format!("parsing query request: {e}"),
                    request: Binary::from(request),
                };
                return (SystemResult::Err(err), 0);
            }
        };
        let QueryRequest::Wasm(wasm) = &request else {
            let bytes = to_json_vec(&request).unwrap_or_default();
            let world = lock(&self.world);
            let balances: Vec<(&str, &[Coin])> = world
                .balances
                .iter()
                .map(|(a, c)| (a.as_str(), c.as_slice()))
                .collect();
            let bank = cosmwasm_std::testing::MockQuerier::<Empty>::new(&balances);
            let answer = bank.raw_query(&bytes);
            drop(world);
            if let SystemResult::Ok(ContractResult::Ok(b)) = &answer {
                self.count_read(b.len());
            }
            return (answer, 0);
        };
        // The hook runs without the lock held, so that it may read contracts itself.
        let hook = lock(&self.world).hook.clone();
        if let Some(answer) = hook.and_then(|h| h(wasm)) {
            return (answer, 0);
        }
        match wasm {
            WasmQuery::Raw { contract_addr, key } => {
                let world = lock(&self.world);
                // wasmd reads the prefixed store whether a contract lives there or not.
                let value = world
                    .contracts
                    .get(&Addr::unchecked(contract_addr))
                    .and_then(|c| c.data.get(key.as_slice()).cloned())
                    .unwrap_or_default();
                self.count_read(key.len() + value.len());
                (SystemResult::Ok(ContractResult::Ok(Binary::from(value))), 0)
            }
            WasmQuery::Smart { contract_addr, msg } => self.smart(contract_addr, msg),
            other => (
                SystemResult::Err(SystemError::UnsupportedRequest {
                    kind: format!("{other:?} (no wasm hook answered it)"),
                }),
                0,
            ),
        }
    }

    fn smart(&self, contract_addr: &str, msg: &Binary) -> (QuerierResult, u64) {
        let contract = Addr::unchecked(contract_addr);
        if !lock(&self.world).contracts.contains_key(&contract) {
            let err = SystemError::NoSuchContract {
                addr: contract_addr.to_string(),
            };
            return (SystemResult::Err(err), 0);
        }
        if self.depth >= MAX_QUERY_DEPTH {
            let err = SystemError::UnsupportedRequest {
                kind: format!("a query nested more than {MAX_QUERY_DEPTH} deep"),
            };
            return (SystemResult::Err(err), 0);
        }
        let (ran, metered) = run_call(
            &self.engine,
            &self.world,
            &self.block,
            self.gas_limit,
            (self.depth + 1, self.call_depth + 1),
            &contract,
            None,
            Setup::Load,
            false,
            |instance, env| call_query_raw(instance, env, msg.as_slice()),
        );
        let vm_gas = metered.as_ref().map_or(0, |m| m.vm_gas);
        if let Some(m) = metered {
            let mut meter = self.meter.lock().unwrap_or_else(PoisonError::into_inner);
            meter.1.push(CallRecord {
                contract: contract_addr.to_string(),
                entry: Entry::Query,
                depth: self.call_depth + 1,
                setup: m.setup,
                vm_gas: m.vm_gas,
                vm_gas_external: m.vm_gas_external,
                kv: m.kv,
                event_gas: 0,
                ok: ran.is_ok(),
            });
            meter.1.extend(m.nested);
        }
        match ran {
            Ok(answer) => (SystemResult::Ok(ContractResult::Ok(answer)), vm_gas),
            // keeper.go `QuerySmart`: `MarkErrorDeterministic(errorsmod.Wrap(ErrQueryFailed,
            // err))`, kept whole by `QueryHandler.Query` (wasmd#1904).
            Err(crate::CallError::Contract(e)) => (
                SystemResult::Ok(ContractResult::Err(format!(
                    "{e}: query wasm contract failed"
                ))),
                0,
            ),
            Err(e) => (
                SystemResult::Err(SystemError::InvalidRequest {
                    error: e.to_string(),
                    request: msg.clone(),
                }),
                0,
            ),
        }
    }
}

impl Querier for VmQuerier {
    fn query_raw(
        &self,
        request: &[u8],
        gas_limit: u64,
    ) -> BackendResult<SystemResult<ContractResult<Binary>>> {
        let (answer, nested_gas) = self.answer(request);
        let size = match &answer {
            SystemResult::Ok(ContractResult::Ok(b)) => b.len(),
            _ => 0,
        } as u64;
        let gas = GasInfo::with_externally_used(
            GAS_COST_QUERY_FLAT + GAS_COST_QUERY_RESPONSE_MULTIPLIER * size + nested_gas,
        );
        if gas.externally_used > gas_limit {
            return (Err(BackendError::out_of_gas()), gas);
        }
        (Ok(answer), gas)
    }
}
