//! Adversarial review of the router against wasmd: every test names the wasmd (or Cosmos
//! SDK, wasmvm) behaviour it checks and where it is specified. The reference is the
//! wasmd line that embeds CosmWasm 2.x (wasmvm 2.2, cosmwasm-vm 2.x): wasmd v0.55 to
//! v0.60 (paths below are in wasmd v0.60.8 unless said otherwise), Cosmos SDK 0.50 to 0.53.
//!
//! Two kinds of contracts run here: the real Farthing artifacts (the story's paths), and
//! a scripted probe contract (`tests/probe_contract/probe.rs`, built here with `rustc`)
//! whose `execute` answers the response it is sent, to reach the router's paths that no
//! Farthing contract takes.

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

use cosmwasm_std::{
    coin, coins, from_json, to_json_binary, to_json_vec, Addr, BankMsg, Binary, Coin,
    ContractResult, CosmosMsg, Empty, Event, QueryRequest, Reply, Response, SubMsg, SubMsgResult,
    SystemResult, Uint128, WasmMsg, WasmQuery,
};
use cosmwasm_vm::{BackendApi, Querier};
use farthing_types::escrow::{self, AssetInfo};
use farthing_types::token;
use farthing_vm::gas::{event_gas, GAS_MULTIPLIER};
use farthing_vm::{CallError, CallRecord, Entry, Executed, Vm};

mod support;
use support::world;

/// wasmd `DefaultInstanceCost`.
const INSTANCE_COST: u64 = 60_000;
/// wasmd `DefaultInstanceCostDiscount` (x/wasm/types/gas_register.go, since v0.51).
const INSTANCE_COST_DISCOUNT: u64 = 2_000;
/// wasmd `DefaultGasMultiplier` for CosmWasm 2.x (x/wasm/types/gas_register.go, since v0.51).
const WASMD_GAS_MULTIPLIER: u64 = 140_000;

/// What a call paid for loading the contract: its SDK gas less its VM gas, storage and
/// events (wasmd's `SetupContractCost` / `ReplyCosts`).
fn setup(c: &CallRecord) -> u64 {
    c.sdk_gas() - c.vm_gas / GAS_MULTIPLIER - c.kv.gas() - c.event_gas
}

// ---------------------------------------------------------------------------------------
// The Farthing contracts
// ---------------------------------------------------------------------------------------

/// wasmd v0.51 (CosmWasm 2.0) divided the VM's gas by 1,000 (cosmwasm#1884) and its
/// multiplier with it: `DefaultGasMultiplier uint64 = 140_000`
/// (x/wasm/types/gas_register.go, commit 244c55a4 "Reduce gas factor"; cosmwasm-vm 2.3.5's
/// own `testing/mock.rs` uses the same `WASMD_GAS_MULTIPLIER = 140_000`). With
/// 140,000,000 the VM's share of every call is counted 1,000 times too small.
#[test]
fn vm_gas_is_divided_by_wasmd_s_cosmwasm_2_multiplier() {
    assert_eq!(GAS_MULTIPLIER, WASMD_GAS_MULTIPLIER);
    // On a real call: a cw20 send into the escrow uses tens of millions of VM gas, which
    // wasmd charges as hundreds of SDK gas.
    let mut w = world();
    let done = w.cw20_deal();
    for c in &done.calls {
        assert_eq!(
            c.sdk_gas(),
            setup(c) + c.vm_gas / WASMD_GAS_MULTIPLIER + c.kv.gas() + c.event_gas,
            "{c:?}"
        );
    }
}

/// wasmd's `reply` always charges the discounted setup: `ReplyCosts(true, reply)` in
/// x/wasm/keeper/keeper.go `reply`, i.e. `DefaultInstanceCostDiscount` (2,000) plus the
/// events handed to the reply (none for an error), not 60,000. This is the escrow's
/// refused-payout path (benchmark row "escrow reply: a refused payout is held").
#[test]
fn the_escrow_reply_to_a_refused_payout_pays_the_discounted_setup() {
    let mut w = world();
    w.cw20_deal();
    {
        let bob = w.bob.clone();
        w.freeze(&bob, true);
    }
    let done = w.release(1).unwrap();
    let reply = done
        .calls
        .iter()
        .find(|c| c.entry == Entry::Reply)
        .expect("the escrow's reply");
    assert_eq!(setup(reply), INSTANCE_COST_DISCOUNT, "{reply:?}");
}

