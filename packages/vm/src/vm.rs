use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

use cosmwasm_std::{
    to_json_vec, Addr, Binary, BlockInfo, Checksum, Coin, ContractInfo, ContractResult, Env, Event,
    MessageInfo, QuerierResult, Reply, Response, SubMsgResult, Timestamp, TransactionInfo,
    WasmQuery,
};
use cosmwasm_vm::testing::MockApi;
use cosmwasm_vm::{
    call_migrate_raw, call_query_raw, call_reply_raw, from_slice, Backend, BackendApi,
    BackendResult, Cache, CacheOptions, GasInfo, Instance, InstanceOptions, Size, VmResult,
};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::gas::{
    event_gas, reply_event_gas, CallRecord, Entry, KvStats, DESERIALIZATION_COST_PER_BYTE,
    GAS_MULTIPLIER, INSTANCE_COST, INSTANCE_COST_DISCOUNT,
};
use crate::querier::{lock, ContractState, SharedWorld, VmQuerier, WasmHook, World};
use crate::storage::{CallStorage, Dump};

/// Seconds between two blocks when the clock advances by blocks.
pub const BLOCK_SECONDS: u64 = 5;
/// The first block of a new [`Vm`]: height 1 at 2023-11-14T22:13:20Z.
pub const GENESIS_SECONDS: u64 = 1_700_000_000;
/// Gas limit of one call, in CosmWasm gas: far above wasmd's default block gas (100M SDK
/// gas) times its `DefaultGasMultiplier` (140,000), so that no call here runs out.
pub const DEFAULT_GAS_LIMIT: u64 = 10_000_000_000_000_000;

/// The longest JSON result a call may return (cosmwasm-vm's `deserialization_limits`).
const RESULT_LIMIT: usize = 256 * 1024;

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

pub(crate) type VmInstance = Instance<WasmdApi, CallStorage, VmQuerier>;

/// The address API: `MockApi`'s addresses (bech32, prefix `cosmwasm`) at wasmd's prices
/// (x/wasm/keeper/api.go: canonicalize 4, humanize 5, validate 9 SDK gas, or 4 when the
/// input does not decode, times the multiplier, charged inside the VM). `MockApi` itself
/// charges humanize 4 and canonicalize 5.
#[derive(Clone, Copy, Default)]
pub struct WasmdApi(MockApi);

impl WasmdApi {
    /// The API with bech32 prefix `prefix` (a chain's account prefix, `wasm` on wasmd).
    pub fn with_prefix(prefix: &'static str) -> Self {
        WasmdApi(MockApi::default().with_prefix(prefix))
    }
}

impl std::ops::Deref for WasmdApi {
    type Target = MockApi;

    fn deref(&self) -> &MockApi {
        &self.0
    }
}

impl BackendApi for WasmdApi {
    fn addr_validate(&self, input: &str) -> BackendResult<()> {
        let decodes = self.0.addr_canonicalize(input).0.is_ok();
        let cost = if decodes { 9 } else { 4 };
        (
            self.0.addr_validate(input).0,
            GasInfo::with_cost(cost * GAS_MULTIPLIER),
        )
    }

    fn addr_canonicalize(&self, human: &str) -> BackendResult<Vec<u8>> {
        let canonical = self.0.addr_canonicalize(human).0;
        (canonical, GasInfo::with_cost(4 * GAS_MULTIPLIER))
    }

    fn addr_humanize(&self, canonical: &[u8]) -> BackendResult<String> {
        let human = self.0.addr_humanize(canonical).0;
        (human, GasInfo::with_cost(5 * GAS_MULTIPLIER))
    }
}

/// Why a call did not succeed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallError {
    /// The contract refused: its error message, as a chain reports it in the failed
    /// transaction's log.
    Contract(String),
    /// The VM could not run the call: invalid wasm, a missing entry point, out of gas, a
    /// trap, an unparsable answer.
    Vm(String),
    /// The bank refused a transfer (insufficient funds).
    Bank(String),
    /// The call could not be made: unknown contract or code, a message that does not
    /// serialize.
    Setup(String),
}

