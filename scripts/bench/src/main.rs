//! Gas benchmark on the real VM.
//!
//! Runs the optimized wasm of the token, the KYC registry and cw20-base 2.0 (all built the
//! same way by `scripts/bench.sh`) on `cosmwasm-vm` 2.3, counts every storage read, write
//! and byte, every raw query into the registry and every event attribute, and estimates
//! SDK gas with wasmd's default constants (below). Prints a markdown table.
//!
//! Usage: farthing-bench <artifacts-dir>   (expects kyc_registry.wasm, micropay_token.wasm,
//! reference/cw20_base.wasm)

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use anyhow::{anyhow, Context, Result};
use cosmwasm_std::{
    to_json_vec, Addr, Binary, BlockInfo, ContractInfo, Empty, Env, HexBinary, MessageInfo, Order,
    Reply, Response, SubMsgResult, SystemResult, Timestamp, TransactionInfo, Uint128, WasmQuery,
};
use cosmwasm_vm::testing::{MockApi, MockQuerier, MockStorage};
use cosmwasm_vm::{
    call_execute, call_instantiate, call_reply, Backend, BackendResult, Instance, InstanceOptions,
    Size, Storage,
};
use cw20::Cw20Coin;
use farthing_types::escrow;
use farthing_types::kyc::{self, state::RECORDS, PartyKind, Policy, RecordInput, TierLimit};
use farthing_types::token::{self, Payout};

// ---- wasmd defaults (x/wasm/types/gas_register.go, Cosmos SDK KVGasConfig) ----
/// SDK gas charged for every call into a contract (not pinned).
const INSTANCE_COST: u64 = 60_000;
/// CosmWasm gas per SDK gas (`DefaultGasMultiplier` in x/wasm/types/gas_register.go).
const GAS_MULTIPLIER: u64 = 140_000_000;
const READ_FLAT: u64 = 1_000;
const READ_PER_BYTE: u64 = 3;
const WRITE_FLAT: u64 = 2_000;
const WRITE_PER_BYTE: u64 = 30;
const DELETE_FLAT: u64 = 1_000;
const ITER_NEXT_FLAT: u64 = 30;
/// Keys in a contract's store carry a 0x03 + 32-byte contract address prefix.
const KEY_PREFIX: u64 = 33;
const EVENT_PER_ATTRIBUTE: u64 = 10;
const EVENT_DATA_PER_BYTE: u64 = 1;
const EVENT_FREE_BYTES: u64 = 100;
const CUSTOM_EVENT_COST: u64 = 20;

#[derive(Clone, Copy, Debug, Default)]
struct Stats {
    reads: u64,
    read_bytes: u64,
    writes: u64,
    write_bytes: u64,
    deletes: u64,
    iter_items: u64,
    iter_bytes: u64,
    raw_queries: u64,
    raw_query_bytes: u64,
}

impl Stats {
    fn storage_gas(&self) -> u64 {
        self.reads * READ_FLAT
            + (self.read_bytes + self.reads * KEY_PREFIX) * READ_PER_BYTE
            + self.writes * WRITE_FLAT
            + (self.write_bytes + self.writes * KEY_PREFIX) * WRITE_PER_BYTE
            + self.deletes * DELETE_FLAT
            + self.iter_items * ITER_NEXT_FLAT
            + self.iter_bytes * READ_PER_BYTE
            // A raw query is one read in the registry's store.
            + self.raw_queries * READ_FLAT
            + (self.raw_query_bytes + self.raw_queries * KEY_PREFIX) * READ_PER_BYTE
    }
}

type Shared = Arc<Mutex<Stats>>;

/// MockStorage that counts what the chain would charge for.
struct CountingStorage {
    inner: MockStorage,
    stats: Shared,
}