/// wasmd charges `DefaultInstanceCostDiscount` (2,000) instead of 60,000 for a call into a
/// code whose checksum already ran in the same transaction
/// (`checkDiscountEligibility` in x/wasm/keeper/keeper.go, with the `TxContracts` that
/// wasmd's ante handler `NewTxContractsDecorator` puts in every transaction, app/ante.go;
/// wasmd PR #1987). `SweepStray` in cw20 queries the token's balance (first load of the
/// token's code: 60,000) then executes the token's transfer (second: 2,000).
#[test]
fn a_second_call_into_a_code_in_the_same_transaction_is_discounted() {
    let mut w = world();
    // 50 tokens reach the escrow outside its messages: stray.
    let (token, alice, escrow, owner) = (
        w.token.clone(),
        w.alice.clone(),
        w.escrow.clone(),
        w.owner.clone(),
    );
    let transfer = token::ExecuteMsg::Transfer {
        recipient: escrow.to_string(),
        amount: Uint128::new(50),
    };
    w.vm.execute(&token, &alice, &transfer, &[]).unwrap();
    let sweep = escrow::ExecuteMsg::SweepStray {
        asset: AssetInfo::Cw20 {
            address: token.clone(),
        },
        to: w.bob.to_string(),
    };
    let done = w.vm.execute(&escrow, &owner, &sweep, &[]).unwrap();
    let setups: Vec<(Entry, u64)> = done
        .calls
        .iter()
        .filter(|c| c.entry != Entry::Bank)
        .map(|c| (c.entry, setup(c)))
        .collect();
    assert_eq!(
        setups,
        vec![
            (Entry::Execute, INSTANCE_COST),
            (Entry::Query, INSTANCE_COST),
            (Entry::Execute, INSTANCE_COST_DISCOUNT),
        ]
    );
}

/// wasmd's address API costs, in SDK gas times the multiplier, reported to the VM as
/// used inside it (x/wasm/keeper/api.go: humanize 5, canonicalize 4, validate 9;
/// wasmvm libwasmvm/src/api.rs `GasInfo::with_cost`). cosmwasm-vm's `MockApi` swaps the
/// first two (humanize 4, canonicalize 5): every canonical key a contract derives costs
/// one SDK gas more than on wasmd, every humanized address one less.
#[test]
fn address_api_calls_cost_what_wasmd_charges() {
    let vm = Vm::new().unwrap();
    let alice = vm.addr("alice");
    let (canonical, gas) = vm.api().addr_canonicalize(alice.as_str());
    assert_eq!(gas.cost, 4 * WASMD_GAS_MULTIPLIER, "canonicalize");
    let (_, gas) = vm.api().addr_humanize(&canonical.unwrap());
    assert_eq!(gas.cost, 5 * WASMD_GAS_MULTIPLIER, "humanize");
    let (_, gas) = vm.api().addr_validate(alice.as_str());
    assert_eq!(gas.cost, 9 * WASMD_GAS_MULTIPLIER, "validate");
}

/// An account of a wasmd chain is 20 bytes (secp256k1: RIPEMD160(SHA256(pubkey)),
/// cosmos-sdk crypto/keys/secp256k1); only contracts are 32 (wasmd
/// `BuildContractAddressClassic`). `Vm::addr` makes every party 32 bytes
/// (`MockApi::addr_make`), so every storage key holding a user's canonical address (the
/// token's balances, the registry's records) is 12 bytes longer than on a chain: 36 SDK
/// gas per read and 360 per write more.
#[test]
fn a_user_account_is_20_bytes_as_on_a_chain() {
    let vm = Vm::new().unwrap();
    let alice = vm.addr("alice");
    assert_eq!(vm.canonicalize(&alice).unwrap().len(), 20);
}

/// The Cosmos SDK bank's `SendCoins` (x/bank/keeper/send.go) reads the sender's account
/// for its locked coins (`subUnlockedCoins` -> `LockedCoins` -> `GetAccount`), reads and
/// writes both balances, removes a balance that reaches zero (`setBalance`: `IsZero` ->
/// `Balances.Remove`), and checks the recipient's account (`HasAccount`, 1,000 flat);
/// wasmd's `BankCoinTransferrer`/the bank's `MsgSend` also read the send-enabled params
/// first. The router charges two reads and two writes per coin, with the amount sent as
/// the stored value and a 20-byte address for every account, the escrow's included.
#[test]
fn a_native_payout_pays_the_banks_reads_and_removes_an_emptied_balance() {
    let mut w = world();
    let (escrow, alice) = (w.escrow.clone(), w.alice.clone());
    let create = escrow::ExecuteMsg::CreateDeal(w.terms());
    w.vm.execute(&escrow, &alice, &create, &coins(100, "ueur"))
        .unwrap();
    let done = w.release(1).unwrap();
    // The escrow held exactly 100ueur and pays all of it.
    assert_eq!(w.vm.balances(&escrow), Vec::<Coin>::new());
    let bank = done
        .calls
        .iter()
        .find(|c| c.entry == Entry::Bank)
        .expect("the bank send");
    assert!(bank.kv.reads >= 3, "account + two balances: {:?}", bank.kv);
    assert_eq!(
        bank.kv.deletes, 1,
        "the escrow's emptied balance: {:?}",
        bank.kv
    );
}

