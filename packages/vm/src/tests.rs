//! The VM's own rules, on the release 0.1.0 wasm kept in tests/fixtures (always present).

use cosmwasm_std::{coins, to_json_binary, Addr, ContractResult, SystemResult, WasmQuery};
use serde_json::{json, Value};

use crate::{artifact, release_fixture, CallError, Vm};

fn policy() -> Value {
    let none =
        json!({"max_per_transfer": null, "max_volume_per_window": null, "window_seconds": 0});
    json!({"blocked_jurisdictions": [], "tier_limits": [none, none, none, none],
        "travel_rule": null, "expiry_grace_seconds": 0})
}

fn registry(vm: &mut Vm) -> (Addr, Addr) {
    let code = vm
        .store_file(&release_fixture("0.1.0", "kyc_registry").unwrap())
        .unwrap();
    let owner = vm.addr("owner");
    let officer = vm.addr("officer");
    let (addr, done) = vm
        .instantiate(
            code,
            "registry",
            &owner,
            &json!({"owner": null,
            "officers": [officer], "policy": policy()}),
            &[],
        )
        .unwrap();
    assert!(done.gas > 0);
    (addr, officer)
}

fn record(vm: &Vm, who: &Addr) -> Value {
    json!({"address": who, "status": "active", "tier": 1, "kind": "individual",
        "jurisdiction": "DE", "expires_at": vm.block().time.plus_seconds(86_400),
        "attestation": "ab".repeat(32), "reason": "kyc_onboarding"})
}

#[test]
fn a_refused_call_changes_nothing_and_returns_the_coins() {
    let mut vm = Vm::new().unwrap();
    let (registry, officer) = registry(&mut vm);
    let stranger = vm.addr("stranger");
    vm.set_balances(&stranger, coins(100, "ueur"));
    let before = vm.dump(&registry).unwrap();
    let upsert = json!({"upsert_records": {"records": [record(&vm, &stranger)]}});
    let err = vm
        .execute(&registry, &stranger, &upsert, &coins(40, "ueur"))
        .unwrap_err();
    assert!(matches!(err, CallError::Contract(_)), "{err}");
    assert_eq!(vm.dump(&registry).unwrap(), before);
    assert_eq!(vm.balances(&stranger), coins(100, "ueur"));
    assert_eq!(vm.balances(&registry), vec![]);
    // The same message from the officer goes through, and the storage changes.
    let done = vm.execute(&registry, &officer, &upsert, &[]).unwrap();
    assert!(done.gas > 0 && done.gas_external > 0);
    assert_ne!(vm.dump(&registry).unwrap(), before);
    let (answer, gas): (Value, u64) = vm
        .query_with_gas(&registry, &json!({"record": {"address": stranger}}))
        .unwrap();
    assert_eq!(answer["record"]["tier"], 1);
    assert!(gas > 0);
    // Coins attached to a successful call stay with the contract.
    vm.set_balances(&officer, coins(5, "ueur"));
    vm.execute(
        &registry,
        &officer,
        &json!({"remove_records": {"addresses": [stranger],
        "reason": "offboarded"}}),
        &coins(5, "ueur"),
    )
    .unwrap();
    assert_eq!(vm.balances(&registry), coins(5, "ueur"));
    assert!(vm
        .bank_send(&officer, &stranger, &coins(1, "ueur"))
        .is_err());
}

#[test]
fn a_failed_instantiation_leaves_no_contract_and_unknown_things_are_setup_errors() {
    let mut vm = Vm::new().unwrap();
    let code = vm
        .store_file(&release_fixture("0.1.0", "kyc_registry").unwrap())
        .unwrap();
    let owner = vm.addr("owner");
    let bad = json!({"owner": null, "officers": [], "policy": {"tier_limits": []}});
    assert!(vm.instantiate(code, "registry", &owner, &bad, &[]).is_err());
    let addr = vm.contract_addr("registry");
    assert!(matches!(vm.dump(&addr), Err(CallError::Setup(_))));
    assert!(matches!(vm.checksum(9), Err(CallError::Setup(_))));
    assert!(matches!(vm.store_code(b"not wasm"), Err(CallError::Vm(_))));
    let missing = artifact("no_such_contract").unwrap_err();
    assert!(missing
        .message()
        .contains("run `bash scripts/build-wasm.sh` first"));
    assert_eq!(missing.code(), None);
}