impl Storage for CountingStorage {
    fn get(&self, key: &[u8]) -> BackendResult<Option<Vec<u8>>> {
        let (res, gas) = self.inner.get(key);
        if let Ok(v) = &res {
            let mut s = self.stats.lock().unwrap();
            s.reads += 1;
            s.read_bytes += (key.len() + v.as_ref().map_or(0, Vec::len)) as u64;
        }
        (res, gas)
    }
    fn scan(
        &mut self,
        start: Option<&[u8]>,
        end: Option<&[u8]>,
        order: Order,
    ) -> BackendResult<u32> {
        self.inner.scan(start, end, order)
    }
    fn next(&mut self, iterator_id: u32) -> BackendResult<Option<cosmwasm_std::Record>> {
        let (res, gas) = self.inner.next(iterator_id);
        if let Ok(Some((k, v))) = &res {
            let mut s = self.stats.lock().unwrap();
            s.iter_items += 1;
            s.iter_bytes += (k.len() + v.len()) as u64;
        }
        (res, gas)
    }
    fn set(&mut self, key: &[u8], value: &[u8]) -> BackendResult<()> {
        let mut s = self.stats.lock().unwrap();
        s.writes += 1;
        s.write_bytes += (key.len() + value.len()) as u64;
        drop(s);
        self.inner.set(key, value)
    }
    fn remove(&mut self, key: &[u8]) -> BackendResult<()> {
        self.stats.lock().unwrap().deletes += 1;
        self.inner.remove(key)
    }
}

type Vm = Instance<MockApi, CountingStorage, MockQuerier>;

struct Contract {
    name: &'static str,
    vm: Vm,
    stats: Shared,
    env: Env,
}

fn env(contract: &str, height: u64) -> Env {
    Env {
        block: BlockInfo {
            height,
            time: Timestamp::from_seconds(1_700_000_000 + height * 5),
            chain_id: "farthing-bench".into(),
        },
        transaction: Some(TransactionInfo { index: 0 }),
        contract: ContractInfo {
            address: Addr::unchecked(contract),
        },
    }
}

/// Registry storage served to the token's raw queries.
type RawStore = Arc<Mutex<HashMap<(String, Vec<u8>), Vec<u8>>>>;

fn instance(name: &'static str, wasm: &[u8], address: &str, raw: RawStore) -> Result<Contract> {
    let stats: Shared = Arc::default();
    let mut querier = MockQuerier::new(&[]);
    let q_stats = stats.clone();
    querier.update_wasm(move |q| match q {
        WasmQuery::Raw { contract_addr, key } => {
            let store = raw.lock().unwrap();
            let value = store.get(&(contract_addr.clone(), key.to_vec())).cloned();
            let mut s = q_stats.lock().unwrap();
            s.raw_queries += 1;
            s.raw_query_bytes += (key.len() + value.as_ref().map_or(0, Vec::len)) as u64;
            SystemResult::Ok(cosmwasm_std::ContractResult::Ok(Binary::from(
                value.unwrap_or_default(),
            )))
        }
        other => SystemResult::Err(cosmwasm_std::SystemError::UnsupportedRequest {
            kind: format!("{other:?}"),
        }),
    });
    let backend = Backend {
        api: MockApi::default(),
        storage: CountingStorage {
            inner: MockStorage::default(),
            stats: stats.clone(),
        },
        querier,
    };
    let vm = Instance::from_code(
        wasm,
        backend,
        InstanceOptions {
            gas_limit: u64::MAX / 2,
        },
        Some(Size::mebi(64)),
    )
    .map_err(|e| anyhow!("{name}: {e}"))?;
    Ok(Contract {
        name,
        vm,
        stats,
        env: env(address, 1),
    })
}

struct Measured {
    vm_gas: u64,
    stats: Stats,
    events: u64,
}

impl Measured {
    fn sdk_gas(&self) -> u64 {
        INSTANCE_COST + self.vm_gas / GAS_MULTIPLIER + self.stats.storage_gas() + self.events
    }
}

