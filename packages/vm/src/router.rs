//! The router: every entry point of a [`Vm`] is one transaction, run as wasmd runs it.
//!
//! - The call runs; its storage changes are kept for the rest of the transaction.
//! - Then its response's messages run in order, each a sub-transaction: `WasmMsg::Execute`
//!   (coins attached move first), `WasmMsg::Instantiate` (at a new address), `BankMsg::Send`
//!   and `BankMsg::Burn`. Each one's own messages run in turn, depth first.
//! - A sub-message that fails is rolled back whole (storage of every contract, bank
//!   balances, its events). With `reply_on_error` or `reply_always` the sender's `reply`
//!   gets the error, redacted as wasmd redacts it (`codespace: wasm, code: 5` and the
//!   like); otherwise the failure fails the transaction. A succeeded sub-message with
//!   `reply_on_success` or `reply_always` gets its events (none for a bank message; a
//!   wasm message's with their attributes sorted by key), data (`None` when empty) and
//!   `msg_responses` (none for a burn), and `gas_used` 0, as wasmd hands them.
//! - A reply that fails fails the sub-message's parent. A reply's data replaces the
//!   parent's data.
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
    Response, SubMsgResponse, SubMsgResult, WasmMsg,
};
use cosmwasm_vm::{call_execute_raw, call_instantiate_raw, call_reply_raw};

use crate::gas::{reply_event_gas, wasm_events, CallRecord, Entry, KvStats};
use crate::querier::{lock, ContractState};
use crate::storage::Dump;
use crate::vm::{info, move_coins, CallError, CallResult, Executed, Setup, Vm};

/// How deep sub-messages may nest (a contract that calls itself forever fails here).
pub const MAX_CALL_DEPTH: u32 = 64;

/// The state a rollback restores: every contract, the bank, and the instance counter (on a
/// chain a sequence in the store).
type Snapshot = (
    BTreeMap<Addr, ContractState>,
    BTreeMap<String, Vec<Coin>>,
    u64,
);

/// What a call and its messages hand back: the response of the call, and the data its
/// caller sees (the call's, or the last a reply set).
type Outcome = CallResult<(Response<Empty>, Option<Binary>)>;

impl Vm {
    fn snapshot(&self) -> Snapshot {
        let world = lock(&self.world);
        (
            world.contracts.clone(),
            world.balances.clone(),
            self.instances,
        )
    }

    fn restore(&mut self, snapshot: Snapshot) {
        let mut world = lock(&self.world);
        world.contracts = snapshot.0;
        world.balances = snapshot.1;
        self.instances = snapshot.2;
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
        lock(&self.world).tx_codes = Some(HashSet::new());
        let ran = f(self);
        lock(&self.world).tx_codes = None;
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
        check_depth(depth)?;
        self.contract_exists(contract)?;
        self.transfer(sender, contract, funds, depth)?;
        let info = json(&info(sender, funds))?;
        let resp = self.call(
            contract,
            Entry::Execute,
            depth,
            None,
            Setup::Load,
            |i, env| call_execute_raw(i, env, &info, msg),
        )?;
        self.events
            .push(Event::new("execute").add_attribute("_contract_address", contract));
        self.events.extend(wasm_events(contract.as_str(), &resp));
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
        check_depth(depth)?;
        let checksum = self.checksum(code_id)?;
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
        let resp = self.call(
            address,
            Entry::Instantiate,
            depth,
            None,
            Setup::Load,
            |i, env| call_instantiate_raw(i, env, &info, msg),
        )?;
        self.events.push(
            Event::new("instantiate")
                .add_attribute("_contract_address", address)
                .add_attribute("code_id", code_id.to_string()),
        );
        self.events.extend(wasm_events(address.as_str(), &resp));
        let data = self.dispatch(address, &resp, depth)?;
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
                        ReplyOn::Error | ReplyOn::Always => SubMsgResult::Err(redact(&e)),
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
            let replied = self.call(contract, Entry::Reply, depth, None, setup, |i, env| {
                call_reply_raw(i, env, &reply)
            })?;
            self.events
                .push(Event::new("reply").add_attribute("_contract_address", contract));
            self.events.extend(wasm_events(contract.as_str(), &replied));
            let reply_data = self.dispatch(contract, &replied, depth)?;
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
        match msg {
            CosmosMsg::Bank(BankMsg::Send { to_address, amount }) => {
                let to = self.valid_addr(to_address)?;
                self.transfer(sender, &to, amount, depth)?;
                Ok((
                    None,
                    vec![msg_response("/cosmos.bank.v1beta1.MsgSendResponse", vec![])],
                ))
            }
            CosmosMsg::Bank(BankMsg::Burn { amount }) => {
                self.burn(sender, amount, depth)?;
                // wasmd's `NewBurnCoinMessageHandler` answers no data and no responses.
                Ok((None, vec![]))
            }
            CosmosMsg::Wasm(WasmMsg::Execute {
                contract_addr,
                msg,
                funds,
            }) => {
                let target = self.valid_addr(contract_addr)?;
                let (_, data) = self.execute_msg(&target, sender, msg, funds, depth)?;
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
                self.instances += 1;
                let address = self.addr(&format!("instance-{}-{label}", self.instances));
                let (_, data) =
                    self.instantiate_msg(*code_id, &address, sender, msg, funds, depth)?;
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
        let moved = move_coins(&mut lock(&self.world), from, to, coins);
        self.record_bank(from, coins, depth, moved.is_ok());
        moved.map_err(CallError::Bank)?;
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
        let moved = move_coins(&mut lock(&self.world), from, &sink, coins);
        self.record_bank(from, coins, depth, moved.is_ok());
        moved.map_err(CallError::Bank)?;
        lock(&self.world).balances.remove(sink.as_str());
        self.events.push(
            Event::new("burn")
                .add_attribute("burner", from)
                .add_attribute("amount", coins_string(coins)),
        );
        Ok(())
    }

    fn record_bank(&mut self, from: &Addr, coins: &[Coin], depth: u32, ok: bool) {
        let mut kv = KvStats::default();
        for c in coins {
            kv.add(&KvStats::bank_transfer(&c.denom, &c.amount.to_string()));
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

    fn contract_exists(&self, contract: &Addr) -> CallResult<()> {
        if lock(&self.world).contracts.contains_key(contract) {
            Ok(())
        } else {
            Err(CallError::Setup(format!("no contract at {contract}")))
        }
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

fn check_depth(depth: u32) -> CallResult<()> {
    if depth > MAX_CALL_DEPTH {
        return Err(CallError::Setup(format!(
            "sub-messages nested more than {MAX_CALL_DEPTH} deep"
        )));
    }
    Ok(())
}

/// What a reply sees of a failed sub-message: wasmd keeps only the error's codespace and
/// code, so that a contract cannot branch on a message that is not deterministic.
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