/// wasmd answers `WasmQuery::Raw` without checking that a contract lives at the address:
/// `WasmQuerier` -> `k.QueryRaw(ctx, addr, key)` reads the prefixed store and returns nil
/// (x/wasm/keeper/query_plugins.go `WasmQuerier`, keeper.go `QueryRaw`). The router
/// answers `SystemError::NoSuchContract`, so a client reading a registry at a wrong
/// address fails differently (cw-storage-plus `Item::query` sees "not found" on a chain).
#[test]
fn a_raw_query_into_an_address_without_a_contract_answers_nothing() {
    let vm = Vm::new().unwrap();
    let nobody = vm.addr("nobody");
    let request = to_json_vec(&QueryRequest::<Empty>::Wasm(WasmQuery::Raw {
        contract_addr: nobody.to_string(),
        key: Binary::from(b"policy".to_vec()),
    }))
    .unwrap();
    let (answer, _) = vm.querier().query_raw(&request, u64::MAX);
    assert_eq!(
        answer.unwrap(),
        SystemResult::Ok(ContractResult::Ok(Binary::default()))
    );
}

// ---------------------------------------------------------------------------------------
// The probe contract
// ---------------------------------------------------------------------------------------

fn probe_wasm() -> &'static [u8] {
    static WASM: OnceLock<Vec<u8>> = OnceLock::new();
    WASM.get_or_init(|| {
        let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/probe_contract/probe.rs");
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("probe.wasm");
        let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
        let status = Command::new(rustc)
            .args([
                "--edition",
                "2021",
                "--crate-type",
                "cdylib",
                "--target",
                "wasm32-unknown-unknown",
                "-C",
                "opt-level=s",
                "-C",
                "panic=abort",
                "-C",
                "target-cpu=mvp",
                "-C",
                "strip=debuginfo",
                "-o",
            ])
            .arg(&out)
            .arg(&src)
            .status()
            .expect("rustc runs");
        assert!(
            status.success(),
            "the probe needs rustc with the wasm32-unknown-unknown target"
        );
        std::fs::read(&out).unwrap()
    })
}

struct Probes {
    vm: Vm,
    code: u64,
    a: Addr,
    b: Addr,
    user: Addr,
}

fn ok(resp: Response) -> ContractResult<Response> {
    ContractResult::Ok(resp)
}

fn probes() -> Probes {
    let mut vm = Vm::new().unwrap();
    let code = vm.store_code(probe_wasm()).unwrap();
    let user = vm.addr("user");
    let (a, _) = vm
        .instantiate(code, "a", &user, &ok(Response::new()), &[])
        .unwrap();
    let (b, _) = vm
        .instantiate(code, "b", &user, &ok(Response::new()), &[])
        .unwrap();
    Probes {
        vm,
        code,
        a,
        b,
        user,
    }
}

/// `contract` answers `answer` when executed.
fn exec(contract: &Addr, answer: &ContractResult<Response>, funds: Vec<Coin>) -> CosmosMsg {
    WasmMsg::Execute {
        contract_addr: contract.to_string(),
        msg: to_json_binary(answer).unwrap(),
        funds,
    }
    .into()
}

impl Probes {
    /// `a` is executed by the user and answers `answer`.
    fn run(&mut self, answer: Response) -> Result<Executed, CallError> {
        let (a, user) = (self.a.clone(), self.user.clone());
        self.vm.execute(&a, &user, &ok(answer), &[])
    }

    /// The last `Reply` `contract` got.
    fn reply(&self, contract: &Addr) -> Reply {
        let raw = self.vm.raw(contract, b"reply").unwrap().expect("a reply");
        from_json(raw).unwrap()
    }
}

#[test]
fn the_probe_runs_on_the_vm() {
    let mut p = probes();
    let done = p
        .run(Response::new().add_attribute("probe", "yes"))
        .unwrap();
    assert_eq!(done.attribute("probe"), Some("yes"));
}

/// For a sub-message that is not a `WasmMsg`, wasmd hands the reply no events:
/// `if msg.Msg.Wasm == nil { filteredEvents = []sdk.Event{} }` (x/wasm/keeper/
/// msg_dispatcher.go `DispatchSubmessages`, wasmd#917 "stripping out anything coming from
/// Cosmos SDK"). The router hands it the bank's `transfer` event.
#[test]
fn a_bank_send_s_reply_gets_no_events() {
    let mut p = probes();
    p.vm.set_balances(&p.a, coins(10, "ueur"));
    let send = BankMsg::Send {
        to_address: p.user.to_string(),
        amount: coins(4, "ueur"),
    };
    p.run(Response::new().add_submessage(SubMsg::reply_on_success(send, 7)))
        .unwrap();
    let reply = p.reply(&p.a);
    let SubMsgResult::Ok(response) = reply.result else {
        panic!("{reply:?}")
    };
    assert_eq!(response.events, Vec::<Event>::new());
    assert_eq!(
        response.msg_responses[0].type_url,
        "/cosmos.bank.v1beta1.MsgSendResponse"
    );
}