impl CallError {
    /// The stable `[code=...]` of a contract refusal (see `farthing_types::errors`).
    pub fn code(&self) -> Option<String> {
        match self {
            CallError::Contract(msg) => farthing_types::errors::parse(msg).map(|t| t.code),
            CallError::Vm(_) | CallError::Bank(_) | CallError::Setup(_) => None,
        }
    }

    /// The message, whatever the kind.
    pub fn message(&self) -> &str {
        match self {
            CallError::Contract(m)
            | CallError::Vm(m)
            | CallError::Bank(m)
            | CallError::Setup(m) => m,
        }
    }
}

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CallError::Contract(m) => write!(f, "contract error: {m}"),
            CallError::Vm(m) => write!(f, "vm error: {m}"),
            CallError::Bank(m) => write!(f, "bank error: {m}"),
            CallError::Setup(m) => write!(f, "setup error: {m}"),
        }
    }
}

impl std::error::Error for CallError {}

pub type CallResult<T> = Result<T, CallError>;

/// A successful transaction: the message's call and everything it dispatched.
#[derive(Debug, Clone)]
pub struct Executed {
    /// The response of the transaction's own call (its messages were dispatched).
    pub response: Response,
    /// The transaction's data: the call's, or the last a reply set.
    pub data: Option<Binary>,
    /// CosmWasm gas used inside the VM by the transaction's own call.
    pub gas: u64,
    /// Gas reported by the storage and the querier of that call, in the same units.
    pub gas_external: u64,
    /// Every event, in the order a chain emits them (`execute`, `wasm`, `wasm-<type>`,
    /// `transfer`, `reply`, ...), each contract event with `_contract_address`.
    pub events: Vec<Event>,
    /// Every call the transaction made, in order, with what it cost.
    pub calls: Vec<CallRecord>,
    /// How many replies ran.
    pub replies: usize,
}

impl Executed {
    /// SDK gas a wasmd chain would charge for the transaction's calls (see [`crate::gas`]).
    pub fn sdk_gas(&self) -> u64 {
        self.calls.iter().map(CallRecord::sdk_gas).sum()
    }

    /// VM gas of every call of the transaction.
    pub fn vm_gas(&self) -> u64 {
        self.calls.iter().map(|c| c.vm_gas).sum()
    }

    /// Storage operations of every call of the transaction.
    pub fn kv(&self) -> KvStats {
        let mut kv = KvStats::default();
        for c in &self.calls {
            kv.add(&c.kv);
        }
        kv
    }

    /// Event gas of every call of the transaction.
    pub fn event_gas(&self) -> u64 {
        self.calls.iter().map(|c| c.event_gas).sum()
    }

    /// The events of one type.
    pub fn events_of<'a>(&'a self, ty: &'a str) -> impl Iterator<Item = &'a Event> + 'a {
        self.events.iter().filter(move |e| e.ty == ty)
    }

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