/// wasmd's event cost: 10 per attribute, 1 per byte past a 100-byte free tier shared by the
/// response attributes and custom events, 20 per custom event plus its type's bytes.
fn event_gas(resp: &Response<Empty>) -> u64 {
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

impl Contract {
    fn instantiate(&mut self, sender: &str, msg: &impl serde::Serialize) -> Result<()> {
        let info = MessageInfo {
            sender: Addr::unchecked(sender),
            funds: vec![],
        };
        let res: cosmwasm_std::ContractResult<Response<Empty>> =
            call_instantiate(&mut self.vm, &self.env, &info, &to_json_vec(msg)?)
                .map_err(|e| anyhow!("{}: {e}", self.name))?;
        res.into_result()
            .map_err(|e| anyhow!("{} instantiate: {e}", self.name))?;
        Ok(())
    }

    fn execute(&mut self, sender: &str, msg: &impl serde::Serialize) -> Result<Measured> {
        self.execute_with_funds(sender, msg, vec![])
    }

    fn execute_with_funds(
        &mut self,
        sender: &str,
        msg: &impl serde::Serialize,
        funds: Vec<cosmwasm_std::Coin>,
    ) -> Result<Measured> {
        Ok(self.execute_full(sender, msg, funds)?.0)
    }

    /// Measures the `reply` entry point (a sub-message's answer: one more contract call).
    fn reply(&mut self, reply: &Reply) -> Result<Measured> {
        *self.stats.lock().unwrap() = Stats::default();
        let before = self.vm.create_gas_report().used_internally;
        let res: cosmwasm_std::ContractResult<Response<Empty>> =
            call_reply(&mut self.vm, &self.env, reply)
                .map_err(|e| anyhow!("{}: {e}", self.name))?;
        let resp = res
            .into_result()
            .map_err(|e| anyhow!("{} reply: {e}", self.name))?;
        let vm_gas = self.vm.create_gas_report().used_internally - before;
        Ok(Measured {
            vm_gas,
            stats: *self.stats.lock().unwrap(),
            events: event_gas(&resp),
        })
    }

    /// Like `execute_with_funds`, also returning the response (for its sub-messages).
    fn execute_full(
        &mut self,
        sender: &str,
        msg: &impl serde::Serialize,
        funds: Vec<cosmwasm_std::Coin>,
    ) -> Result<(Measured, Response<Empty>)> {
        self.env.block.height += 1;
        self.env.block.time = self.env.block.time.plus_seconds(5);
        *self.stats.lock().unwrap() = Stats::default();
        let before = self.vm.create_gas_report().used_internally;
        let info = MessageInfo {
            sender: Addr::unchecked(sender),
            funds: funds.clone(),
        };
        let res: cosmwasm_std::ContractResult<Response<Empty>> =
            call_execute(&mut self.vm, &self.env, &info, &to_json_vec(msg)?)
                .map_err(|e| anyhow!("{}: {e}", self.name))?;
        let resp = res
            .into_result()
            .map_err(|e| anyhow!("{} execute: {e}", self.name))?;
        let vm_gas = self.vm.create_gas_report().used_internally - before;
        let m = Measured {
            vm_gas,
            stats: *self.stats.lock().unwrap(),
            events: event_gas(&resp),
        };
        Ok((m, resp))
    }
}

struct Row {
    op: String,
    contract: &'static str,
    m: Measured,
    /// Number of transactions this row stands for.
    txs: u64,
}

fn main() -> Result<()> {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "artifacts".into());
    let read = |f: &str| {
        std::fs::read(format!("{dir}/{f}"))
            .with_context(|| format!("{dir}/{f}: run scripts/bench.sh"))
    };
    let registry_wasm = read("kyc_registry.wasm")?;
    let token_wasm = read("micropay_token.wasm")?;
    let base_wasm = read("reference/cw20_base.wasm")?;

    let api = MockApi::default();
    let a = |n: &str| api.addr_make(n);
    let (owner, officer, alice, bob) = (a("owner"), a("officer"), a("alice"), a("bob"));
    let creators: Vec<String> = (0..100).map(|i| a(&format!("creator{i}"))).collect();
    let raw: RawStore = Arc::default();

    // ---- two registries: no limits, and per-tier limits with a volume window ----
    let windowed = {
        let mut tiers = vec![TierLimit::default(); 4];
        tiers[2] = TierLimit {
            max_per_transfer: Some(Uint128::new(1_000_000_000)),
            max_volume_per_window: Some(Uint128::new(1_000_000_000_000)),
            window_seconds: 86_400,
        };
        Policy {
            blocked_jurisdictions: vec!["KP".into(), "IR".into()],
            tier_limits: tiers,
            travel_rule: Some(kyc::TravelRule {
                threshold: Uint128::new(1_000_000_000),
                min_tier: 2,
            }),
            expiry_grace_seconds: 604_800,
        }
    };
    let registries = [
        ("registry_plain", Policy::default()),
        ("registry_window", windowed),
    ];
    let mut rows: Vec<Row> = vec![];
    for (reg_name, policy) in &registries {
        let reg_addr = a(reg_name);
        let mut reg = instance("kyc-registry", &registry_wasm, &reg_addr, raw.clone())?;
        reg.instantiate(
            &owner,
            &kyc::InstantiateMsg {
                owner: None,
                officers: vec![officer.clone()],
                policy: policy.clone(),
            },
        )?;
        let now = reg.env.block.time;
        let mut listed: Vec<String> = vec![alice.clone(), bob.clone()];
        listed.extend(creators.iter().cloned());
        let records: Vec<RecordInput> = listed
            .iter()
            .map(|addr| RecordInput {
                address: addr.clone(),
                status: kyc::KycStatus::Active,
                tier: 2,
                kind: PartyKind::Individual,
                jurisdiction: "DE".into(),
                expires_at: now.plus_seconds(365 * 86_400),
                attestation: HexBinary::from(vec![0xab; 32]),
                reason: "kyc_onboarding".into(),
            })
            .collect();
        let m = reg.execute(
            &officer,
            &kyc::ExecuteMsg::UpsertRecords {
                records: records[..100].to_vec(),
            },
        )?;
        if rows.is_empty() {
            rows.push(Row {
                op: "registry: upsert 100 records".into(),
                contract: "kyc-registry",
                m,
                txs: 1,
            });
        }
        reg.execute(
            &officer,
            &kyc::ExecuteMsg::UpsertRecords {
                records: records[100..].to_vec(),
            },
        )?;
        // Serve the registry's records and policy to raw queries.
        let mut store = raw.lock().unwrap();
        let mut keys: Vec<Vec<u8>> = vec![kyc::state::POLICY_KEY.as_bytes().to_vec()];
        for addr in &listed {
            keys.push(RECORDS.key(&Addr::unchecked(addr)).to_vec());
        }
        for key in keys {
            let value = reg
                .vm
                .with_storage(|s| Ok(s.inner.get(&key).0.ok().flatten()))
                .map_err(|e| anyhow!("{e}"))?
                .ok_or_else(|| anyhow!("registry key missing"))?;
            store.insert((reg_addr.clone(), key), value);
        }
    }

    // ---- tokens ----
    let balances = vec![
        Cw20Coin {
            address: alice.clone(),
            amount: Uint128::new(1_000_000_000_000),
        },
        Cw20Coin {
            address: bob.clone(),
            amount: Uint128::new(1_000_000),
        },
    ];
    let mut base = instance("cw20-base", &base_wasm, &a("cw20base"), raw.clone())?;
    base.instantiate(
        &owner,
        &serde_json::json!({
            "name": "Farthing Euro", "symbol": "FEUR", "decimals": 6,
            "initial_balances": balances, "mint": null, "marketing": null
        }),
    )?;
    let token_msg = |registry: Option<String>| token::InstantiateMsg {
        name: "Farthing Euro".into(),
        symbol: "FEUR".into(),
        decimals: 6,
        initial_balances: balances.clone(),
        mint: None,
        marketing: None,
        owner: None,
        registry,
        roles: vec![],
    };
    let mut off = instance(
        "token (compliance off)",
        &token_wasm,
        &a("token_off"),
        raw.clone(),
    )?;
    off.instantiate(&owner, &token_msg(None))?;
    let mut on = instance(
        "token (compliance on)",
        &token_wasm,
        &a("token_on"),
        raw.clone(),
    )?;
    on.instantiate(&owner, &token_msg(Some(a("registry_plain"))))?;
    let mut win = instance(
        "token (limits + window)",
        &token_wasm,
        &a("token_win"),
        raw.clone(),
    )?;
    win.instantiate(&owner, &token_msg(Some(a("registry_window"))))?;

    let transfer = |to: &str| serde_json::json!({"transfer": {"recipient": to, "amount": "1000"}});
    // Steady state: alice -> bob, both already hold a balance; the first transfer opens the
    // window, the measured one is the second.
    for c in [&mut base, &mut off, &mut on, &mut win] {
        c.execute(&alice, &transfer(&bob))?;
        let m = c.execute(&alice, &transfer(&bob))?;
        rows.push(Row {
            op: "transfer".into(),
            contract: c.name,
            m,
            txs: 1,
        });
    }
    for c in [&mut base, &mut on] {
        let m = c.execute(&alice, &transfer(&creators[0]))?;
        rows.push(Row {
            op: "transfer to a new account".into(),
            contract: c.name,
            m,
            txs: 1,
        });
    }
    // transfer_from
    for c in [&mut base, &mut on] {
        c.execute(
            &alice,
            &serde_json::json!({"increase_allowance": {"spender": bob, "amount": "1000000000"}}),
        )?;
        let m = c.execute(&bob, &serde_json::json!({"transfer_from": {"owner": alice, "recipient": bob, "amount": "1000"}}))?;
        rows.push(Row {
            op: "transfer_from".into(),
            contract: c.name,
            m,
            txs: 1,
        });
    }
    // Batch of 100 vs 100 single transfers (steady state: recipients already hold a balance).
    let batch = token::ExecuteMsg::BatchTransfer {
        transfers: creators
            .iter()
            .map(|c| Payout {
                recipient: c.clone(),
                amount: Uint128::new(10),
            })
            .collect(),
    };
    on.execute(&alice, &batch)?;
    let m = on.execute(&alice, &batch)?;
    rows.push(Row {
        op: "batch_transfer, 100 recipients".into(),
        contract: on.name,
        m,
        txs: 1,
    });
    let mut sum = Measured {
        vm_gas: 0,
        stats: Stats::default(),
        events: 0,
    };
    let mut sdk = 0;
    for c in &creators {
        let m = on.execute(&alice, &transfer(c))?;
        sdk += m.sdk_gas();
        sum.vm_gas += m.vm_gas;
        sum.events += m.events;
        let s = &mut sum.stats;
        s.reads += m.stats.reads;
        s.read_bytes += m.stats.read_bytes;
        s.writes += m.stats.writes;
        s.write_bytes += m.stats.write_bytes;
        s.raw_queries += m.stats.raw_queries;
        s.raw_query_bytes += m.stats.raw_query_bytes;
    }
    rows.push(Row {
        op: "100 single transfers".into(),
        contract: on.name,
        m: sum,
        txs: 100,
    });
    let pay = token::ExecuteMsg::Pay {
        recipient: bob.clone(),
        amount: Uint128::new(1000),
        reference: "inv-2026-000123".into(),
        travel_rule_ref: None,
    };
    let m = on.execute(&alice, &pay)?;
    rows.push(Row {
        op: "pay (with reference)".into(),
        contract: on.name,
        m,
        txs: 1,
    });

    // ---- payment channels (token, compliance on) ----
    let mut channel_rows = vec![];
    for kind in [
        farthing_voucher::KeyType::Ed25519,
        farthing_voucher::KeyType::Secp256k1,
    ] {
        let secret = [0x44u8; 32];
        let signer = farthing_voucher::public_key(kind, &secret).map_err(|e| anyhow!("{e}"))?;
        let label = if kind == farthing_voucher::KeyType::Ed25519 {
            "ed25519"
        } else {
            "secp256k1"
        };
        let open_msg = token::ExecuteMsg::OpenChannel {
            payee: bob.clone(),
            amount: Uint128::new(1_000_000),
            expires_at: Timestamp::from_seconds(1_800_000_000),
            signer: signer.clone(),
            travel_rule_ref: None,
        };
        let m_open = on.execute(&alice, &open_msg)?;
        let id = next_channel_id(&mut on)?;
        // 1,000 micropayments of 3 units: the payee claims the last voucher and closes.
        let voucher = farthing_voucher::Voucher {
            chain_id: on.env.block.chain_id.clone(),
            token: on.env.contract.address.to_string(),
            channel_id: id,
            payee: bob.clone(),
            cumulative: Uint128::new(3_000),
        };
        let signature =
            farthing_voucher::sign(kind, &secret, &voucher).map_err(|e| anyhow!("{e}"))?;
        let m_claim = on.execute(
            &bob,
            &token::ExecuteMsg::Claim {
                channel: id,
                cumulative: Uint128::new(3_000),
                signature,
                close: Some(true),
            },
        )?;
        let total = m_open.sdk_gas() + m_claim.sdk_gas();
        rows.push(Row {
            op: format!("open_channel ({label} key)"),
            contract: on.name,
            m: m_open,
            txs: 1,
        });
        rows.push(Row {
            op: format!("claim + close, 1,000 vouchers ({label})"),
            contract: on.name,
            m: m_claim,
            txs: 1,
        });
        channel_rows.push((label, total));
    }
    // ClaimMany over 10 ed25519 channels (batch verification).
    let secret = [0x45u8; 32];
    let signer = farthing_voucher::public_key(farthing_voucher::KeyType::Ed25519, &secret)
        .map_err(|e| anyhow!("{e}"))?;
    let mut claims = vec![];
    for _ in 0..10 {
        on.execute(
            &alice,
            &token::ExecuteMsg::OpenChannel {
                payee: bob.clone(),
                amount: Uint128::new(1_000),
                expires_at: Timestamp::from_seconds(1_800_000_000),
                signer: signer.clone(),
                travel_rule_ref: None,
            },
        )?;
        let id = next_channel_id(&mut on)?;
        let v = farthing_voucher::Voucher {
            chain_id: on.env.block.chain_id.clone(),
            token: on.env.contract.address.to_string(),
            channel_id: id,
            payee: bob.clone(),
            cumulative: Uint128::new(500),
        };
        claims.push(token::ChannelClaim {
            channel: id,
            cumulative: Uint128::new(500),
            signature: farthing_voucher::sign(farthing_voucher::KeyType::Ed25519, &secret, &v)
                .map_err(|e| anyhow!("{e}"))?,
        });
    }
    let m = on.execute(&bob, &token::ExecuteMsg::ClaimMany { claims })?;
    rows.push(Row {
        op: "claim_many, 10 channels (ed25519 batch)".into(),
        contract: on.name,
        m,
        txs: 1,
    });

    // ---- royalty/escrow: Pay and Claim (native coin; a cw20 payment adds the token's send) ----
    let escrow_wasm = read("royalty_escrow.wasm")?;
    for n in [3usize, 50] {
        let mut esc = instance(
            "royalty-escrow",
            &escrow_wasm,
            &a(&format!("escrow{n}")),
            raw.clone(),
        )?;
        esc.instantiate(
            &owner,
            &escrow::InstantiateMsg {
                owner: None,
                registry: Some(a("registry_plain")),
                accepted_cw20: vec![],
                dispute_timeout_seconds: 86_400,
            },
        )?;
        let base = 10_000 / n as u16;
        let recipients: Vec<escrow::Share> = (0..n)
            .map(|i| escrow::Share {
                address: creators[i].clone(),
                bps: if i == 0 {
                    10_000 - base * (n as u16 - 1)
                } else {
                    base
                },
            })
            .collect();
        esc.execute(
            &creators[0],
            &escrow::ExecuteMsg::RegisterWork(escrow::WorkTerms {
                name: "song".into(),
                recipients,
                accepted: vec![escrow::AssetInfo::Native {
                    denom: "ueur".into(),
                }],
            }),
        )?;
        let pay = escrow::ExecuteMsg::Pay { work_id: 1 };
        let fee = vec![cosmwasm_std::Coin::new(1_000u128, "ueur")];
        esc.execute_with_funds(&alice, &pay, fee.clone())?;
        let m = esc.execute_with_funds(&alice, &pay, fee)?;
        rows.push(Row {
            op: format!("royalty pay, {n} recipients"),
            contract: "royalty-escrow",
            m,
            txs: 1,
        });
        let claim = escrow::ExecuteMsg::Claim {
            work_id: 1,
            epoch: None,
            asset: escrow::AssetInfo::Native {
                denom: "ueur".into(),
            },
            amount: None,
        };
        let m = esc.execute(&creators[n - 1], &claim)?;
        rows.push(Row {
            op: format!("royalty claim, {n} recipients"),
            contract: "royalty-escrow",
            m,
            txs: 1,
        });
    }

    // ---- escrow deals: every push payout is a `reply_on_error` sub-message, so a payout
    // that goes through costs no reply; one the asset refuses costs the failed transfer plus
    // one `reply` call, which holds it for the recipient ----
    let mut esc = instance(
        "royalty-escrow",
        &escrow_wasm,
        &a("escrow_deals"),
        raw.clone(),
    )?;
    esc.instantiate(
        &owner,
        &escrow::InstantiateMsg {
            owner: None,
            registry: Some(a("registry_plain")),
            accepted_cw20: vec![],
            dispute_timeout_seconds: 86_400,
        },
    )?;
    let terms = escrow::DealTerms {
        payee: bob.clone(),
        arbiter: None,
        milestones: vec![Uint128::new(500), Uint128::new(500)],
        expires_at: Timestamp::from_seconds(1_800_000_000),
    };
    let m = esc.execute_with_funds(
        &alice,
        &escrow::ExecuteMsg::CreateDeal(terms),
        vec![cosmwasm_std::Coin::new(1_000u128, "ueur")],
    )?;
    rows.push(Row {
        op: "escrow create_deal (native, 2 milestones)".into(),
        contract: "royalty-escrow",
        m,
        txs: 1,
    });
    let (m, resp) = esc.execute_full(
        &alice,
        &escrow::ExecuteMsg::Release {
            deal_id: 1,
            milestone: Some(0),
        },
        vec![],
    )?;
    rows.push(Row {
        op: "escrow release (payout sub-message; no reply when paid)".into(),
        contract: "royalty-escrow",
        m,
        txs: 1,
    });
    let sub = resp
        .messages
        .first()
        .ok_or_else(|| anyhow!("release sent no payout"))?;
    let m = esc.reply(&Reply {
        id: sub.id,
        payload: sub.payload.clone(),
        gas_used: 0,
        result: SubMsgResult::Err("refused by the asset".into()),
    })?;
    rows.push(Row {
        op: "escrow reply: a refused payout is held".into(),
        contract: "royalty-escrow",
        m,
        txs: 1,
    });

    print_table(
        &rows,
        sdk,
        &[
            ("kyc_registry.wasm", registry_wasm.len()),
            ("micropay_token.wasm", token_wasm.len()),
            ("royalty_escrow.wasm", escrow_wasm.len()),
            ("cw20_base.wasm (reference)", base_wasm.len()),
        ],
    );
    let missed = print_targets(&rows, sdk, token_wasm.len(), base_wasm.len(), &channel_rows);
    if std::env::args().any(|a| a == "--check") && missed > 0 {
        anyhow::bail!("{missed} gas target(s) missed");
    }
    Ok(())
}