/// wasmd routes `BankMsg::Burn` to `NewBurnCoinMessageHandler` (x/wasm/keeper/
/// handler_plugin.go), which returns no data and no `msg_responses` (`return nil, nil,
/// nil, nil`), and refuses an empty amount (`ErrEmpty`). The router answers a
/// `MsgBurnResponse`.
#[test]
fn a_burn_answers_no_msg_responses() {
    let mut p = probes();
    p.vm.set_balances(&p.a, coins(10, "ueur"));
    let burn = BankMsg::Burn {
        amount: coins(4, "ueur"),
    };
    p.run(Response::new().add_submessage(SubMsg::reply_on_success(burn, 7)))
        .unwrap();
    assert_eq!(p.vm.balances(&p.a), coins(6, "ueur"));
    let SubMsgResult::Ok(response) = p.reply(&p.a).result else {
        panic!("the burn failed")
    };
    assert!(response.msg_responses.is_empty(), "{response:?}");
}

/// wasmd sorts the attributes of every event it hands a reply by key
/// (`sort.SliceStable(attributes, ... strings.Compare(key) ...)` in `DispatchSubmessages`,
/// CHANGELOG "we also sort all attributes in events"). The router keeps the contract's
/// order.
#[test]
fn a_reply_sees_event_attributes_sorted_by_key() {
    let mut p = probes();
    let b_answer = ok(Response::new()
        .add_attribute("zeta", "1")
        .add_attribute("alpha", "2"));
    p.run(
        Response::new().add_submessage(SubMsg::reply_on_success(exec(&p.b, &b_answer, vec![]), 7)),
    )
    .unwrap();
    let SubMsgResult::Ok(response) = p.reply(&p.a).result else {
        panic!("b failed")
    };
    let wasm = response
        .events
        .iter()
        .find(|e| e.ty == "wasm")
        .expect("b's wasm event");
    let keys: Vec<&str> = wasm.attributes.iter().map(|a| a.key.as_str()).collect();
    assert_eq!(keys, vec!["_contract_address", "alpha", "zeta"]);
}

/// The data of a `WasmMsg::Execute` sub-message is the `MsgExecuteContractResponse`
/// protobuf; for a contract that returns no data it is empty, and wasmvm's
/// `SubMsgResponse.Data` is `json:"data,omitempty"` (wasmvm types/submessages.go), so the
/// reply sees `None`. The router hands `Some("")`.
#[test]
fn an_execute_without_data_reaches_the_reply_as_none() {
    let mut p = probes();
    p.run(Response::new().add_submessage(SubMsg::reply_on_success(
        exec(&p.b, &ok(Response::new()), vec![]),
        7,
    )))
    .unwrap();
    #[allow(deprecated)]
    let data = match p.reply(&p.a).result {
        SubMsgResult::Ok(response) => response.data,
        SubMsgResult::Err(e) => panic!("{e}"),
    };
    assert_eq!(data, None);
}

/// wasmd (v0.51 to v0.61) never fills `Reply.gas_used`: `DispatchSubmessages` builds
/// `wasmvmtypes.Reply{ID, Result, Payload}` only, so a reply reads 0. The router fills it
/// with its own SDK-gas estimate.
#[test]
fn a_reply_reads_no_gas_used() {
    let mut p = probes();
    p.run(Response::new().add_submessage(SubMsg::reply_on_success(
        exec(&p.b, &ok(Response::new()), vec![]),
        7,
    )))
    .unwrap();
    assert_eq!(p.reply(&p.a).gas_used, 0);
}

/// Since wasmd v0.51 a contract's own error is a `DeterministicError` and reaches the
/// sender's reply unredacted, wrapped as `errorsmod.Wrap(ErrExecuteFailed, res.Err)`:
/// "<error>: execute wasm contract failed" (keeper.go `execute`: `MarkErrorDeterministic`;
/// msg_dispatcher.go `redactError`: "If it is a DeterministicError, we can safely return
/// it without redaction"; commit 4e7e5342). Only errors that are not (bank, a failing
/// nested reply wrapped in "reply") become "codespace: ..., code: ...". The router
/// redacts every contract error to "codespace: wasm, code: 5".
#[test]
fn a_contract_error_reaches_the_reply_unredacted() {
    let mut p = probes();
    let refusal: ContractResult<Response> = ContractResult::Err("[code=frozen] no".into());
    p.run(Response::new().add_submessage(SubMsg::reply_on_error(exec(&p.b, &refusal, vec![]), 7)))
        .unwrap();
    assert_eq!(
        p.reply(&p.a).result,
        SubMsgResult::Err("[code=frozen] no: execute wasm contract failed".into())
    );
}