#[test]
fn the_hook_answers_for_a_contract_that_is_not_on_the_vm_and_raw_reads_see_live_storage() {
    let mut vm = Vm::new().unwrap();
    let (registry, officer) = registry(&mut vm);
    let token_code = vm
        .store_file(&release_fixture("0.1.0", "micropay_token").unwrap())
        .unwrap();
    let (alice, bob, owner) = (vm.addr("alice"), vm.addr("bob"), vm.addr("owner"));
    let records = json!({"upsert_records": {"records": [record(&vm, &alice), record(&vm, &bob)]}});
    vm.execute(&registry, &officer, &records, &[]).unwrap();
    let token_msg = |registry: &Addr| {
        json!({"name": "Farthing Euro", "symbol": "FEUR", "decimals": 6,
            "initial_balances": [{"address": alice, "amount": "1000"}], "mint": null,
            "marketing": null, "owner": null, "registry": registry, "roles": []})
    };
    // A token reading the registry on this VM (raw reads of its committed storage).
    let (token, _) = vm
        .instantiate(token_code, "token", &owner, &token_msg(&registry), &[])
        .unwrap();
    let transfer = json!({"transfer": {"recipient": bob, "amount": "10"}});
    vm.execute(&token, &alice, &transfer, &[]).unwrap();
    vm.execute(
        &registry,
        &officer,
        &json!({"set_status": {"addresses": [bob],
        "status": "suspended", "reason": "check"}}),
        &[],
    )
    .unwrap();
    let err = vm.execute(&token, &alice, &transfer, &[]).unwrap_err();
    // 0.1.0's messages carry no [code=...] tag yet.
    assert!(err.message().contains("is suspended"), "{err}");
    assert_eq!(err.code(), None);
    // A token reading a registry that is not on this VM: the hook serves its storage
    // (here: a copy of the real one, with bob active again).
    let elsewhere = vm.addr("registry_elsewhere");
    let mut served = vm.dump(&registry).unwrap();
    let key = {
        let mut k = vec![0, 1, b'r'];
        k.extend_from_slice(bob.as_bytes());
        k
    };
    let bob_record = served[&key].clone();
    let active = String::from_utf8(bob_record)
        .unwrap()
        .replace("\"suspended\"", "\"active\"");
    served.insert(key, active.into_bytes());
    let target = elsewhere.clone();
    vm.set_wasm_hook(move |q| match q {
        WasmQuery::Raw { contract_addr, key } if *contract_addr == target.as_str() => {
            let value = served.get(key.as_slice()).cloned().unwrap_or_default();
            Some(SystemResult::Ok(ContractResult::Ok(value.into())))
        }
        _ => None,
    });
    let (token2, _) = vm
        .instantiate(token_code, "token2", &owner, &token_msg(&elsewhere), &[])
        .unwrap();
    vm.execute(&token2, &alice, &transfer, &[]).unwrap();
    vm.clear_wasm_hook();
    let err = vm.execute(&token2, &alice, &transfer, &[]).unwrap_err();
    assert!(matches!(err, CallError::Contract(_)), "{err}");
    // Smart queries into a contract of the VM run its query entry point.
    let balance = WasmQuery::Smart {
        contract_addr: token.to_string(),
        msg: to_json_binary(&json!({"balance": {"address": bob}})).unwrap(),
    };
    let querier = vm.querier();
    let request = cosmwasm_std::to_json_vec(
        &cosmwasm_std::QueryRequest::<cosmwasm_std::Empty>::Wasm(balance),
    )
    .unwrap();
    let (answer, gas) = cosmwasm_vm::Querier::query_raw(&querier, &request, u64::MAX);
    let answer: Value = match answer.unwrap() {
        SystemResult::Ok(ContractResult::Ok(bin)) => cosmwasm_std::from_json(&bin).unwrap(),
        other => panic!("{other:?}"),
    };
    assert_eq!(answer, json!({"balance": "10"}));
    assert!(gas.externally_used > 100_000);
}

#[test]
fn migrate_swaps_the_code_on_the_same_storage_and_the_clock_moves() {
    let mut vm = Vm::new().unwrap();
    let (registry, _) = registry(&mut vm);
    let code = vm.code_id(&registry).unwrap();
    let (height, time) = (vm.block().height, vm.block().time);
    vm.advance_seconds(11);
    assert_eq!(vm.block().height, height + 3);
    assert_eq!(vm.block().time, time.plus_seconds(11));
    vm.advance_blocks(2);
    assert_eq!(vm.block().time, time.plus_seconds(21));
    assert_eq!(vm.env(&registry).contract.address, registry);
    // The same code again: cw2 says 0.1.0 -> 0.1.0, nothing to convert.
    let before = vm.dump(&registry).unwrap();
    let done = vm.migrate(&registry, code, &json!({})).unwrap();
    assert_eq!(done.attribute("from_version"), Some("0.1.0"));
    assert_eq!(vm.dump(&registry).unwrap(), before);
    // A code without the entry point's expected answer fails in the VM: nothing changes.
    let token_code = vm
        .store_file(&release_fixture("0.1.0", "micropay_token").unwrap())
        .unwrap();
    let err = vm.migrate(&registry, token_code, &json!({})).unwrap_err();
    assert!(matches!(err, CallError::Contract(_)), "{err}");
    assert_eq!(vm.code_id(&registry).unwrap(), code);
    assert_eq!(vm.dump(&registry).unwrap(), before);
    vm.set_raw(&registry, b"x", Some(b"1")).unwrap();
    assert_eq!(vm.raw(&registry, b"x").unwrap(), Some(b"1".to_vec()));
    vm.set_raw(&registry, b"x", None).unwrap();
    assert_eq!(vm.raw(&registry, b"x").unwrap(), None);
}

