//! The router: every entry point of a [`Vm`] is one transaction, run as wasmd runs it.
//!
//! - The call runs; its storage changes are kept for the rest of the transaction.
//! - Then its response's messages run in order, each a sub-transaction: `WasmMsg::Execute`
//!   (coins attached move first), `WasmMsg::Instantiate` (at a new address: wasmd's
//!   classic address on a [`Vm::with_chain`]), `BankMsg::Send`
//!   and `BankMsg::Burn`. Each one's own messages run in turn, depth first.
//! - A sub-message that fails is rolled back whole (storage of every contract, bank
//!   balances, its events). With `reply_on_error` or `reply_always` the sender's `reply`
//!   gets the error as wasmd hands it (a contract's own refusal unredacted, as
//!   "<error>: execute wasm contract failed"; anything else as `codespace: sdk, code: 5`
//!   and the like); otherwise the failure fails the transaction. A succeeded sub-message with
//!   `reply_on_success` or `reply_always` gets its events (none for a bank message; a
//!   wasm message's with their attributes sorted by key), data (`None` when empty) and
//!   `msg_responses` (none for a burn), and `gas_used` 0, as wasmd hands them.
//! - A reply that fails fails the sub-message's parent. A reply's data replaces the
//!   parent's data.
//! - A message's coins are converted as wasmd converts them (zero amounts dropped, a
//!   denom's amounts merged, sorted); a bank send or burn of nothing fails. A response
//!   with an empty or `_`-prefixed attribute key, or a custom event type of 2 characters
//!   or fewer, fails its call, as wasmd refuses it.
//! - The whole transaction is atomic: when it fails nothing changes, not a byte of any
//!   contract's storage nor a coin. Gas is not refunded by a rollback: every call made is
//!   in [`Executed::calls`] (and in [`Vm::last_calls`] when the transaction failed).
//!
//! Not routed (a sub-message of these kinds fails with [`CallError::Setup`]): staking,
//! distribution, IBC, gov, `Any`/stargate messages, `WasmMsg::Migrate`, `UpdateAdmin`,
//! `ClearAdmin`, `Instantiate2`. A sub-message's `gas_limit` is not enforced (every call
//! has the VM's gas limit). None of the Farthing contracts sends those.

use std::collections::{BTreeMap, HashSet};

use cosmwasm_std::{
    to_json_vec, Addr, BankMsg, Binary, Coin, CosmosMsg, Empty, Event, MsgResponse, Reply, ReplyOn,
    Response, SubMsgResponse, SubMsgResult, Uint128, WasmMsg,
};
use cosmwasm_vm::{call_execute_raw, call_instantiate_raw, call_reply_raw};

use crate::gas::{reply_event_gas, wasm_events, CallRecord, Entry, KvStats};

/// How wasmd hands an error to a reply (`redactError`, x/wasm/keeper/msg_dispatcher.go):
/// a `DeterministicError` at the top of the error chain (a contract's own error, since
/// v0.51) as its text, anything else as the codespace and code of its root.
#[derive(Clone, Debug)]
pub(crate) struct Failure {
    codespace: &'static str,
    code: u32,
    /// The text a reply sees, while the error is still deterministic at the top.
    text: Option<String>,
}
use crate::querier::{lock, ContractState};
use crate::storage::Dump;
use crate::vm::{info, move_coins, CallError, CallResult, Executed, Setup, Vm, VmSnapshot};

/// How deep sub-messages may nest (a contract that calls itself forever fails here, with
/// wasmd's `ErrExceedMaxCallDepth`): wasmd's `DefaultMaxCallDepth`
/// (x/wasm/types/wasm_engine.go).
pub const MAX_CALL_DEPTH: u32 = 100;

/// What a call and its messages hand back: the response of the call, and the data its
/// caller sees (the call's, or the last a reply set).
type Outcome = CallResult<(Response<Empty>, Option<Binary>)>;