/// The bank's own refusal is not deterministic and is redacted to its codespace and code
/// (`redactError`: "sdk/5 is insufficient funds (on bank send)"). The router agrees: kept
/// as a regression test.
#[test]
fn a_bank_refusal_reaches_the_reply_redacted() {
    let mut p = probes();
    let send = BankMsg::Send {
        to_address: p.user.to_string(),
        amount: coins(4, "ueur"),
    };
    p.run(Response::new().add_submessage(SubMsg::reply_on_error(send, 7)))
        .unwrap();
    assert_eq!(
        p.reply(&p.a).result,
        SubMsgResult::Err("codespace: sdk, code: 5".into())
    );
}

/// wasmd's contract addresses come from a sequence in the store (`mustAutoIncrementID`,
/// `BuildContractAddressClassic(codeID, instanceID)`), which a failed transaction or a
/// rolled-back sub-message does not advance. The router's `instances` counter lives
/// outside the snapshot: a failed instantiate moves every later address.
#[test]
fn a_failed_instantiate_does_not_move_later_addresses() {
    let instantiate = |p: &Probes, answer: ContractResult<Response>| -> CosmosMsg {
        WasmMsg::Instantiate {
            admin: None,
            code_id: p.code,
            msg: to_json_binary(&answer).unwrap(),
            funds: vec![],
            label: "child".into(),
        }
        .into()
    };
    // A transaction whose instantiate fails (and fails the transaction), then one that
    // succeeds ...
    let mut p = probes();
    let fails = instantiate(&p, ContractResult::Err("no".into()));
    assert!(p.run(Response::new().add_message(fails)).is_err());
    let works = instantiate(&p, ok(Response::new()));
    p.run(Response::new().add_submessage(SubMsg::reply_on_success(works.clone(), 1)))
        .unwrap();
    let after_failure = p.reply(&p.a);
    // ... gives the child the address it gets on a chain where the failure never ran.
    let mut q = probes();
    q.run(Response::new().add_submessage(SubMsg::reply_on_success(works, 1)))
        .unwrap();
    let fresh = q.reply(&q.a);
    let (SubMsgResult::Ok(x), SubMsgResult::Ok(y)) = (after_failure.result, fresh.result) else {
        panic!("instantiate failed")
    };
    // MsgInstantiateContractResponse { address, data }
    assert_eq!(x.msg_responses, y.msg_responses);
}

/// wasmd gives every new contract its own address (`BuildContractAddressClassic` from the
/// code id and a global instance sequence, keeper.go `instantiate`), whatever its label:
/// two children of the same code and label live at two addresses.
#[test]
fn two_instantiations_with_one_label_get_two_addresses() {
    let mut p = probes();
    let child = WasmMsg::Instantiate {
        admin: None,
        code_id: p.code,
        msg: to_json_binary(&ok(Response::new())).unwrap(),
        funds: vec![],
        label: "child".into(),
    };
    let mut addresses = vec![];
    for _ in 0..2 {
        let sub = SubMsg::reply_on_success(CosmosMsg::from(child.clone()), 1);
        p.run(Response::new().add_submessage(sub)).unwrap();
        let SubMsgResult::Ok(answer) = p.reply(&p.a).result else {
            panic!("instantiate failed")
        };
        addresses.push(answer.msg_responses[0].value.clone());
    }
    assert_ne!(addresses[0], addresses[1]);
}

/// wasmd runs a contract's queries on a cache of the context the contract is writing to
/// (`QueryHandler.Query`: `q.Ctx.WithGasMeter(...).CacheContext()`, query_plugins.go), and
/// the contract's store is that same context's prefixed store (keeper.go
/// `contractInstance`): a query, raw or smart, into the calling contract sees what the
/// call has written so far. The router answers from the committed storage.
#[test]
fn a_query_into_the_calling_contract_sees_its_own_writes() {
    let mut p = probes();
    let raw = QueryRequest::<Empty>::Wasm(WasmQuery::Raw {
        contract_addr: p.a.to_string(),
        key: Binary::from(b"k".to_vec()),
    });
    let (a, user) = (p.a.clone(), p.user.clone());
    p.vm.execute(&a, &user, &serde_json::json!({ "?": raw }), &[])
        .unwrap();
    let answer: SystemResult<ContractResult<Binary>> =
        from_json(p.vm.raw(&p.a, b"answer").unwrap().unwrap()).unwrap();
    assert_eq!(
        answer,
        SystemResult::Ok(ContractResult::Ok(Binary::from(b"1".to_vec())))
    );
}