/// The SDK's `address.Module("wasm", key)`: sha256(sha256("module") || "wasm" || 0 ||
/// key), the 32 bytes of every wasmd contract address (classic: key = code id and
/// instance id; instantiate2: the length-prefixed checksum, creator, salt and message).
pub fn wasm_module_address(key: &[u8]) -> Vec<u8> {
    let mut preimage = Checksum::generate(b"module").as_slice().to_vec();
    preimage.extend_from_slice(b"wasm\0");
    preimage.extend_from_slice(key);
    Checksum::generate(&preimage).into()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn vm_err(e: impl std::fmt::Display) -> CallError {
    CallError::Vm(e.to_string())
}

fn setup_err(e: impl std::fmt::Display) -> CallError {
    CallError::Setup(e.to_string())
}

/// The compiled-code cache and the API, shared by every call and nested query of a [`Vm`].
pub(crate) struct Engine {
    cache: Cache<WasmdApi, CallStorage, VmQuerier>,
    api: WasmdApi,
    // Holds the cache's directory for as long as the cache lives.
    _dir: tempfile::TempDir,
}

/// A one-process chain for the optimized wasm: a code store (compiled once, as a chain's
/// cache does), contracts with their own storage, one block clock, and queries between
/// contracts. Every call runs a fresh instance of the contract's current code on its
/// storage; every entry point is a transaction, undone whole when it fails; `migrate`
/// swaps the code on the same storage.
pub struct Vm {
    pub(crate) engine: Arc<Engine>,
    pub(crate) codes: Vec<Checksum>,
    pub(crate) world: SharedWorld,
    block: BlockInfo,
    gas_limit: u64,
    /// The calls of the current (or last) transaction.
    pub(crate) trace: Vec<CallRecord>,
    /// The events of the current transaction, in the order a chain emits them.
    pub(crate) events: Vec<Event>,
    /// Replies run by the current transaction.
    pub(crate) replies: usize,
    /// Contracts instantiated by a `WasmMsg::Instantiate` so far (for their addresses).
    pub(crate) instances: u64,
    /// How a reply would see the error being returned (see `crate::router`).
    pub(crate) failure: Option<crate::router::Failure>,
    /// Whether a contract instantiated by a `WasmMsg::Instantiate` gets wasmd's classic
    /// address (see [`Vm::with_chain`]).
    pub(crate) classic_addresses: bool,
    /// Set while [`Vm::atomic`] runs: the entry points called are messages of one chain
    /// transaction (one rollback, one set of codes run for the setup discount).
    pub(crate) in_atomic: bool,
}

/// The whole state of a [`Vm`] that a transaction can change: every contract, the bank,
/// the code store and the instance sequence (see [`Vm::snapshot`]).
#[derive(Clone)]
pub struct VmSnapshot {
    pub(crate) contracts: std::collections::BTreeMap<Addr, crate::querier::ContractState>,
    pub(crate) balances: std::collections::BTreeMap<String, Vec<Coin>>,
    pub(crate) instances: u64,
    pub(crate) codes: usize,
}

impl Vm {
    /// A new chain at height 1, `GENESIS_SECONDS`, chain id `farthing-vm`.
    pub fn new() -> CallResult<Vm> {
        Vm::build(WasmdApi::default(), "farthing-vm", false)
    }

    /// A new chain like [`Vm::new`] whose addresses have the bech32 prefix `prefix` (the
    /// account prefix of a chain: `wasm` on wasmd) and whose blocks carry `chain_id`, for a
    /// node that runs this VM as its wasm engine. A contract that a `WasmMsg::Instantiate`
    /// creates gets wasmd's classic address ([`Vm::classic_contract_addr`]) from the
    /// instance sequence shared with [`Vm::next_instance_id`].
    pub fn with_chain(prefix: &str, chain_id: &str) -> CallResult<Vm> {
        let valid = !prefix.is_empty()
            && prefix
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
        if !valid {
            return Err(CallError::Setup(format!(
                "invalid bech32 prefix {prefix:?}: lowercase letters and digits"
            )));
        }
        // The API is `Copy` with a `&'static str` prefix: one small string per chain.
        let prefix: &'static str = Box::leak(prefix.to_string().into_boxed_str());
        Vm::build(WasmdApi::with_prefix(prefix), chain_id, true)
    }

    fn build(api: WasmdApi, chain_id: &str, classic_addresses: bool) -> CallResult<Vm> {
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
                api,
                _dir: dir,
            }),
            codes: vec![],
            world: SharedWorld::default(),
            block: BlockInfo {
                height: 1,
                time: Timestamp::from_seconds(GENESIS_SECONDS),
                chain_id: chain_id.into(),
            },
            gas_limit: DEFAULT_GAS_LIMIT,
            trace: vec![],
            events: vec![],
            replies: 0,
            instances: 0,
            failure: None,
            classic_addresses,
            in_atomic: false,
        })
    }

    /// The account named `name`: 20 bytes (the first 20 of sha256(name)) in bech32 with
    /// the prefix `cosmwasm`, as a chain's accounts are 20 bytes.
    pub fn addr(&self, name: &str) -> Addr {
        // An account is 20 bytes on a chain (the hash of its public key); a contract, 32.
        let hash = Checksum::generate(name.as_bytes());
        let (human, _) = self.engine.api.addr_humanize(&hash.as_slice()[..20]);
        // Humanizing 20 bytes with the VM's own prefix cannot fail.
        Addr::unchecked(human.unwrap_or_else(|_| self.engine.api.addr_make(name)))
    }

    /// The 32-byte address `instantiate` gives the contract labelled `label` (known before
    /// it exists, for a registry record, say).
    pub fn contract_addr(&self, label: &str) -> Addr {
        Addr::unchecked(self.engine.api.addr_make(label))
    }

    /// The API the contracts run with.
    pub fn api(&self) -> &WasmdApi {
        &self.engine.api
    }

    /// wasmd's classic contract address (`BuildContractAddressClassic`,
    /// x/wasm/keeper/addresses.go): the SDK's `address.Module("wasm", codeID || instanceID)`
    /// (both big-endian u64), that is sha256(sha256("module") || "wasm" || 0 || key),
    /// 32 bytes, with this chain's prefix.
    pub fn classic_contract_addr(&self, code_id: u64, instance_id: u64) -> Addr {
        let mut key = code_id.to_be_bytes().to_vec();
        key.extend_from_slice(&instance_id.to_be_bytes());
        let hash = wasm_module_address(&key);
        // 32 bytes with this chain's own prefix always humanize.
        self.humanize(&hash)
            .unwrap_or_else(|_| Addr::unchecked(self.engine.api.addr_make(&hex(&key))))
    }

    /// The next id of wasmd's contract instance sequence (1, 2, ...), shared with the
    /// contracts that `WasmMsg::Instantiate` sub-messages create: a classic
    /// `MsgInstantiateContract` takes one, an `Instantiate2` none.
    pub fn next_instance_id(&mut self) -> u64 {
        self.instances += 1;
        self.instances
    }

    /// The address whose canonical form is `canonical`, with this chain's prefix.
    pub fn humanize(&self, canonical: &[u8]) -> CallResult<Addr> {
        self.engine
            .api
            .addr_humanize(canonical)
            .0
            .map(Addr::unchecked)
            .map_err(vm_err)
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

    /// The capabilities a stored code requires (wasmd's `required_capability` attributes of
    /// the `store_code` event), sorted.
    pub fn required_capabilities(&self, code_id: u64) -> CallResult<Vec<String>> {
        let checksum = self.checksum(code_id)?;
        let report = self.engine.cache.analyze(&checksum).map_err(vm_err)?;
        Ok(report.required_capabilities.into_iter().collect())
    }

    /// The wasm of a stored code, as it was stored (wasmd's `Code` query answers it).
    pub fn code_bytes(&self, code_id: u64) -> CallResult<Vec<u8>> {
        let checksum = self.checksum(code_id)?;
        self.engine.cache.load_wasm(&checksum).map_err(vm_err)
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

    /// Sets the block every later call sees (a node's new block: its height and time).
    pub fn set_block(&mut self, height: u64, time: Timestamp) {
        self.block.height = height;
        self.block.time = time;
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

    /// Moves coins from `from` to `to` outside any transaction (a test's funding, say).
    /// Fails, moving nothing, when `from` lacks them.
    pub fn bank_send(&mut self, from: &Addr, to: &Addr, coins: &[Coin]) -> CallResult<()> {
        move_coins(&mut lock(&self.world), from, to, coins).map_err(CallError::Bank)
    }

    /// The querier a message's call gets now: what a contract would see if it queried
    /// (`cosmwasm_vm::Querier::query_raw`).
    pub fn querier(&self) -> VmQuerier {
        VmQuerier::new(
            self.engine.clone(),
            self.world.clone(),
            self.block.clone(),
            self.gas_limit,
            0,
            0,
        )
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

    // ---- entry points: each one is a transaction (see `crate::router`) ----

    /// Instantiates `code_id` at the address `self.contract_addr(label)`, then dispatches the
    /// response's messages. Atomic: on failure no contract is left and no coin moved.
    pub fn instantiate(
        &mut self,
        code_id: u64,
        label: &str,
        sender: &Addr,
        msg: &impl Serialize,
        funds: &[Coin],
    ) -> CallResult<(Addr, Executed)> {
        let address = self.contract_addr(label);
        let msg = to_json_vec(msg).map_err(setup_err)?;
        let done =
            self.transaction(|vm| vm.instantiate_msg(code_id, &address, sender, &msg, funds, 0))?;
        Ok((address, done))
    }

    /// Instantiates `code_id` at `address` (an address a node derived: wasmd's classic or
    /// instantiate2 address) with the JSON message `msg` as it came in a transaction, then
    /// dispatches the response's messages. Fails, changing nothing, when a contract already
    /// lives there. Atomic as [`Vm::instantiate`].
    pub fn instantiate_at(
        &mut self,
        code_id: u64,
        address: &Addr,
        sender: &Addr,
        msg: &[u8],
        funds: &[Coin],
    ) -> CallResult<Executed> {
        self.transaction(|vm| vm.instantiate_msg(code_id, address, sender, msg, funds, 0))
    }

    /// Executes `msg` on `contract` as `sender` with `funds` attached, and dispatches the
    /// response's messages and sub-messages as wasmd does (replies included). Atomic: when
    /// any part fails (and no reply took the failure), nothing changes.
    pub fn execute(
        &mut self,
        contract: &Addr,
        sender: &Addr,
        msg: &impl Serialize,
        funds: &[Coin],
    ) -> CallResult<Executed> {
        let msg = to_json_vec(msg).map_err(setup_err)?;
        self.execute_raw(contract, sender, &msg, funds)
    }

    /// [`Vm::execute`] with the JSON message as it came in a transaction.
    pub fn execute_raw(
        &mut self,
        contract: &Addr,
        sender: &Addr,
        msg: &[u8],
        funds: &[Coin],
    ) -> CallResult<Executed> {
        self.transaction(|vm| vm.execute_msg(contract, sender, msg, funds, 0))
    }

    /// Calls the `reply` entry point directly (as the chain does after a sub-message),
    /// then dispatches the reply's own messages.
    pub fn reply(&mut self, contract: &Addr, reply: &Reply) -> CallResult<Executed> {
        let msg = to_json_vec(reply).map_err(setup_err)?;
        let setup = Setup::Reply(match &reply.result {
            SubMsgResult::Ok(r) => reply_event_gas(&r.events),
            SubMsgResult::Err(_) => 0,
        });
        self.transaction(|vm| {
            let resp = vm.call(contract, Entry::Reply, 0, None, setup, |i, env| {
                call_reply_raw(i, env, &msg)
            })?;
            let data = vm.dispatch(contract, &resp, 0)?;
            Ok((resp, data))
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
        self.migrate_raw(contract, new_code_id, &msg)
    }

    /// [`Vm::migrate`] with the JSON message as it came in a transaction.
    pub fn migrate_raw(
        &mut self,
        contract: &Addr,
        new_code_id: u64,
        msg: &[u8],
    ) -> CallResult<Executed> {
        let code = (new_code_id, self.checksum(new_code_id)?);
        self.transaction(|vm| {
            let resp = vm.call(
                contract,
                Entry::Migrate,
                0,
                Some(code),
                Setup::Load,
                |i, env| call_migrate_raw(i, env, msg),
            )?;
            vm.events.push(
                Event::new("migrate")
                    .add_attribute("code_id", new_code_id.to_string())
                    .add_attribute("_contract_address", contract),
            );
            vm.emit(contract, &resp)?;
            let data = vm.dispatch(contract, &resp, 0)?;
            Ok((resp, data))
        })
    }

    /// What every call of the last transaction (successful or not) cost.
    pub fn last_calls(&self) -> &[CallRecord] {
        &self.trace
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
        let (binary, gas) = self.query_raw_with_gas(contract, &msg)?;
        let value = cosmwasm_std::from_json(&binary)
            .map_err(|e| CallError::Setup(format!("query answer does not parse: {e}")))?;
        Ok((value, gas))
    }

    /// A smart query with the JSON message as a client sent it: the contract's answer as
    /// it returned it (JSON bytes), and the VM gas it used.
    pub fn query_raw_with_gas(&self, contract: &Addr, msg: &[u8]) -> CallResult<(Binary, u64)> {
        let (binary, metered) = run_call::<Binary>(
            &self.engine,
            &self.world,
            &self.block,
            self.gas_limit,
            (0, 0),
            contract,
            None,
            Setup::Load,
            false,
            |i, env| call_query_raw(i, env, msg),
        );
        Ok((binary?, metered.map_or(0, |m| m.vm_gas)))
    }

    /// Runs one entry point of `contract` inside the current transaction, records what it
    /// cost (and what its queries cost) and returns its response.
    #[allow(clippy::too_many_arguments)] // the whole context of one call
    pub(crate) fn call(
        &mut self,
        contract: &Addr,
        entry: Entry,
        depth: u32,
        code: Option<(u64, Checksum)>,
        setup: Setup,
        call: impl FnOnce(&mut VmInstance, &[u8]) -> VmResult<Vec<u8>>,
    ) -> CallResult<Response> {
        let (result, metered) = run_call(
            &self.engine,
            &self.world,
            &self.block,
            self.gas_limit,
            (0, depth),
            contract,
            code,
            setup,
            true,
            call,
        );
        if let Some(m) = metered {
            self.trace.push(CallRecord {
                contract: contract.to_string(),
                entry,
                depth,
                setup: m.setup,
                vm_gas: m.vm_gas,
                vm_gas_external: m.vm_gas_external,
                kv: m.kv,
                event_gas: result.as_ref().map_or(0, event_gas),
                ok: result.is_ok(),
            });
            self.trace.extend(m.nested);
        }
        result
    }
}

/// How a call pays for loading its contract (wasmd's `SetupContractCost` / `ReplyCosts`).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Setup {
    /// A call into a code: `INSTANCE_COST` the first time in the transaction,
    /// `INSTANCE_COST_DISCOUNT` after (outside a transaction, always the first time).
    Load,
    /// A reply: `INSTANCE_COST_DISCOUNT` plus the gas of the events it is handed.
    Reply(u64),
}

/// What one call used: its setup, its VM gas, its storage operations (with its raw queries)
/// and the calls of the smart queries it made.
pub(crate) struct Metered {
    pub setup: u64,
    pub vm_gas: u64,
    pub vm_gas_external: u64,
    pub kv: KvStats,
    pub nested: Vec<CallRecord>,
}

/// Runs one entry point of `contract` on a fresh instance of its code (or of `code`, for a
/// migration) over its storage in the world (writes land as the call runs; the caller's
/// rollback undoes a failed call); when `commit` is set and the call succeeded, `code`
/// becomes its code. `depth` is
/// (query depth, call depth in the transaction). `call` gets the `Env` in JSON and returns
/// the contract's JSON result, which is charged per byte as wasmvm charges it. What the call
/// used comes back whether it succeeded or not (`None` when it could not start).
#[allow(clippy::too_many_arguments)] // the whole context of one call
pub(crate) fn run_call<T: DeserializeOwned>(
    engine: &Arc<Engine>,
    world: &SharedWorld,
    block: &BlockInfo,
    gas_limit: u64,
    depth: (u32, u32),
    contract: &Addr,
    code: Option<(u64, Checksum)>,
    setup: Setup,
    commit: bool,
    call: impl FnOnce(&mut VmInstance, &[u8]) -> VmResult<Vec<u8>>,
) -> (CallResult<T>, Option<Metered>) {
    let (checksum, setup) = {
        let mut world = lock(world);
        let checksum = match state(&world, contract) {
            Ok(c) => code.map_or(c.checksum, |(_, sum)| sum),
            Err(e) => return (Err(e), None),
        };
        // wasmd's `checkDiscountEligibility`: the codes run so far in the transaction.
        let setup = match setup {
            Setup::Reply(events) => INSTANCE_COST_DISCOUNT + events,
            Setup::Load => match world.tx_codes.as_mut().map(|codes| codes.insert(checksum)) {
                Some(false) => INSTANCE_COST_DISCOUNT,
                Some(true) | None => INSTANCE_COST,
            },
        };
        (checksum, setup)
    };
    let env = match to_json_vec(&env(block, contract)) {
        Ok(env) => env,
        Err(e) => return (Err(setup_err(e)), None),
    };
    let backend = Backend {
        api: engine.api,
        storage: CallStorage::new(world.clone(), contract.clone()),
        querier: VmQuerier::new(
            engine.clone(),
            world.clone(),
            block.clone(),
            gas_limit,
            depth.0,
            depth.1,
        ),
    };
    let mut instance =
        match engine
            .cache
            .get_instance(&checksum, backend, InstanceOptions { gas_limit })
        {
            Ok(i) => i,
            Err(e) => return (Err(vm_err(e)), None),
        };
    let result = call(&mut instance, &env);
    let report = instance.create_gas_report();
    let Some(backend) = instance.recycle() else {
        return (
            Err(CallError::Vm("the instance kept its storage".into())),
            None,
        );
    };
    let mut kv = backend.storage.into_stats();
    let (queries, nested) = backend.querier.into_meter();
    kv.add(&queries);
    // wasmvm's `DeserializeResponse`: the result's bytes, as used inside the VM.
    let deserialization = result
        .as_ref()
        .map_or(0, |r| r.len() as u64 * DESERIALIZATION_COST_PER_BYTE);
    let metered = Metered {
        setup,
        vm_gas: report.used_internally + deserialization,
        vm_gas_external: report.used_externally,
        kv,
        nested,
    };
    let value = match result.and_then(|r| from_slice::<ContractResult<T>>(&r, RESULT_LIMIT)) {
        Ok(r) => r.into_result().map_err(CallError::Contract),
        Err(e) => Err(vm_err(e)),
    };
    // The call wrote to the world as it ran; a failure is undone by the rollback of the
    // sub-message or transaction it belongs to. A migration's new code takes over here.
    if let (true, Ok(_), Some((code_id, checksum))) = (commit, &value, code) {
        let mut world = lock(world);
        match state_mut(&mut world, contract) {
            Ok(c) => {
                c.code_id = code_id;
                c.checksum = checksum;
            }
            Err(e) => return (Err(e), Some(metered)),
        }
    }
    (value, Some(metered))
}

/// Moves coins between two bank accounts; fails, moving nothing, when `from` lacks them.
pub(crate) fn move_coins(
    world: &mut World,
    from: &Addr,
    to: &Addr,
    coins: &[Coin],
) -> Result<(), String> {
    let mut payer = world
        .balances
        .get(from.as_str())
        .cloned()
        .unwrap_or_default();
    let mut payee = world.balances.get(to.as_str()).cloned().unwrap_or_default();
    for coin in coins {
        match payer.iter_mut().find(|c| c.denom == coin.denom) {
            Some(c) if c.amount >= coin.amount => c.amount -= coin.amount,
            _ => {
                let have = payer
                    .iter()
                    .find(|c| c.denom == coin.denom)
                    .map_or_else(|| format!("0{}", coin.denom), ToString::to_string);
                return Err(format!(
                    "insufficient funds: {from} has {have}, {coin} needed"
                ));
            }
        }
        if from == to {
            continue;
        }
        match payee.iter_mut().find(|c| c.denom == coin.denom) {
            Some(c) => {
                c.amount = c
                    .amount
                    .checked_add(coin.amount)
                    .map_err(|e| e.to_string())?;
            }
            None => payee.push(coin.clone()),
        }
    }
    if from == to {
        return Ok(());
    }
    payer.retain(|c| !c.amount.is_zero());
    payee.retain(|c| !c.amount.is_zero());
    world.balances.insert(from.to_string(), payer);
    world.balances.insert(to.to_string(), payee);
    Ok(())
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

pub(crate) fn info(sender: &Addr, funds: &[Coin]) -> MessageInfo {
    MessageInfo {
        sender: sender.clone(),
        funds: funds.to_vec(),
    }
}

pub(crate) fn state<'a>(world: &'a World, contract: &Addr) -> CallResult<&'a ContractState> {
    world
        .contracts
        .get(contract)
        .ok_or_else(|| CallError::Setup(format!("no contract at {contract}")))
}

pub(crate) fn state_mut<'a>(
    world: &'a mut World,
    contract: &Addr,
) -> CallResult<&'a mut ContractState> {
    world
        .contracts
        .get_mut(contract)
        .ok_or_else(|| CallError::Setup(format!("no contract at {contract}")))
}
