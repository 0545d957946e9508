//! What a contract sees when it queries the chain.
//!
//! - `WasmQuery::Raw` into a contract of the same [`crate::Vm`] reads that contract's
//!   committed storage, as wasmd does (an absent key answers an empty binary).
//! - Everything else (smart queries, contract info, raw reads of unknown addresses) goes to
//!   the [`WasmHook`] set with [`crate::Vm::set_wasm_hook`], which may also override the
//!   answer for a known contract. Without a hook, or when the hook declines, such a query
//!   fails with `SystemError::UnsupportedRequest` (a later router can answer smart queries
//!   by running the target contract here).
//! - Bank and staking queries get `cosmwasm_std::testing::MockQuerier`'s empty answers.
//!
//! Gas follows `cosmwasm_vm::testing::MockQuerier`: 100,000 flat plus 100 per response
//! byte, counted as used outside the VM (it is not part of the per-call VM gas).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use cosmwasm_std::{
    from_json, to_json_vec, Addr, Binary, ContractResult, Empty, Querier as _, QuerierResult,
    QueryRequest, SystemError, SystemResult, WasmQuery,
};
use cosmwasm_vm::{BackendError, BackendResult, GasInfo, Querier};

use crate::storage::Dump;

/// Answers a wasm query, or declines with `None` (the VM then answers what it can).
pub type WasmHook = Arc<dyn Fn(&WasmQuery) -> Option<QuerierResult> + Send + Sync>;

const GAS_COST_QUERY_FLAT: u64 = 100_000;
const GAS_COST_QUERY_RESPONSE_MULTIPLIER: u64 = 100;

/// One contract as the chain keeps it: its code and its committed storage.
#[derive(Debug)]
pub(crate) struct ContractState {
    pub code_id: u64,
    pub data: Dump,
}

/// Every contract of a [`crate::Vm`], shared with the querier of every running call.
#[derive(Default)]
pub(crate) struct World {
    pub contracts: BTreeMap<Addr, ContractState>,
    pub hook: Option<WasmHook>,
}

pub(crate) type SharedWorld = Arc<Mutex<World>>;

pub(crate) fn lock(world: &SharedWorld) -> std::sync::MutexGuard<'_, World> {
    // A panic in a test thread while holding the lock leaves consistent data (every write
    // is a whole-value replacement), so a poisoned lock is still usable.
    world.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The querier of one call.
pub struct VmQuerier {
    world: SharedWorld,
}

impl VmQuerier {
    pub(crate) fn new(world: SharedWorld) -> Self {
        VmQuerier { world }
    }

    fn answer(&self, request: &[u8]) -> QuerierResult {
        let request: QueryRequest<Empty> = match from_json(request) {
            Ok(r) => r,
            Err(e) => {
                return SystemResult::Err(SystemError::InvalidRequest {
                    error: format!("parsing query request: {e}"),
                    request: Binary::from(request),
                })
            }
        };
        let QueryRequest::Wasm(wasm) = &request else {
            let bytes = to_json_vec(&request).unwrap_or_default();
            return cosmwasm_std::testing::MockQuerier::<Empty>::new(&[]).raw_query(&bytes);
        };
        // The hook runs without the lock held, so that it may read contracts itself.
        let hook = lock(&self.world).hook.clone();
        if let Some(answer) = hook.and_then(|h| h(wasm)) {
            return answer;
        }
        if let WasmQuery::Raw { contract_addr, key } = wasm {
            let world = lock(&self.world);
            if let Some(c) = world.contracts.get(&Addr::unchecked(contract_addr)) {
                let value = c.data.get(key.as_slice()).cloned().unwrap_or_default();
                return SystemResult::Ok(ContractResult::Ok(Binary::from(value)));
            }
            return SystemResult::Err(SystemError::NoSuchContract {
                addr: contract_addr.clone(),
            });
        }
        SystemResult::Err(SystemError::UnsupportedRequest {
            kind: format!("{wasm:?} (no wasm hook answered it)"),
        })
    }
}

impl Querier for VmQuerier {
    fn query_raw(
        &self,
        request: &[u8],
        gas_limit: u64,
    ) -> BackendResult<SystemResult<ContractResult<Binary>>> {
        let answer = self.answer(request);
        let size = match &answer {
            SystemResult::Ok(ContractResult::Ok(b)) => b.len(),
            _ => 0,
        } as u64;
        let gas = GasInfo::with_externally_used(
            GAS_COST_QUERY_FLAT + GAS_COST_QUERY_RESPONSE_MULTIPLIER * size,
        );
        if gas.externally_used > gas_limit {
            return (Err(BackendError::out_of_gas()), gas);
        }
        (Ok(answer), gas)
    }
}