/// wasmd converts a message's coins with `ConvertWasmCoinsToSdkCoins` (x/wasm/keeper/
/// handler_plugin_encoders.go): `sdk.Coins.Add` drops zero amounts and merges duplicate
/// denoms, so funds of `0ueur` move nothing and cannot fail. The router asks the bank for
/// 0ueur from an account that has none and fails.
#[test]
fn zero_coins_attached_to_a_sub_message_move_nothing() {
    let mut p = probes();
    let call_b = exec(&p.b, &ok(Response::new()), vec![coin(0, "ueur")]);
    p.run(Response::new().add_message(call_b)).unwrap();
}

/// A `BankMsg::Send` of nothing is refused on a chain: the coins convert to an empty
/// `sdk.Coins` and the bank's `MsgSend` server refuses `!msg.Amount.IsAllPositive()` with
/// `ErrInvalidCoins` (cosmos-sdk x/bank/keeper/msg_server.go `Send`), redacted for the
/// reply to "codespace: sdk, code: 10". The router moves nothing and succeeds.
#[test]
fn a_bank_send_of_nothing_is_refused() {
    let mut p = probes();
    p.vm.set_balances(&p.a, coins(10, "ueur"));
    for amount in [vec![], vec![coin(0, "ueur")]] {
        let send = BankMsg::Send {
            to_address: p.user.to_string(),
            amount: amount.clone(),
        };
        p.run(Response::new().add_submessage(SubMsg::reply_on_error(send, 7)))
            .unwrap();
        assert_eq!(
            p.vm.raw(&p.a, b"reply")
                .unwrap()
                .map(|r| from_json::<Reply>(r).unwrap().result),
            Some(SubMsgResult::Err("codespace: sdk, code: 10".into())),
            "{amount:?}"
        );
        p.vm.set_raw(&p.a.clone(), b"reply", None).unwrap();
    }
}

/// wasmd refuses a response whose attribute key starts with `_` (reserved for
/// `_contract_address`) or whose custom event type is 2 characters or fewer
/// (x/wasm/keeper/events.go `contractSDKEventAttributes`, `newCustomEvents`:
/// `ErrInvalidEvent`), failing the call after it ran. The router emits them.
#[test]
fn reserved_attribute_keys_and_short_event_types_fail_the_call() {
    // cosmwasm-std's builders refuse a `_` key; a contract's JSON can still carry one.
    let mut p = probes();
    let (a, user) = (p.a.clone(), p.user.clone());
    let reserved = serde_json::json!({"ok": {"messages": [], "events": [], "data": null,
        "attributes": [{"key": "_contract_address", "value": "me"}]}});
    assert!(p.vm.execute(&a, &user, &reserved, &[]).is_err());
    let short = serde_json::json!({"ok": {"messages": [], "attributes": [], "data": null,
        "events": [{"type": "ab", "attributes": [{"key": "k", "value": "v"}]}]}});
    assert!(p.vm.execute(&a, &user, &short, &[]).is_err());
}

/// A call into a code already run in the transaction pays 2,000 (see
/// `a_second_call_into_a_code_in_the_same_transaction_is_discounted`), and a reply pays
/// 2,000 plus the gas of the events it is handed: `ReplyCosts` charges each event's type
/// bytes and `EventCosts` of all their attributes together (one free tier)
/// (x/wasm/types/gas_register.go `ReplyCosts`).
#[test]
fn a_reply_on_success_pays_for_the_events_it_is_handed() {
    let mut p = probes();
    let b_answer = ok(Response::new().add_attribute("action", "x".repeat(150)));
    let done = p
        .run(
            Response::new()
                .add_submessage(SubMsg::reply_on_success(exec(&p.b, &b_answer, vec![]), 7)),
        )
        .unwrap();
    let SubMsgResult::Ok(handed) = p.reply(&p.a).result else {
        panic!("b failed")
    };
    let mut events_cost = 0;
    let mut attrs = Response::<Empty>::new();
    for e in &handed.events {
        events_cost += e.ty.len() as u64;
        attrs = attrs.add_attributes(e.attributes.clone());
    }
    events_cost += event_gas(&attrs);
    let setups: Vec<(Entry, u64)> = done.calls.iter().map(|c| (c.entry, setup(c))).collect();
    assert_eq!(
        setups,
        vec![
            (Entry::Execute, INSTANCE_COST),
            (Entry::Execute, INSTANCE_COST_DISCOUNT),
            (Entry::Reply, INSTANCE_COST_DISCOUNT + events_cost),
        ]
    );
}