fn sdk_of(rows: &[Row], op: &str, contract: &str) -> u64 {
    rows.iter()
        .find(|r| r.op == op && r.contract == contract)
        .map(|r| r.m.sdk_gas())
        .unwrap_or(u64::MAX)
}

/// Prints the targets; returns how many gas targets are missed (the size target
/// is reported, not counted: see docs/BENCHMARKS.md).
fn print_targets(
    rows: &[Row],
    hundred_singles_sdk: u64,
    token_size: usize,
    base_size: usize,
    channels: &[(&str, u64)],
) -> usize {
    let base = sdk_of(rows, "transfer", "cw20-base") as f64;
    let on = sdk_of(rows, "transfer", "token (compliance on)") as f64 / base;
    let window = sdk_of(rows, "transfer", "token (limits + window)") as f64 / base;
    let off = sdk_of(rows, "transfer", "token (compliance off)") as f64 / base;
    let batch = sdk_of(
        rows,
        "batch_transfer, 100 recipients",
        "token (compliance on)",
    ) as f64
        / hundred_singles_sdk as f64;
    let size = token_size as f64 / base_size as f64;
    let channel = |label: &str| {
        channels
            .iter()
            .find(|(l, _)| *l == label)
            .map(|(_, g)| *g as f64 / base)
            .unwrap_or(f64::MAX)
    };
    let (ed, secp) = (channel("ed25519"), channel("secp256k1"));
    let targets = [
        (
            "compliance-checked transfer vs cw20-base transfer",
            "<= 1.10x",
            on,
            on <= 1.10,
            true,
        ),
        (
            "... with per-tier limits and a volume window",
            "<= 1.10x",
            window,
            window <= 1.10,
            true,
        ),
        (
            "compliance-off transfer vs cw20-base transfer",
            "<= 1.00x",
            off,
            off <= 1.0,
            true,
        ),
        (
            "100-recipient batch vs 100 single transfers",
            "<= 0.25x",
            batch,
            batch <= 0.25,
            true,
        ),
        (
            "1,000 micropayments via one channel (open + claim & close), ed25519 key",
            "<= 3.00x",
            ed,
            ed <= 3.0,
            true,
        ),
        ("... secp256k1 key", "<= 3.00x", secp, secp <= 3.0, true),
        (
            "optimized wasm size vs cw20-base",
            "< 1.00x",
            size,
            size < 1.0,
            false,
        ),
    ];
    println!();
    println!("| target | goal | measured | met |");
    println!("|---|---|---:|---|");
    let mut missed = 0;
    for (name, goal, value, met, gas) in targets {
        println!(
            "| {name} | {goal} | {value:.3}x | {} |",
            if met { "yes" } else { "no" }
        );
        if gas && !met {
            missed += 1;
        }
    }
    missed
}