#[test]
fn a_chain_vm_has_its_prefix_chain_id_and_wasmd_s_classic_addresses() {
    let vm = Vm::with_chain("wasm", "farthing-local").unwrap();
    assert_eq!(vm.block().chain_id, "farthing-local");
    assert!(vm.addr("owner").as_str().starts_with("wasm1"));
    // BuildContractAddressClassic(1, 1): the first contract of a wasmd chain.
    assert_eq!(
        vm.classic_contract_addr(1, 1).as_str(),
        "wasm14hj2tavq8fpesdwxxcu44rty3hh90vhujrvcmstl4zr3txmfvw9s0phg4d"
    );
    assert!(Vm::with_chain("Wasm", "x").is_err());
    assert!(Vm::with_chain("", "x").is_err());
}

#[test]
fn atomic_undoes_every_message_of_a_failed_transaction() {
    let mut vm = Vm::with_chain("wasm", "farthing-local").unwrap();
    let owner = vm.addr("owner");
    let officer = vm.addr("officer");
    let stranger = vm.addr("stranger");
    let wasm = std::fs::read(release_fixture("0.1.0", "kyc_registry").unwrap()).unwrap();
    let init = serde_json::to_vec(&json!({"owner": null, "officers": [officer],
        "policy": policy()}))
    .unwrap();
    // One transaction: a code stored, a contract instantiated at a classic address, then
    // a refused message: nothing stays, not the code, the contract or the instance id.
    let failed: Result<(), CallError> = vm.atomic(|vm| {
        let code = vm.store_code(&wasm)?;
        let instance = vm.next_instance_id();
        let address = vm.classic_contract_addr(code, instance);
        let done = vm.instantiate_at(code, &address, &owner, &init, &[])?;
        assert_eq!(done.calls[0].setup, crate::gas::INSTANCE_COST);
        let upsert = json!({"upsert_records": {"records": [record(vm, &stranger)]}});
        vm.execute(&address, &stranger, &upsert, &[])?;
        Ok(())
    });
    assert!(matches!(failed, Err(CallError::Contract(_))));
    assert!(vm.checksum(1).is_err());
    assert_eq!(vm.next_instance_id(), 1);
    // The same transaction with the officer succeeds; its second call into the code pays
    // the discounted setup, as wasmd's `TxContracts` is kept for the transaction.
    let mut vm = Vm::with_chain("wasm", "farthing-local").unwrap();
    let address = vm
        .atomic(|vm| -> Result<Addr, CallError> {
            let code = vm.store_code(&wasm)?;
            let instance = vm.next_instance_id();
            let address = vm.classic_contract_addr(code, instance);
            vm.instantiate_at(code, &address, &owner, &init, &[])?;
            let upsert = json!({"upsert_records": {"records": [record(vm, &stranger)]}});
            let done = vm.execute(&address, &officer, &upsert, &[])?;
            assert_eq!(done.calls[0].setup, crate::gas::INSTANCE_COST_DISCOUNT);
            Ok(address)
        })
        .unwrap();
    assert_eq!(address, vm.classic_contract_addr(1, 1));
    // Instantiating at an address already taken fails.
    assert!(vm.instantiate_at(1, &address, &owner, &init, &[]).is_err());
    // A snapshot restored forgets what happened since.
    let snapshot = vm.snapshot();
    vm.store_code(&wasm).unwrap();
    let migrated = vm.migrate_raw(&address, 2, b"{}").unwrap();
    let event = migrated.events_of("migrate").next().unwrap();
    assert_eq!(event.attributes[0].key, "code_id");
    assert_eq!(event.attributes[0].value, "2");
    vm.restore(snapshot);
    assert_eq!(vm.code_id(&address).unwrap(), 1);
    assert!(vm.checksum(2).is_err());
    assert_eq!(vm.code_bytes(1).unwrap(), wasm);
    let answer = vm
        .query_raw_with_gas(&address, br#"{"officers": {}}"#)
        .unwrap()
        .0;
    assert!(String::from_utf8(answer.to_vec())
        .unwrap()
        .contains(officer.as_str()));
}