impl Vm {
    /// The state a rollback restores: every contract, the bank, the code store and the
    /// instance sequence (on a chain, all of them in the store). [`Vm::restore`] puts it
    /// back: a node's simulation runs a transaction, then restores what it saw before.
    pub fn snapshot(&self) -> VmSnapshot {
        let world = lock(&self.world);
        VmSnapshot {
            contracts: world.contracts.clone(),
            balances: world.balances.clone(),
            instances: self.instances,
            codes: self.codes.len(),
        }
    }

    /// Puts back the state of a [`Vm::snapshot`]: codes stored since are forgotten (their
    /// ids are given again), contracts and coins are as they were.
    pub fn restore(&mut self, snapshot: VmSnapshot) {
        let mut world = lock(&self.world);
        world.contracts = snapshot.contracts;
        world.balances = snapshot.balances;
        self.instances = snapshot.instances;
        drop(world);
        self.codes.truncate(snapshot.codes);
    }

    /// Runs `f`, whose entry points ([`Vm::execute`], [`Vm::instantiate_at`],
    /// [`Vm::migrate`], [`Vm::store_code`], bank sends...) are the messages of one chain
    /// transaction: when `f` fails, everything they did is undone, as a chain undoes every
    /// message of a transaction whose last message fails. Each entry point still returns
    /// its own [`Executed`] (and is undone alone when it fails); a code run by an earlier
    /// message costs the discounted setup in a later one, as wasmd's `TxContracts` is kept
    /// for the whole transaction.
    pub fn atomic<T, E>(&mut self, f: impl FnOnce(&mut Vm) -> Result<T, E>) -> Result<T, E> {
        let snapshot = self.snapshot();
        let outer = self.in_atomic;
        if !outer {
            lock(&self.world).tx_codes = Some(HashSet::new());
        }
        self.in_atomic = true;
        let ran = f(self);
        self.in_atomic = outer;
        if !outer {
            lock(&self.world).tx_codes = None;
        }
        if ran.is_err() {
            self.restore(snapshot);
            self.events.clear();
        }
        ran
    }

    /// Runs `f` as one transaction: all of it, or (on error) nothing.
    pub(crate) fn transaction(
        &mut self,
        f: impl FnOnce(&mut Vm) -> Outcome,
    ) -> CallResult<Executed> {
        self.trace.clear();
        self.events.clear();
        self.replies = 0;
        let snapshot = self.snapshot();
        // Inside `atomic`, the codes run so far belong to the whole chain transaction.
        if !self.in_atomic {
            lock(&self.world).tx_codes = Some(HashSet::new());
        }
        let ran = f(self);
        if !self.in_atomic {
            lock(&self.world).tx_codes = None;
        }
        match ran {
            Ok((response, data)) => {
                let top = self
                    .trace
                    .iter()
                    .find(|c| c.depth == 0 && c.entry != Entry::Bank);
                Ok(Executed {
                    response,
                    data,
                    gas: top.map_or(0, |c| c.vm_gas),
                    gas_external: top.map_or(0, |c| c.vm_gas_external),
                    events: std::mem::take(&mut self.events),
                    calls: self.trace.clone(),
                    replies: self.replies,
                })
            }
            Err(e) => {
                self.restore(snapshot);
                self.events.clear();
                Err(e)
            }
        }
    }

    /// `execute` on `contract` within the current transaction, then its messages.
    pub(crate) fn execute_msg(
        &mut self,
        contract: &Addr,
        sender: &Addr,
        msg: &[u8],
        funds: &[Coin],
        depth: u32,
    ) -> Outcome {
        self.check_depth(depth)?;
        self.contract_exists(contract)?;
        self.transfer(sender, contract, funds, depth)?;
        let info = json(&info(sender, funds))?;
        let called = self.call(
            contract,
            Entry::Execute,
            depth,
            None,
            Setup::Load,
            |i, env| call_execute_raw(i, env, &info, msg),
        );
        let resp = called.map_err(|e| self.called(e, "execute", 5))?;
        self.events
            .push(Event::new("execute").add_attribute("_contract_address", contract));
        self.emit(contract, &resp)?;
        // A sub-message's error comes back unwrapped (keeper.go `execute`).
        let data = self.dispatch(contract, &resp, depth)?;
        Ok((resp, data))
    }