/// wasmvm charges the JSON result of every call before parsing it:
/// `DeserializeResponse` adds `len(data) * deserCost` to `UsedInternally`
/// (wasmvm lib_libwasmvm.go), with wasmd's `costJSONDeserialization` = 1 SDK gas per byte
/// (`DefaultDeserializationCostPerByte * DefaultGasMultiplier`, x/wasm/keeper/api.go).
/// Two answers of the probe that differ by 10,000 bytes differ by at least 10,000 SDK gas.
#[test]
fn a_call_pays_one_sdk_gas_per_byte_of_its_json_result() {
    let mut p = probes();
    let short = p.run(Response::new().add_attribute("k", "v")).unwrap();
    let long = p
        .run(Response::new().add_attribute("k", "v".repeat(10_001)))
        .unwrap();
    let vm_sdk = |d: &Executed| d.calls[0].vm_gas / WASMD_GAS_MULTIPLIER;
    assert!(
        vm_sdk(&long) >= vm_sdk(&short) + 10_000,
        "{} vs {}",
        vm_sdk(&long),
        vm_sdk(&short)
    );
}

// ---- regression tests: where the router agrees with wasmd ----

/// Data: a reply's data replaces the sender's, a reply without data keeps it
/// (msg_dispatcher.go `DispatchSubmessages`: `case rspData != nil: rsp = rspData`;
/// keeper.go `DefaultWasmVMContractResponseHandler.Handle`).
#[test]
fn reply_data_overrides_and_no_data_keeps() {
    let mut p = probes();
    let call_b = SubMsg::reply_on_success(exec(&p.b, &ok(Response::new()), vec![]), 7);
    // No reply data: the transaction's data is a's own.
    let done = p
        .run(
            Response::new()
                .set_data(b"mine".to_vec())
                .add_submessage(call_b.clone()),
        )
        .unwrap();
    assert_eq!(done.data, Some(Binary::from(b"mine".to_vec())));
    // The reply sets data: it wins.
    let a = p.a.clone();
    p.vm.set_raw(
        &a,
        b"reply_response",
        Some(&to_json_vec(&ok(Response::new().set_data(b"reply".to_vec()))).unwrap()),
    )
    .unwrap();
    let done = p
        .run(
            Response::new()
                .set_data(b"mine".to_vec())
                .add_submessage(call_b),
        )
        .unwrap();
    assert_eq!(done.data, Some(Binary::from(b"reply".to_vec())));
}

/// A failing reply fails its sender, and the whole transaction with it when nothing above
/// catches it (DispatchSubmessages: `return nil, errorsmod.Wrap(err, "reply")`): nothing
/// changes, coins included, and the next transaction starts clean (no event, no call of
/// the failed one in its record).
#[test]
fn a_failing_reply_fails_the_transaction_and_leaves_nothing() {
    let mut p = probes();
    p.vm.set_balances(&p.a, coins(10, "ueur"));
    let a = p.a.clone();
    p.vm.set_raw(
        &a,
        b"reply_response",
        Some(&to_json_vec(&ContractResult::<Response>::Err("reply refuses".into())).unwrap()),
    )
    .unwrap();
    let before = (p.vm.dump(&p.a).unwrap(), p.vm.dump(&p.b).unwrap());
    let send = BankMsg::Send {
        to_address: p.user.to_string(),
        amount: coins(4, "ueur"),
    };
    let err = p
        .run(Response::new().add_submessage(SubMsg::reply_always(send, 7)))
        .unwrap_err();
    assert!(matches!(err, CallError::Contract(_)), "{err}");
    assert_eq!((p.vm.dump(&p.a).unwrap(), p.vm.dump(&p.b).unwrap()), before);
    assert_eq!(p.vm.balances(&p.a), coins(10, "ueur"));
    assert_eq!(p.vm.balances(&p.user), vec![]);
    let entries: Vec<Entry> = p.vm.last_calls().iter().map(|c| c.entry).collect();
    assert_eq!(entries, vec![Entry::Execute, Entry::Bank, Entry::Reply]);
    let next = p.run(Response::new()).unwrap();
    assert_eq!(next.calls.len(), 1);
    assert!(next.events.iter().all(|e| e.ty != "transfer"));
}

/// A bank send to oneself succeeds when the coins are there and moves nothing
/// (cosmos-sdk `SendCoins`: `subUnlockedCoins` then `addCoins` on the same account).
#[test]
fn a_bank_send_to_oneself_moves_nothing() {
    let mut p = probes();
    p.vm.set_balances(&p.a, coins(10, "ueur"));
    let send = BankMsg::Send {
        to_address: p.a.to_string(),
        amount: coins(10, "ueur"),
    };
    p.run(Response::new().add_message(send.clone())).unwrap();
    assert_eq!(p.vm.balances(&p.a), coins(10, "ueur"));
    let more = BankMsg::Send {
        to_address: p.a.to_string(),
        amount: coins(11, "ueur"),
    };
    assert!(matches!(
        p.run(Response::new().add_message(more)),
        Err(CallError::Bank(_))
    ));
}