fn print_table(rows: &[Row], hundred_singles_sdk: u64, sizes: &[(&str, usize)]) {
    let base = rows
        .iter()
        .find(|r| r.op == "transfer" && r.contract == "cw20-base")
        .map(|r| r.m.sdk_gas())
        .unwrap_or(1);
    println!("| operation | contract | VM gas | reads (bytes) | writes (bytes) | raw queries (bytes) | events | est. SDK gas | vs cw20-base transfer |");
    println!("|---|---|---:|---:|---:|---:|---:|---:|---:|");
    for r in rows {
        let s = &r.m.stats;
        let sdk = if r.txs == 1 {
            r.m.sdk_gas()
        } else {
            hundred_singles_sdk
        };
        println!(
            "| {} | {} | {} | {} ({}) | {} ({}) | {} ({}) | {} | {} | {:.3}x |",
            r.op,
            r.contract,
            r.m.vm_gas,
            s.reads,
            s.read_bytes,
            s.writes,
            s.write_bytes,
            s.raw_queries,
            s.raw_query_bytes,
            r.m.events,
            sdk,
            sdk as f64 / base as f64
        );
    }
    println!();
    println!("| artifact | bytes |");
    println!("|---|---:|");
    for (name, size) in sizes {
        println!("| {name} | {size} |");
    }
}

/// The id of the channel the token opened last (its `nc` counter).
fn next_channel_id(c: &mut Contract) -> Result<u64> {
    let raw =
        c.vm.with_storage(|s| Ok(s.inner.get(b"nc").0.ok().flatten()))
            .map_err(|e| anyhow!("{e}"))?
            .ok_or_else(|| anyhow!("no channel opened"))?;
    Ok(serde_json::from_slice(&raw)?)
}
