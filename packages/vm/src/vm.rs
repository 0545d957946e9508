use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

use cosmwasm_std::{
    to_json_vec, Addr, BlockInfo, Checksum, Coin, ContractInfo, ContractResult, Empty, Env,
    MessageInfo, QuerierResult, Reply, Response, Timestamp, TransactionInfo, WasmQuery,
};
use cosmwasm_vm::testing::MockApi;
use cosmwasm_vm::GasReport;
use cosmwasm_vm::{
    call_execute, call_instantiate, call_migrate, call_query, call_reply, Backend, BackendApi,
    Cache, CacheOptions, Instance, InstanceOptions, Size, VmResult,
};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::querier::{lock, ContractState, SharedWorld, VmQuerier, WasmHook, World};
use crate::storage::{CallStorage, Dump};

/// Seconds between two blocks when the clock advances by blocks.
pub const BLOCK_SECONDS: u64 = 5;
/// The first block of a new [`Vm`]: height 1 at 2023-11-14T22:13:20Z.
pub const GENESIS_SECONDS: u64 = 1_700_000_000;
/// Gas limit of one call, in CosmWasm gas: about wasmd's default block gas (100M SDK gas)
/// times its `DefaultGasMultiplier` (140,000,000), rounded down.
pub const DEFAULT_GAS_LIMIT: u64 = 10_000_000_000_000_000;

/// The capabilities `cosmwasm-check` 2.3.5 checks against (the contracts need `cosmwasm_2_0`).
const CAPABILITIES: [&str; 10] = [
    "iterator",
    "staking",
    "stargate",
    "cosmwasm_1_1",
    "cosmwasm_1_2",
    "cosmwasm_1_3",
    "cosmwasm_1_4",
    "cosmwasm_2_0",
    "cosmwasm_2_1",
    "cosmwasm_2_2",
];

pub(crate) type VmInstance = Instance<MockApi, CallStorage, VmQuerier>;

/// Why a call did not succeed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallError {
    /// The contract refused: its error message, as a chain reports it in the failed
    /// transaction's log.
    Contract(String),
    /// The VM could not run the call: invalid wasm, a missing entry point, out of gas, a
    /// trap, an unparsable answer.
    Vm(String),
    /// The call could not be made: unknown contract or code, a message that does not
    /// serialize.
    Setup(String),
}

impl CallError {
    /// The stable `[code=...]` of a contract refusal (see `farthing_types::errors`).
    pub fn code(&self) -> Option<String> {
        match self {
            CallError::Contract(msg) => farthing_types::errors::parse(msg).map(|t| t.code),
            CallError::Vm(_) | CallError::Setup(_) => None,
        }
    }

    /// The message, whatever the kind.
    pub fn message(&self) -> &str {
        match self {
            CallError::Contract(m) | CallError::Vm(m) | CallError::Setup(m) => m,
        }
    }
}

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CallError::Contract(m) => write!(f, "contract error: {m}"),
            CallError::Vm(m) => write!(f, "vm error: {m}"),
            CallError::Setup(m) => write!(f, "setup error: {m}"),
        }
    }
}

impl std::error::Error for CallError {}

pub type CallResult<T> = Result<T, CallError>;

/// A successful call that may change state.
#[derive(Debug, Clone)]
pub struct Executed {
    /// The contract's response. Its messages and sub-messages are NOT dispatched: run them
    /// yourself (`execute` on the target with this contract as sender, `reply` back).
    pub response: Response<Empty>,
    /// CosmWasm gas used inside the VM by this call (wasm execution and host functions).
    pub gas: u64,
    /// Gas reported by the storage and the querier (outside the VM), in the same units.
    pub gas_external: u64,
}

impl Executed {
    /// The value of the first response attribute or event attribute named `key`.
    pub fn attribute(&self, key: &str) -> Option<&str> {
        self.response
            .attributes
            .iter()
            .chain(
                self.response
                    .events
                    .iter()
                    .flat_map(|e| e.attributes.iter()),
            )
            .find(|a| a.key == key)
            .map(|a| a.value.as_str())
    }
}

fn vm_err(e: impl std::fmt::Display) -> CallError {
    CallError::Vm(e.to_string())
}