/// How each kind of failure reaches a reply (msg_dispatcher.go `redactError`): a contract's
/// own error passed up unwrapped through an `execute` stays deterministic (keeper.go
/// `execute` returns its sub-messages' error as is); an instantiate's refusal is
/// `ErrInstantiateFailed`; an error that went through a failing reply (`Wrap(err,
/// "reply")`) is redacted to its root's codespace and code; a missing contract is
/// `ErrNoSuchContractFn` (22); an invalid event `ErrInvalidEvent` (21).
#[test]
fn each_failure_reaches_the_reply_as_wasmd_wraps_it() {
    let mut p = probes();
    let code = p.code;
    let (a, b) = (p.a.clone(), p.b.clone());
    let refusal = |m: &str| ContractResult::<Response>::Err(m.into());
    let c =
        p.vm.instantiate(code, "c", &p.user.clone(), &ok(Response::new()), &[])
            .unwrap()
            .0;
    let seen = |p: &mut Probes, msg: CosmosMsg| -> String {
        p.run(Response::new().add_submessage(SubMsg::reply_on_error(msg, 7)))
            .unwrap();
        match p.reply(&a).result {
            SubMsgResult::Err(e) => e,
            SubMsgResult::Ok(_) => panic!("no failure"),
        }
    };
    // a -> b -> c, c refuses, b asked no reply: c's error, unwrapped.
    let b_calls_c = ok(Response::new().add_message(exec(&c, &refusal("deep"), vec![])));
    assert_eq!(
        seen(&mut p, exec(&b, &b_calls_c, vec![])),
        "deep: execute wasm contract failed"
    );
    // An instantiate that refuses.
    let child = WasmMsg::Instantiate {
        admin: None,
        code_id: code,
        msg: to_json_binary(&refusal("no child")).unwrap(),
        funds: vec![],
        label: "child".into(),
    };
    assert_eq!(
        seen(&mut p, child.into()),
        "no child: instantiate wasm contract failed"
    );
    // b's own reply refuses: wrapped, redacted.
    let b_replies = ok(Response::new().add_submessage(SubMsg::reply_always(
        exec(&c, &ok(Response::new()), vec![]),
        1,
    )));
    p.vm.set_raw(
        &b,
        b"reply_response",
        Some(&to_json_vec(&refusal("reply refuses")).unwrap()),
    )
    .unwrap();
    assert_eq!(
        seen(&mut p, exec(&b, &b_replies, vec![])),
        "codespace: wasm, code: 5"
    );
    // No contract there; an invalid event.
    let nobody = p.vm.addr("nobody");
    assert_eq!(
        seen(&mut p, exec(&nobody, &ok(Response::new()), vec![])),
        "codespace: wasm, code: 22"
    );
    let reserved: ContractResult<Response> = from_json(
        serde_json::json!({"ok": {"messages": [], "events": [], "data": null,
            "attributes": [{"key": "_x", "value": "1"}]}})
        .to_string(),
    )
    .unwrap();
    assert_eq!(
        seen(&mut p, exec(&c, &reserved, vec![])),
        "codespace: wasm, code: 21"
    );
}

/// A smart query's refusal reaches the querying contract as wasmd hands it: keeper.go
/// `QuerySmart` returns `MarkErrorDeterministic(errorsmod.Wrap(ErrQueryFailed, err))`
/// (wasmd#1904), `QueryHandler.Query` keeps a deterministic error, and wasmvm's
/// `ToQuerierResult` turns it into `ContractResult::Err("<error>: query wasm contract
/// failed")`. The router hands the bare error.
#[test]
fn a_smart_query_refusal_reaches_the_caller_as_wasmd_wraps_it() {
    let mut p = probes();
    let b = p.b.clone();
    p.vm.set_raw(
        &b,
        b"query_answer",
        Some(&to_json_vec(&ContractResult::<Binary>::Err("no answer".into())).unwrap()),
    )
    .unwrap();
    let smart = QueryRequest::<Empty>::Wasm(WasmQuery::Smart {
        contract_addr: b.to_string(),
        msg: Binary::from(b"{}".to_vec()),
    });
    let (a, user) = (p.a.clone(), p.user.clone());
    p.vm.execute(&a, &user, &serde_json::json!({ "?": smart }), &[])
        .unwrap();
    let answer: SystemResult<ContractResult<Binary>> =
        from_json(p.vm.raw(&p.a, b"answer").unwrap().unwrap()).unwrap();
    assert_eq!(
        answer,
        SystemResult::Ok(ContractResult::Err(
            "no answer: query wasm contract failed".into()
        ))
    );
}