    /// A new contract of `code_id` at `address` within the current transaction, then its
    /// messages.
    pub(crate) fn instantiate_msg(
        &mut self,
        code_id: u64,
        address: &Addr,
        sender: &Addr,
        msg: &[u8],
        funds: &[Coin],
        depth: u32,
    ) -> Outcome {
        self.check_depth(depth)?;
        let checksum = self
            .checksum(code_id)
            .map_err(|e| self.failed(e, "wasm", 28))?; // ErrNoSuchCodeFn
        {
            let mut world = lock(&self.world);
            if world.contracts.contains_key(address) {
                return Err(CallError::Setup(format!(
                    "a contract already lives at {address}"
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
        self.transfer(sender, address, funds, depth)?;
        let info = json(&info(sender, funds))?;
        let called = self.call(
            address,
            Entry::Instantiate,
            depth,
            None,
            Setup::Load,
            |i, env| call_instantiate_raw(i, env, &info, msg),
        );
        let resp = called.map_err(|e| self.called(e, "instantiate", 4))?;
        self.events.push(
            Event::new("instantiate")
                .add_attribute("_contract_address", address)
                .add_attribute("code_id", code_id.to_string()),
        );
        self.emit(address, &resp)?;
        // keeper.go `instantiate`: `errorsmod.Wrap(err, "dispatch")`.
        let data = self
            .dispatch(address, &resp, depth)
            .map_err(|e| self.wrapped(e))?;
        Ok((resp, data))
    }

    /// Runs the messages of `contract`'s response `resp` (a call at `depth`); returns the
    /// data its caller sees.
    pub(crate) fn dispatch(
        &mut self,
        contract: &Addr,
        resp: &Response<Empty>,
        depth: u32,
    ) -> CallResult<Option<Binary>> {
        let mut data = resp.data.clone();
        for sub in &resp.messages {
            let snapshot = self.snapshot();
            let events_before = self.events.len();
            let ran = self.dispatch_msg(contract, &sub.msg, depth + 1);
            let result = match ran {
                Ok((sub_data, msg_responses)) => match sub.reply_on {
                    ReplyOn::Success | ReplyOn::Always => {
                        #[allow(deprecated)] // `data` is still filled, as wasmd does
                        let response = SubMsgResponse {
                            events: handed_events(&sub.msg, &self.events[events_before..]),
                            data: sub_data,
                            msg_responses,
                        };
                        SubMsgResult::Ok(response)
                    }
                    ReplyOn::Error | ReplyOn::Never => continue,
                },
                Err(e) => {
                    self.restore(snapshot);
                    self.events.truncate(events_before);
                    match sub.reply_on {
                        ReplyOn::Error | ReplyOn::Always => SubMsgResult::Err(self.redact(&e)),
                        ReplyOn::Success | ReplyOn::Never => return Err(e),
                    }
                }
            };
            let setup = Setup::Reply(match &result {
                SubMsgResult::Ok(r) => reply_event_gas(&r.events),
                SubMsgResult::Err(_) => 0,
            });
            let reply = json(&Reply {
                id: sub.id,
                payload: sub.payload.clone(),
                gas_used: 0, // wasmd (v0.51 to v0.61) never fills it
                result,
            })?;
            self.replies += 1;
            // A failing reply fails this dispatch wrapped (`errorsmod.Wrap(err, "reply")`),
            // its own dispatch wrapped twice (keeper.go `reply`: "dispatch").
            let called = self.call(contract, Entry::Reply, depth, None, setup, |i, env| {
                call_reply_raw(i, env, &reply)
            });
            let replied = called.map_err(|e| {
                let e = self.called(e, "execute", 5);
                self.wrapped(e)
            })?;
            self.events
                .push(Event::new("reply").add_attribute("_contract_address", contract));
            self.emit(contract, &replied).map_err(|e| self.wrapped(e))?;
            let reply_data = self
                .dispatch(contract, &replied, depth)
                .map_err(|e| self.wrapped(e))?;
            if reply_data.is_some() {
                data = reply_data;
            }
        }
        Ok(data)
    }

    /// One message sent by `sender`: its data and its `msg_responses`.
    fn dispatch_msg(
        &mut self,
        sender: &Addr,
        msg: &CosmosMsg<Empty>,
        depth: u32,
    ) -> CallResult<(Option<Binary>, Vec<MsgResponse>)> {
        self.failure = None;
        match msg {
            CosmosMsg::Bank(BankMsg::Send { to_address, amount }) => {
                // The bank's `MsgSend` server: ErrInvalidAddress, ErrInvalidCoins.
                let to = self
                    .valid_addr(to_address)
                    .map_err(|e| self.failed(e, "sdk", 7))?;
                let amount = normalized(amount);
                if amount.is_empty() {
                    let e = CallError::Bank("invalid coins: nothing to send".into());
                    return Err(self.failed(e, "sdk", 10));
                }
                self.transfer(sender, &to, &amount, depth)?;
                Ok((
                    None,
                    vec![msg_response("/cosmos.bank.v1beta1.MsgSendResponse", vec![])],
                ))
            }
            CosmosMsg::Bank(BankMsg::Burn { amount }) => {
                let amount = normalized(amount);
                if amount.is_empty() {
                    // `NewBurnCoinMessageHandler`: `types.ErrEmpty.Wrap("amount")`.
                    let e = CallError::Bank("nothing to burn: empty amount".into());
                    return Err(self.failed(e, "wasm", 12));
                }
                self.burn(sender, &amount, depth)?;
                // wasmd's `NewBurnCoinMessageHandler` answers no data and no responses.
                Ok((None, vec![]))
            }
            CosmosMsg::Wasm(WasmMsg::Execute {
                contract_addr,
                msg,
                funds,
            }) => {
                // MsgExecuteContract.ValidateBasic: a bech32 error, wrapped (undefined, 1).
                let target = self
                    .valid_addr(contract_addr)
                    .map_err(|e| self.failed(e, "undefined", 1))?;
                let funds = normalized(funds);
                let (_, data) = self.execute_msg(&target, sender, msg, &funds, depth)?;
                // MsgExecuteContractResponse { bytes data = 1 }; empty, it reaches the
                // reply as `None` (wasmvm's `SubMsgResponse.Data` is `omitempty`).
                let value = proto_bytes(1, data.as_ref().map_or(&[][..], |d| d.as_slice()));
                Ok((
                    (!value.is_empty()).then(|| Binary::from(value.clone())),
                    vec![msg_response(
                        "/cosmwasm.wasm.v1.MsgExecuteContractResponse",
                        value,
                    )],
                ))
            }
            CosmosMsg::Wasm(WasmMsg::Instantiate {
                code_id,
                msg,
                funds,
                label,
                ..
            }) => {
                let instance = self.next_instance_id();
                let address = if self.classic_addresses {
                    self.classic_contract_addr(*code_id, instance)
                } else {
                    self.contract_addr(&format!("instance-{instance}-{label}"))
                };
                let funds = normalized(funds);
                let (_, data) =
                    self.instantiate_msg(*code_id, &address, sender, msg, &funds, depth)?;
                // MsgInstantiateContractResponse { string address = 1; bytes data = 2 }
                let mut value = proto_bytes(1, address.as_bytes());
                value.extend(proto_bytes(
                    2,
                    data.as_ref().map_or(&[][..], |d| d.as_slice()),
                ));
                Ok((
                    Some(Binary::from(value.clone())),
                    vec![msg_response(
                        "/cosmwasm.wasm.v1.MsgInstantiateContractResponse",
                        value,
                    )],
                ))
            }
            other => Err(CallError::Setup(format!(
                "this VM does not route {other:?} (sent by {sender})"
            ))),
        }
    }

    /// Moves coins within the current transaction, recording the bank's storage gas.
    pub(crate) fn transfer(
        &mut self,
        from: &Addr,
        to: &Addr,
        coins: &[Coin],
        depth: u32,
    ) -> CallResult<()> {
        if coins.is_empty() {
            return Ok(());
        }
        let before = self.bank_view(from, Some(to), coins);
        let moved = move_coins(&mut lock(&self.world), from, to, coins);
        self.record_bank(from, Some(to), &before, coins, depth, moved.is_ok());
        moved.map_err(|e| self.failed(CallError::Bank(e), "sdk", 5))?;
        self.events.push(
            Event::new("transfer")
                .add_attribute("recipient", to)
                .add_attribute("sender", from)
                .add_attribute("amount", coins_string(coins)),
        );
        Ok(())
    }

    fn burn(&mut self, from: &Addr, coins: &[Coin], depth: u32) -> CallResult<()> {
        let sink = Addr::unchecked("burned");
        let before = self.bank_view(from, None, coins);
        let moved = move_coins(&mut lock(&self.world), from, &sink, coins);
        self.record_bank(from, None, &before, coins, depth, moved.is_ok());
        moved.map_err(|e| self.failed(CallError::Bank(e), "sdk", 5))?;
        lock(&self.world).balances.remove(sink.as_str());
        self.events.push(
            Event::new("burn")
                .add_attribute("burner", from)
                .add_attribute("amount", coins_string(coins)),
        );
        Ok(())
    }

    /// Each coin's balance of `from` and of `to` before a move.
    fn bank_view(&self, from: &Addr, to: Option<&Addr>, coins: &[Coin]) -> Vec<(u128, u128)> {
        let world = lock(&self.world);
        let balance = |who: &Addr, denom: &str| -> u128 {
            world
                .balances
                .get(who.as_str())
                .and_then(|cs| cs.iter().find(|c| c.denom == denom))
                .map_or(0, |c| c.amount.u128())
        };
        coins
            .iter()
            .map(|c| {
                (
                    balance(from, &c.denom),
                    to.map_or(0, |t| balance(t, &c.denom)),
                )
            })
            .collect()
    }

    /// Records what the bank's store operations of a move cost (a refused move: its reads).
    fn record_bank(
        &mut self,
        from: &Addr,
        to: Option<&Addr>,
        before: &[(u128, u128)],
        coins: &[Coin],
        depth: u32,
        ok: bool,
    ) {
        let len = |a: &Addr| self.canonicalize(a).map_or(20, |c| c.len() as u64);
        let moves: Vec<(&str, u128, u128, u128, u128)> = coins
            .iter()
            .zip(before)
            .map(|(c, &(from_before, to_before))| {
                let amount = c.amount.u128();
                (
                    c.denom.as_str(),
                    from_before,
                    from_before.saturating_sub(amount),
                    to_before,
                    to_before.saturating_add(amount),
                )
            })
            .collect();
        let mut kv = KvStats::bank_send(len(from), to.map(len), &moves);
        if !ok {
            // The bank stops at the balance it cannot debit: nothing is written.
            kv.writes = 0;
            kv.write_bytes = 0;
            kv.deletes = 0;
            kv.has_checks = 0;
        }
        self.trace.push(CallRecord {
            contract: from.to_string(),
            entry: Entry::Bank,
            depth,
            setup: 0,
            vm_gas: 0,
            vm_gas_external: 0,
            kv,
            event_gas: 0,
            ok,
        });
    }

    fn contract_exists(&mut self, contract: &Addr) -> CallResult<()> {
        if lock(&self.world).contracts.contains_key(contract) {
            Ok(())
        } else {
            let e = CallError::Setup(format!("no contract at {contract}"));
            Err(self.failed(e, "wasm", 22)) // ErrNoSuchContractFn
        }
    }

    fn check_depth(&mut self, depth: u32) -> CallResult<()> {
        check_depth(depth).map_err(|e| self.failed(e, "wasm", 30)) // ErrExceedMaxCallDepth
    }

    /// Records how a reply would see `e` (not deterministic: its codespace and code).
    fn failed(&mut self, e: CallError, codespace: &'static str, code: u32) -> CallError {
        self.failure = Some(Failure {
            codespace,
            code,
            text: None,
        });
        e
    }

    /// The error of a contract call as wasmd wraps it (keeper.go): the contract's own error
    /// `MarkErrorDeterministic(errorsmod.Wrap(ErrExecuteFailed or ErrInstantiateFailed,
    /// res.Err))`, so "<error>: <what> wasm contract failed"; the VM's `ErrVMError` (29).
    fn called(&mut self, e: CallError, what: &str, code: u32) -> CallError {
        match &e {
            CallError::Contract(m) => {
                self.failure = Some(Failure {
                    codespace: "wasm",
                    code,
                    text: Some(format!("{m}: {what} wasm contract failed")),
                });
                e
            }
            CallError::Vm(_) => self.failed(e, "wasm", 29),
            CallError::Bank(_) | CallError::Setup(_) => e,
        }
    }

    /// `errorsmod.Wrap(err, ...)`: the error is no longer deterministic at the top.
    fn wrapped(&mut self, e: CallError) -> CallError {
        if let Some(f) = &mut self.failure {
            f.text = None;
        }
        e
    }

    /// What the sender's reply sees of the failed sub-message's error `e`.
    fn redact(&mut self, e: &CallError) -> String {
        match self.failure.take() {
            Some(Failure {
                text: Some(text), ..
            }) => text,
            Some(f) => format!("codespace: {}, code: {}", f.codespace, f.code),
            None => redact(e),
        }
    }

    /// Emits the events of `contract`'s response, as wasmd checks and emits them
    /// (x/wasm/keeper/events.go): an empty or `_`-prefixed attribute key, or a custom event
    /// type of 2 characters or fewer, fails the call (`ErrInvalidEvent`, 21).
    pub(crate) fn emit(&mut self, contract: &Addr, resp: &Response) -> CallResult<()> {
        let attributes = resp
            .attributes
            .iter()
            .chain(resp.events.iter().flat_map(|e| e.attributes.iter()));
        for a in attributes {
            let key = a.key.trim();
            if key.is_empty() || key.starts_with('_') {
                let e = CallError::Vm(format!("invalid event: attribute key '{key}'"));
                return Err(self.failed(e, "wasm", 21));
            }
        }
        if let Some(e) = resp.events.iter().find(|e| e.ty.trim().len() <= 2) {
            let e = CallError::Vm(format!("invalid event: event type too short: '{}'", e.ty));
            return Err(self.failed(e, "wasm", 21));
        }
        self.events.extend(wasm_events(contract.as_str(), resp));
        Ok(())
    }

    /// An address as the chain validates a message's: bech32 with this chain's prefix.
    fn valid_addr(&self, address: &str) -> CallResult<Addr> {
        use cosmwasm_vm::BackendApi;
        self.api()
            .addr_validate(address)
            .0
            .map_err(|e| CallError::Setup(format!("invalid address {address}: {e}")))?;
        Ok(Addr::unchecked(address))
    }
}

fn json(value: &impl serde::Serialize) -> CallResult<Vec<u8>> {
    to_json_vec(value).map_err(|e| CallError::Setup(e.to_string()))
}

/// The events of a succeeded sub-message as wasmd hands them to the reply
/// (`DispatchSubmessages`): none for a message that is not a `WasmMsg`, and otherwise each
/// event's attributes sorted by key (a stable sort).
fn handed_events(msg: &CosmosMsg<Empty>, events: &[Event]) -> Vec<Event> {
    if !matches!(msg, CosmosMsg::Wasm(_)) {
        return vec![];
    }
    let mut events = events.to_vec();
    for e in &mut events {
        e.attributes.sort_by(|a, b| a.key.cmp(&b.key));
    }
    events
}

/// Coins as wasmd converts a message's (`ConvertWasmCoinsToSdkCoins`,
/// x/wasm/keeper/handler_plugin_encoders.go: `sdk.Coins.Add` merges a denom's amounts and
/// drops zeros, then sorts by denom).
fn normalized(coins: &[Coin]) -> Vec<Coin> {
    let mut sums: BTreeMap<&str, Uint128> = BTreeMap::new();
    for c in coins {
        let sum = sums.entry(c.denom.as_str()).or_default();
        *sum = sum.saturating_add(c.amount);
    }
    sums.into_iter()
        .filter(|(_, amount)| !amount.is_zero())
        .map(|(denom, amount)| Coin::new(amount, denom))
        .collect()
}

fn check_depth(depth: u32) -> CallResult<()> {
    if depth > MAX_CALL_DEPTH {
        return Err(CallError::Setup(format!(
            "sub-messages nested more than {MAX_CALL_DEPTH} deep"
        )));
    }
    Ok(())
}

/// What a reply sees of a failed sub-message whose origin was not recorded: the codespace
/// and code only, so that a contract cannot branch on a message that is not deterministic.
fn redact(e: &CallError) -> String {
    match e {
        CallError::Contract(_) | CallError::Vm(_) | CallError::Setup(_) => {
            "codespace: wasm, code: 5".into()
        }
        CallError::Bank(_) => "codespace: sdk, code: 5".into(),
    }
}

fn msg_response(type_url: &str, value: Vec<u8>) -> MsgResponse {
    MsgResponse {
        type_url: type_url.into(),
        value: Binary::from(value),
    }
}

/// One length-delimited protobuf field (omitted when empty, as proto3 does).
fn proto_bytes(field: u32, bytes: &[u8]) -> Vec<u8> {
    if bytes.is_empty() {
        return vec![];
    }
    let mut out = vec![];
    let mut varint = |mut v: u64| loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            break;
        }
        out.push(byte | 0x80);
    };
    varint(u64::from(field << 3 | 2));
    varint(bytes.len() as u64);
    out.extend_from_slice(bytes);
    out
}

/// Coins as the SDK prints them in events: `100ueur,5uatom`.
fn coins_string(coins: &[Coin]) -> String {
    coins
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_responses_are_protobuf_as_wasmd_encodes_them() {
        assert_eq!(proto_bytes(1, b"abc"), vec![0x0a, 3, b'a', b'b', b'c']);
        assert_eq!(proto_bytes(2, b"x"), vec![0x12, 1, b'x']);
        assert_eq!(proto_bytes(1, b""), Vec::<u8>::new());
        let long = vec![7u8; 200];
        let encoded = proto_bytes(1, &long);
        assert_eq!(&encoded[..3], &[0x0a, 0xc8, 0x01]);
        assert_eq!(encoded.len(), 203);
    }

    #[test]
    fn a_reply_sees_only_the_codespace_and_code() {
        let contract = CallError::Contract("[code=frozen] bob is frozen".into());
        assert_eq!(redact(&contract), "codespace: wasm, code: 5");
        assert_eq!(
            redact(&CallError::Bank("insufficient funds".into())),
            "codespace: sdk, code: 5"
        );
    }

    #[test]
    fn coins_print_as_the_sdk_prints_them() {
        let coins = [Coin::new(100u128, "ueur"), Coin::new(5u128, "uatom")];
        assert_eq!(coins_string(&coins), "100ueur,5uatom");
    }
}