fn setup_err(e: impl std::fmt::Display) -> CallError {
    CallError::Setup(e.to_string())
}

/// The compiled-code cache and the API, shared by every call and nested query of a [`Vm`].
pub(crate) struct Engine {
    cache: Cache<MockApi, CallStorage, VmQuerier>,
    api: MockApi,
    // Holds the cache's directory for as long as the cache lives.
    _dir: tempfile::TempDir,
}

/// A one-process chain for the optimized wasm: a code store (compiled once, as a chain's
/// cache does), contracts with their own storage, one block clock, and queries between
/// contracts. Every call runs a fresh instance of the contract's current code on a copy of
/// its storage, committed only on success; `migrate` swaps the code on the same storage.
pub struct Vm {
    engine: Arc<Engine>,
    codes: Vec<Checksum>,
    world: SharedWorld,
    block: BlockInfo,
    gas_limit: u64,
}

impl Vm {
    /// A new chain at height 1, `GENESIS_SECONDS`, chain id `farthing-vm`.
    pub fn new() -> CallResult<Vm> {
        let dir = tempfile::Builder::new()
            .prefix("farthing-vm-")
            .tempdir()
            .map_err(setup_err)?;
        let options = CacheOptions::new(
            dir.path(),
            CAPABILITIES
                .iter()
                .map(|c| c.to_string())
                .collect::<HashSet<_>>(),
            Size::mebi(256),
            Size::mebi(64),
        );
        // SAFETY: the cache directory is new and private to this value; nothing else
        // writes compiled modules into it.
        let cache = unsafe { Cache::new(options) }.map_err(vm_err)?;
        Ok(Vm {
            engine: Arc::new(Engine {
                cache,
                api: MockApi::default(),
                _dir: dir,
            }),
            codes: vec![],
            world: SharedWorld::default(),
            block: BlockInfo {
                height: 1,
                time: Timestamp::from_seconds(GENESIS_SECONDS),
                chain_id: "farthing-vm".into(),
            },
            gas_limit: DEFAULT_GAS_LIMIT,
        })
    }

    /// The bech32 address `MockApi::addr_make(name)` (prefix `cosmwasm`): what the
    /// contracts validate and canonicalize.
    pub fn addr(&self, name: &str) -> Addr {
        Addr::unchecked(self.engine.api.addr_make(name))
    }

    /// The API the contracts run with.
    pub fn api(&self) -> &MockApi {
        &self.engine.api
    }

    /// The canonical form of an address, as the contracts store it in keys.
    pub fn canonicalize(&self, addr: &Addr) -> CallResult<Vec<u8>> {
        self.engine
            .api
            .addr_canonicalize(addr.as_str())
            .0
            .map_err(vm_err)
    }

    /// Sets the gas limit of every later call.
    pub fn set_gas_limit(&mut self, gas_limit: u64) {
        self.gas_limit = gas_limit;
    }

    /// Checks (as a chain's upload does: cosmwasm-check's rules and this chain's
    /// capabilities), compiles and stores a wasm; returns its code id (1, 2, ...).
    pub fn store_code(&mut self, wasm: &[u8]) -> CallResult<u64> {
        let checksum = self
            .engine
            .cache
            .store_code(wasm, true, true)
            .map_err(vm_err)?;
        self.codes.push(checksum);
        Ok(self.codes.len() as u64)
    }

    /// `store_code` of a file; the error names the file.
    pub fn store_file(&mut self, path: &Path) -> CallResult<u64> {
        let wasm = std::fs::read(path)
            .map_err(|e| CallError::Setup(format!("{}: {e}", path.display())))?;
        self.store_code(&wasm)
            .map_err(|e| CallError::Setup(format!("{}: {e}", path.display())))
    }

    /// The checksum (sha256) of a stored code.
    pub fn checksum(&self, code_id: u64) -> CallResult<Checksum> {
        code_id
            .checked_sub(1)
            .and_then(|i| self.codes.get(i as usize))
            .copied()
            .ok_or_else(|| CallError::Setup(format!("no code with id {code_id}")))
    }

    // ---- the clock ----

    pub fn block(&self) -> &BlockInfo {
        &self.block
    }

    /// Moves time forward by `seconds` and the height by the blocks that takes (at least
    /// one).
    pub fn advance_seconds(&mut self, seconds: u64) {
        self.block.time = self.block.time.plus_seconds(seconds);
        self.block.height += seconds.div_ceil(BLOCK_SECONDS).max(1);
    }

    /// Moves forward by `blocks` blocks of `BLOCK_SECONDS` each.
    pub fn advance_blocks(&mut self, blocks: u64) {
        self.block.height += blocks;
        self.block.time = self.block.time.plus_seconds(blocks * BLOCK_SECONDS);
    }

    /// The `Env` a call into `contract` gets now.
    pub fn env(&self, contract: &Addr) -> Env {
        env(&self.block, contract)
    }

    // ---- what queries see ----

    /// Sees every wasm query first (see [`crate::querier`]) and answers it, or declines
    /// with `None`.
    pub fn set_wasm_hook(
        &mut self,
        hook: impl Fn(&WasmQuery) -> Option<QuerierResult> + Send + Sync + 'static,
    ) {
        let hook: WasmHook = Arc::new(hook);
        lock(&self.world).hook = Some(hook);
    }

    pub fn clear_wasm_hook(&mut self) {
        lock(&self.world).hook = None;
    }

    // ---- the bank ----

    /// Sets the bank balances of `address` (what bank queries answer).
    pub fn set_balances(&mut self, address: &Addr, coins: Vec<Coin>) {
        let coins = coins.into_iter().filter(|c| !c.amount.is_zero()).collect();
        lock(&self.world)
            .balances
            .insert(address.to_string(), coins);
    }

    /// The bank balances of `address`.
    pub fn balances(&self, address: &Addr) -> Vec<Coin> {
        lock(&self.world)
            .balances
            .get(address.as_str())
            .cloned()
            .unwrap_or_default()
    }

    /// Moves coins as a `BankMsg::Send` does (the VM does not run a response's messages:
    /// a test delivers a contract's bank sends with this). Fails, moving nothing, when
    /// `from` lacks them.
    pub fn bank_send(&mut self, from: &Addr, to: &Addr, coins: &[Coin]) -> CallResult<()> {
        let mut world = lock(&self.world);
        let mut payer = world
            .balances
            .get(from.as_str())
            .cloned()
            .unwrap_or_default();
        let mut payee = world.balances.get(to.as_str()).cloned().unwrap_or_default();
        for coin in coins {
            let have = payer.iter_mut().find(|c| c.denom == coin.denom);
            match have {
                Some(c) if c.amount >= coin.amount => c.amount -= coin.amount,
                _ => {
                    return Err(CallError::Setup(format!(
                        "{from} cannot send {coin}: its balance is {payer:?}"
                    )))
                }
            }
            match payee.iter_mut().find(|c| c.denom == coin.denom) {
                Some(c) => {
                    c.amount = c.amount.checked_add(coin.amount).map_err(setup_err)?;
                }
                None => payee.push(coin.clone()),
            }
        }
        payer.retain(|c| !c.amount.is_zero());
        world.balances.insert(from.to_string(), payer);
        world.balances.insert(to.to_string(), payee);
        Ok(())
    }

    /// The querier a message's call gets now: what a contract would see if it queried
    /// (`cosmwasm_vm::Querier::query_raw`).
    pub fn querier(&self) -> VmQuerier {
        VmQuerier {
            engine: self.engine.clone(),
            world: self.world.clone(),
            block: self.block.clone(),
            gas_limit: self.gas_limit,
            depth: 0,
        }
    }

    // ---- storage ----

    /// Every key and value the contract has stored.
    pub fn dump(&self, contract: &Addr) -> CallResult<Dump> {
        let world = lock(&self.world);
        Ok(state(&world, contract)?.data.clone())
    }

    /// One raw value of the contract's storage.
    pub fn raw(&self, contract: &Addr, key: &[u8]) -> CallResult<Option<Vec<u8>>> {
        let world = lock(&self.world);
        Ok(state(&world, contract)?.data.get(key).cloned())
    }

    /// Writes (or, with `None`, removes) one raw value, as a test's stand-in for state that
    /// no message can produce.
    pub fn set_raw(&mut self, contract: &Addr, key: &[u8], value: Option<&[u8]>) -> CallResult<()> {
        let mut world = lock(&self.world);
        let c = state_mut(&mut world, contract)?;
        match value {
            Some(v) => c.data.insert(key.to_vec(), v.to_vec()),
            None => c.data.remove(key),
        };
        Ok(())
    }

    /// The code a contract runs now.
    pub fn code_id(&self, contract: &Addr) -> CallResult<u64> {
        Ok(state(&lock(&self.world), contract)?.code_id)
    }

    // ---- entry points ----

    /// Instantiates `code_id` at the address `self.addr(label)`.
    pub fn instantiate(
        &mut self,
        code_id: u64,
        label: &str,
        sender: &Addr,
        msg: &impl Serialize,
        funds: &[Coin],
    ) -> CallResult<(Addr, Executed)> {
        let address = self.addr(label);
        let checksum = self.checksum(code_id)?;
        {
            let mut world = lock(&self.world);
            if world.contracts.contains_key(&address) {
                return Err(CallError::Setup(format!(
                    "a contract already lives at {address} ({label})"
                )));
            }
            world.contracts.insert(
                address.clone(),
                ContractState {
                    code_id,
                    checksum,
                    data: Dump::new(),
                },
            );
        }
        let info = info(sender, funds);
        let res = to_json_vec(msg).map_err(setup_err).and_then(|msg| {
            self.with_funds(sender, &address, funds, |vm| {
                vm.run(&address, None, true, |i, env| {
                    call_instantiate::<_, _, _, Empty>(i, env, &info, &msg)
                })
            })
        });
        match res {
            Ok(done) => Ok((address, done)),
            Err(e) => {
                // A failed instantiation leaves no contract behind.
                lock(&self.world).contracts.remove(&address);
                Err(e)
            }
        }
    }

    pub fn execute(
        &mut self,
        contract: &Addr,
        sender: &Addr,
        msg: &impl Serialize,
        funds: &[Coin],
    ) -> CallResult<Executed> {
        let info = info(sender, funds);
        let msg = to_json_vec(msg).map_err(setup_err)?;
        self.with_funds(sender, contract, funds, |vm| {
            vm.run(contract, None, true, |i, env| {
                call_execute::<_, _, _, Empty>(i, env, &info, &msg)
            })
        })
    }

    /// Moves the attached coins to the contract before the call, as the chain does, and
    /// back when the call fails.
    fn with_funds<T>(
        &mut self,
        sender: &Addr,
        contract: &Addr,
        funds: &[Coin],
        call: impl FnOnce(&mut Self) -> CallResult<T>,
    ) -> CallResult<T> {
        if funds.is_empty() {
            return call(self);
        }
        self.bank_send(sender, contract, funds)?;
        let res = call(self);
        if res.is_err() {
            self.bank_send(contract, sender, funds)?;
        }
        res
    }

    /// Calls the `reply` entry point, as the chain does after a sub-message.
    pub fn reply(&mut self, contract: &Addr, reply: &Reply) -> CallResult<Executed> {
        self.run(contract, None, true, |i, env| {
            call_reply::<_, _, _, Empty>(i, env, reply)
        })
    }

    /// Migrates the contract to `new_code_id`: the new code's `migrate` runs on the
    /// contract's storage; on success the contract runs the new code from then on, on
    /// failure nothing changes (neither code nor storage).
    pub fn migrate(
        &mut self,
        contract: &Addr,
        new_code_id: u64,
        msg: &impl Serialize,
    ) -> CallResult<Executed> {
        let msg = to_json_vec(msg).map_err(setup_err)?;
        let code = (new_code_id, self.checksum(new_code_id)?);
        self.run(contract, Some(code), true, |i, env| {
            call_migrate::<_, _, _, Empty>(i, env, &msg)
        })
    }

    /// A smart query, its answer as `T` (`serde_json::Value` to compare answers whatever
    /// their type).
    pub fn query<T: DeserializeOwned>(
        &self,
        contract: &Addr,
        msg: &impl Serialize,
    ) -> CallResult<T> {
        Ok(self.query_with_gas(contract, msg)?.0)
    }

    /// A smart query and the VM gas it used.
    pub fn query_with_gas<T: DeserializeOwned>(
        &self,
        contract: &Addr,
        msg: &impl Serialize,
    ) -> CallResult<(T, u64)> {
        let msg = to_json_vec(msg).map_err(setup_err)?;
        let (binary, report) = run_call(
            &self.engine,
            &self.world,
            &self.block,
            self.gas_limit,
            0,
            contract,
            None,
            false,
            |i, env| call_query(i, env, &msg),
        )?;
        let value = cosmwasm_std::from_json(&binary)
            .map_err(|e| CallError::Setup(format!("query answer does not parse: {e}")))?;
        Ok((value, report.used_internally))
    }

    fn run(
        &self,
        contract: &Addr,
        code: Option<(u64, Checksum)>,
        commit: bool,
        call: impl FnOnce(&mut VmInstance, &Env) -> VmResult<ContractResult<Response<Empty>>>,
    ) -> CallResult<Executed> {
        let (response, report) = run_call(
            &self.engine,
            &self.world,
            &self.block,
            self.gas_limit,
            0,
            contract,
            code,
            commit,
            call,
        )?;
        Ok(Executed {
            response,
            gas: report.used_internally,
            gas_external: report.used_externally,
        })
    }
}

/// Runs one entry point of `contract` on a fresh instance of its code (or of `code`, for a
/// migration) over a copy of its committed storage; when `commit` is set and the call
/// succeeded, the copy becomes the contract's storage (and `code` its code).
#[allow(clippy::too_many_arguments)] // the whole context of one call
pub(crate) fn run_call<T>(
    engine: &Arc<Engine>,
    world: &SharedWorld,
    block: &BlockInfo,
    gas_limit: u64,
    depth: u32,
    contract: &Addr,
    code: Option<(u64, Checksum)>,
    commit: bool,
    call: impl FnOnce(&mut VmInstance, &Env) -> VmResult<ContractResult<T>>,
) -> CallResult<(T, GasReport)> {
    let (checksum, data) = {
        let world = lock(world);
        let c = state(&world, contract)?;
        (code.map_or(c.checksum, |(_, sum)| sum), c.data.clone())
    };
    let backend = Backend {
        api: engine.api,
        storage: CallStorage::new(data),
        querier: VmQuerier {
            engine: engine.clone(),
            world: world.clone(),
            block: block.clone(),
            gas_limit,
            depth,
        },
    };
    let mut instance = engine
        .cache
        .get_instance(&checksum, backend, InstanceOptions { gas_limit })
        .map_err(vm_err)?;
    let result = call(&mut instance, &env(block, contract));
    let report = instance.create_gas_report();
    let backend = instance
        .recycle()
        .ok_or_else(|| CallError::Vm("the instance kept its storage".into()))?;
    let value = result
        .map_err(vm_err)?
        .into_result()
        .map_err(CallError::Contract)?;
    if commit {
        let mut world = lock(world);
        let c = state_mut(&mut world, contract)?;
        c.data = backend.storage.into_data();
        if let Some((code_id, checksum)) = code {
            c.code_id = code_id;
            c.checksum = checksum;
        }
    }
    Ok((value, report))
}

fn env(block: &BlockInfo, contract: &Addr) -> Env {
    Env {
        block: block.clone(),
        transaction: Some(TransactionInfo { index: 0 }),
        contract: ContractInfo {
            address: contract.clone(),
        },
    }
}

fn info(sender: &Addr, funds: &[Coin]) -> MessageInfo {
    MessageInfo {
        sender: sender.clone(),
        funds: funds.to_vec(),
    }
}

fn state<'a>(world: &'a World, contract: &Addr) -> CallResult<&'a ContractState> {
    world
        .contracts
        .get(contract)
        .ok_or_else(|| CallError::Setup(format!("no contract at {contract}")))
}

fn state_mut<'a>(world: &'a mut World, contract: &Addr) -> CallResult<&'a mut ContractState> {
    world
        .contracts
        .get_mut(contract)
        .ok_or_else(|| CallError::Setup(format!("no contract at {contract}")))
}
