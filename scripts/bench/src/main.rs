//! Gas benchmark on farthing-vm: the optimized wasm of the KYC registry, the token, the
//! royalty escrow and cw20-base 2.0 (all built the same way by `scripts/bench.sh`) on one
//! chain (`farthing_vm::Vm`, cosmwasm-vm 2.3.5 routed as wasmd routes it).
//!
//! Every measured operation is one whole transaction as a chain runs it: the message's
//! call, every sub-message it dispatches (a cw20 transfer, a bank send) and every reply,
//! with one block passed before it. Every number comes from the transaction's
//! [`Executed`]: VM gas, storage operations, raw queries, event gas and the SDK gas a wasmd
//! chain with default settings (wasmd 0.54+, the CosmWasm 2.x line) charges for its
//! calls ([`farthing_vm::gas`]): a setup of 60,000 per contract call (`DefaultInstanceCost`),
//! 2,000 (`DefaultInstanceCostDiscount`) for a reply or a later call into a code already
//! run in the transaction; its VM gas divided by `DefaultGasMultiplier` (140,000 since
//! CosmWasm 2.0 made VM gas 1,000 times smaller; 140,000,000 was the 1.x value) plus one
//! per byte of its JSON result; the Cosmos SDK's KV costs for every read, write, delete,
//! iterator step, raw query and bank move; and wasmd's event costs. A failed sub-message's gas is still charged. The
//! transaction's own costs (signature checks, transaction bytes) are not counted: they are
//! the same for every row.
//!
//! Prints the legend, the table, the artifact sizes and the targets in markdown.
//!
//! Usage: farthing-bench <artifacts-dir> [--check]   (expects kyc_registry.wasm,
//! micropay_token.wasm, royalty_escrow.wasm and reference/cw20_base.wasm; with `--check`,
//! exits non-zero when a gas target is missed)

use anyhow::{anyhow, ensure, Context, Result};
use cosmwasm_std::{coins, to_json_binary, Addr, Coin, HexBinary, Timestamp, Uint128};
use cw20::Cw20Coin;
use farthing_types::escrow;
use farthing_types::kyc::{self, PartyKind, Policy, RecordInput, TierLimit};
use farthing_types::token::{self, Payout};
use farthing_vm::gas::{
    CONTRACT_KEY_PREFIX, CUSTOM_EVENT_COST, DELETE_FLAT, EVENT_DATA_PER_BYTE, EVENT_FREE_BYTES,
    EVENT_PER_ATTRIBUTE, GAS_MULTIPLIER, INSTANCE_COST, INSTANCE_COST_DISCOUNT, ITER_NEXT_FLAT,
    READ_FLAT, READ_PER_BYTE, WRITE_FLAT, WRITE_PER_BYTE,
};
use farthing_vm::{Entry, Executed, KvStats, Vm};
use serde::Serialize;

const DENOM: &str = "ueur";
const CW20_BASE: &str = "cw20-base";
const TOKEN_OFF: &str = "token (compliance off)";
const TOKEN_ON: &str = "token (compliance on)";
const TOKEN_WINDOW: &str = "token (limits + window)";
const REGISTRY: &str = "kyc-registry";
const ESCROW: &str = "royalty-escrow";

/// One row of the table: one transaction, or the sum of several.
struct Row {
    op: String,
    contract: &'static str,
    vm_gas: u64,
    kv: KvStats,
    event_gas: u64,
    sdk_gas: u64,
}

impl Row {
    fn new(op: impl Into<String>, contract: &'static str, txs: &[Executed]) -> Row {
        let mut kv = KvStats::default();
        for tx in txs {
            kv.add(&tx.kv());
        }
        Row {
            op: op.into(),
            contract,
            vm_gas: txs.iter().map(Executed::vm_gas).sum(),
            kv,
            event_gas: txs.iter().map(Executed::event_gas).sum(),
            sdk_gas: txs.iter().map(Executed::sdk_gas).sum(),
        }
    }
}

/// The chain and the benchmark's transactions on it.
struct Bench {
    vm: Vm,
}

impl Bench {
    /// One transaction, one block after the last: `msg` to `contract` from `sender`.
    fn tx(
        &mut self,
        contract: &Addr,
        sender: &Addr,
        msg: &impl Serialize,
        funds: &[Coin],
    ) -> Result<Executed> {
        self.vm.advance_blocks(1);
        self.vm.execute(contract, sender, msg, funds).map_err(|e| {
            let msg = serde_json::to_string(msg).unwrap_or_default();
            anyhow!("{msg} on {contract}: {e}")
        })
    }

    fn instantiate(
        &mut self,
        code: u64,
        label: &str,
        sender: &Addr,
        msg: &impl Serialize,
    ) -> Result<Addr> {
        let (addr, _) = self
            .vm
            .instantiate(code, label, sender, msg, &[])
            .map_err(|e| anyhow!("instantiate {label}: {e}"))?;
        Ok(addr)
    }

    /// The id of the channel the token opened last (its `nc` counter).
    fn last_channel(&self, token: &Addr) -> Result<u64> {
        let raw = self
            .vm
            .raw(token, b"nc")?
            .ok_or_else(|| anyhow!("no channel opened"))?;
        Ok(serde_json::from_slice(&raw)?)
    }
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
    let escrow_wasm = read("royalty_escrow.wasm")?;
    let base_wasm = read("reference/cw20_base.wasm")?;

    let mut b = Bench { vm: Vm::new()? };
    let registry_code = b.vm.store_code(&registry_wasm)?;
    let token_code = b.vm.store_code(&token_wasm)?;
    let escrow_code = b.vm.store_code(&escrow_wasm)?;
    let base_code = b.vm.store_code(&base_wasm)?;

    let a = |n: &str| b.vm.addr(n);
    let (owner, officer, alice, bob) = (a("owner"), a("officer"), a("alice"), a("bob"));
    // Carol is the payee of the cw20 deal whose payout the token refuses (frozen).
    let (carol, freezer) = (a("carol"), a("freezer"));
    let creators: Vec<Addr> = (0..100).map(|i| a(&format!("creator{i}"))).collect();
    // The escrow of the deals receives the token (a cw20 deal): the token's gate checks it.
    let escrow_deals = b.vm.contract_addr("escrow_deals");
    b.vm.set_balances(&alice, coins(1_000_000_000_000, DENOM));
    let mut rows: Vec<Row> = vec![];

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
    let mut registries = vec![];
    for (label, policy) in [
        ("registry_plain", Policy::default()),
        ("registry_window", windowed),
    ] {
        let registry = b.instantiate(
            registry_code,
            label,
            &owner,
            &kyc::InstantiateMsg {
                owner: None,
                officers: vec![officer.to_string()],
                policy,
            },
        )?;
        let expires_at = b.vm.block().time.plus_seconds(365 * 86_400);
        let record = |address: &Addr, kind: PartyKind| RecordInput {
            address: address.to_string(),
            status: kyc::KycStatus::Active,
            tier: 2,
            kind,
            jurisdiction: "DE".into(),
            expires_at,
            attestation: HexBinary::from(vec![0xab; 32]),
            reason: "kyc_onboarding".into(),
        };
        let records: Vec<RecordInput> = [&alice, &bob]
            .into_iter()
            .chain(&creators)
            .map(|addr| record(addr, PartyKind::Individual))
            .collect();
        let done = b.tx(
            &registry,
            &officer,
            &kyc::ExecuteMsg::UpsertRecords {
                records: records[..100].to_vec(),
            },
            &[],
        )?;
        if rows.is_empty() {
            rows.push(Row::new("registry: upsert 100 records", REGISTRY, &[done]));
        }
        let mut rest = records[100..].to_vec();
        rest.push(record(&carol, PartyKind::Individual));
        rest.push(record(&escrow_deals, PartyKind::Contract));
        b.tx(
            &registry,
            &officer,
            &kyc::ExecuteMsg::UpsertRecords { records: rest },
            &[],
        )?;
        registries.push(registry);
    }
    let (registry_plain, registry_window) = (registries[0].clone(), registries[1].clone());

    // ---- tokens ----
    let balances = vec![
        Cw20Coin {
            address: alice.to_string(),
            amount: Uint128::new(1_000_000_000_000),
        },
        Cw20Coin {
            address: bob.to_string(),
            amount: Uint128::new(1_000_000),
        },
    ];
    let base = b.instantiate(
        base_code,
        "cw20base",
        &owner,
        &serde_json::json!({
            "name": "Farthing Euro", "symbol": "FEUR", "decimals": 6,
            "initial_balances": balances, "mint": null, "marketing": null
        }),
    )?;
    let token_msg = |registry: Option<&Addr>| token::InstantiateMsg {
        name: "Farthing Euro".into(),
        symbol: "FEUR".into(),
        decimals: 6,
        initial_balances: balances.clone(),
        mint: None,
        marketing: None,
        owner: None,
        registry: registry.map(Addr::to_string),
        roles: vec![],
    };
    let off = b.instantiate(token_code, "token_off", &owner, &token_msg(None))?;
    let on = b.instantiate(
        token_code,
        "token_on",
        &owner,
        &token_msg(Some(&registry_plain)),
    )?;
    let win = b.instantiate(
        token_code,
        "token_win",
        &owner,
        &token_msg(Some(&registry_window)),
    )?;

    let transfer = |to: &Addr| serde_json::json!({"transfer": {"recipient": to, "amount": "1000"}});
    // Steady state: alice -> bob, both already hold a balance; the first transfer opens the
    // window, the measured one is the second.
    for (name, c) in [
        (CW20_BASE, &base),
        (TOKEN_OFF, &off),
        (TOKEN_ON, &on),
        (TOKEN_WINDOW, &win),
    ] {
        b.tx(c, &alice, &transfer(&bob), &[])?;
        let done = b.tx(c, &alice, &transfer(&bob), &[])?;
        rows.push(Row::new("transfer", name, &[done]));
    }
    for (name, c) in [(CW20_BASE, &base), (TOKEN_ON, &on)] {
        let done = b.tx(c, &alice, &transfer(&creators[0]), &[])?;
        rows.push(Row::new("transfer to a new account", name, &[done]));
    }
    for (name, c) in [(CW20_BASE, &base), (TOKEN_ON, &on)] {
        b.tx(
            c,
            &alice,
            &serde_json::json!({"increase_allowance": {"spender": bob, "amount": "1000000000"}}),
            &[],
        )?;
        let done = b.tx(
            c,
            &bob,
            &serde_json::json!({"transfer_from": {"owner": alice, "recipient": bob,
                "amount": "1000"}}),
            &[],
        )?;
        rows.push(Row::new("transfer_from", name, &[done]));
    }
    // Batch of 100 vs 100 single transfers (steady state: recipients already hold a balance).
    let batch = token::ExecuteMsg::BatchTransfer {
        transfers: creators
            .iter()
            .map(|c| Payout {
                recipient: c.to_string(),
                amount: Uint128::new(10),
            })
            .collect(),
    };
    b.tx(&on, &alice, &batch, &[])?;
    let done = b.tx(&on, &alice, &batch, &[])?;
    rows.push(Row::new(
        "batch_transfer, 100 recipients",
        TOKEN_ON,
        &[done],
    ));
    let singles = creators
        .iter()
        .map(|c| b.tx(&on, &alice, &transfer(c), &[]))
        .collect::<Result<Vec<_>>>()?;
    rows.push(Row::new("100 single transfers", TOKEN_ON, &singles));
    let pay = token::ExecuteMsg::Pay {
        recipient: bob.to_string(),
        amount: Uint128::new(1000),
        reference: "inv-2026-000123".into(),
        travel_rule_ref: None,
    };
    let done = b.tx(&on, &alice, &pay, &[])?;
    rows.push(Row::new("pay (with reference)", TOKEN_ON, &[done]));

    // ---- payment channels (token, compliance on) ----
    let mut channel_rows = vec![];
    for (kind, label) in [
        (farthing_voucher::KeyType::Ed25519, "ed25519"),
        (farthing_voucher::KeyType::Secp256k1, "secp256k1"),
    ] {
        let secret = [0x44u8; 32];
        let signer = farthing_voucher::public_key(kind, &secret).map_err(|e| anyhow!("{e}"))?;
        let open = b.tx(
            &on,
            &alice,
            &token::ExecuteMsg::OpenChannel {
                payee: bob.to_string(),
                amount: Uint128::new(1_000_000),
                expires_at: Timestamp::from_seconds(1_800_000_000),
                signer,
                travel_rule_ref: None,
            },
            &[],
        )?;
        let id = b.last_channel(&on)?;
        // 1,000 micropayments of 3 units: the payee claims the last voucher and closes.
        let voucher = farthing_voucher::Voucher {
            chain_id: b.vm.block().chain_id.clone(),
            token: on.to_string(),
            channel_id: id,
            payee: bob.to_string(),
            cumulative: Uint128::new(3_000),
        };
        let signature =
            farthing_voucher::sign(kind, &secret, &voucher).map_err(|e| anyhow!("{e}"))?;
        let claim = b.tx(
            &on,
            &bob,
            &token::ExecuteMsg::Claim {
                channel: id,
                cumulative: Uint128::new(3_000),
                signature,
                close: Some(true),
            },
            &[],
        )?;
        channel_rows.push((label, open.sdk_gas() + claim.sdk_gas()));
        rows.push(Row::new(
            format!("open_channel ({label} key)"),
            TOKEN_ON,
            &[open],
        ));
        rows.push(Row::new(
            format!("claim + close, 1,000 vouchers ({label})"),
            TOKEN_ON,
            &[claim],
        ));
    }
    // ClaimMany over 10 ed25519 channels (batch verification).
    let secret = [0x45u8; 32];
    let signer = farthing_voucher::public_key(farthing_voucher::KeyType::Ed25519, &secret)
        .map_err(|e| anyhow!("{e}"))?;
    let mut claims = vec![];
    for _ in 0..10 {
        b.tx(
            &on,
            &alice,
            &token::ExecuteMsg::OpenChannel {
                payee: bob.to_string(),
                amount: Uint128::new(1_000),
                expires_at: Timestamp::from_seconds(1_800_000_000),
                signer: signer.clone(),
                travel_rule_ref: None,
            },
            &[],
        )?;
        let id = b.last_channel(&on)?;
        let v = farthing_voucher::Voucher {
            chain_id: b.vm.block().chain_id.clone(),
            token: on.to_string(),
            channel_id: id,
            payee: bob.to_string(),
            cumulative: Uint128::new(500),
        };
        claims.push(token::ChannelClaim {
            channel: id,
            cumulative: Uint128::new(500),
            signature: farthing_voucher::sign(farthing_voucher::KeyType::Ed25519, &secret, &v)
                .map_err(|e| anyhow!("{e}"))?,
        });
    }
    let done = b.tx(&on, &bob, &token::ExecuteMsg::ClaimMany { claims }, &[])?;
    rows.push(Row::new(
        "claim_many, 10 channels (ed25519 batch)",
        TOKEN_ON,
        &[done],
    ));

    // ---- royalty/escrow: Pay (the native coin attached moves first) and Claim (the
    // escrow's bank send to the claimant); a cw20 payment would add the token's send ----
    let escrow_msg = |accepted_cw20: Vec<String>| escrow::InstantiateMsg {
        owner: None,
        registry: Some(registry_plain.to_string()),
        accepted_cw20,
        dispute_timeout_seconds: 86_400,
    };
    for n in [3usize, 50] {
        let esc = b.instantiate(
            escrow_code,
            &format!("escrow{n}"),
            &owner,
            &escrow_msg(vec![]),
        )?;
        let share = 10_000 / n as u16;
        let recipients: Vec<escrow::Share> = (0..n)
            .map(|i| escrow::Share {
                address: creators[i].to_string(),
                bps: if i == 0 {
                    10_000 - share * (n as u16 - 1)
                } else {
                    share
                },
            })
            .collect();
        b.tx(
            &esc,
            &creators[0],
            &escrow::ExecuteMsg::RegisterWork(escrow::WorkTerms {
                name: "song".into(),
                recipients,
                accepted: vec![escrow::AssetInfo::Native {
                    denom: DENOM.into(),
                }],
            }),
            &[],
        )?;
        let pay = escrow::ExecuteMsg::Pay { work_id: 1 };
        b.tx(&esc, &alice, &pay, &coins(1_000, DENOM))?;
        let done = b.tx(&esc, &alice, &pay, &coins(1_000, DENOM))?;
        rows.push(Row::new(
            format!("royalty pay, {n} recipients"),
            ESCROW,
            &[done],
        ));
        let claim = escrow::ExecuteMsg::Claim {
            work_id: 1,
            epoch: None,
            asset: escrow::AssetInfo::Native {
                denom: DENOM.into(),
            },
            amount: None,
        };
        let done = b.tx(&esc, &creators[n - 1], &claim, &[])?;
        ensure!(
            done.calls.iter().any(|c| c.entry == Entry::Bank),
            "the royalty claim sent no payout"
        );
        rows.push(Row::new(
            format!("royalty claim, {n} recipients"),
            ESCROW,
            &[done],
        ));
    }

    // ---- escrow deals: every push payout is a `reply_on_error` sub-message, so a payout
    // that goes through costs no reply; one the asset refuses costs the failed transfer
    // (rolled back, still charged) plus one `reply` call, which holds it for the payee ----
    let esc = b.instantiate(
        escrow_code,
        "escrow_deals",
        &owner,
        &escrow_msg(vec![on.to_string()]),
    )?;
    ensure!(
        esc == escrow_deals,
        "the escrow is not at the listed address"
    );
    let terms = |payee: &Addr| escrow::DealTerms {
        payee: payee.to_string(),
        arbiter: None,
        milestones: vec![Uint128::new(500), Uint128::new(500)],
        expires_at: Timestamp::from_seconds(1_800_000_000),
    };
    let done = b.tx(
        &esc,
        &alice,
        &escrow::ExecuteMsg::CreateDeal(terms(&bob)),
        &coins(1_000, DENOM),
    )?;
    rows.push(Row::new(
        "escrow create_deal (native, 2 milestones)",
        ESCROW,
        &[done],
    ));
    let release = |deal_id| escrow::ExecuteMsg::Release {
        deal_id,
        milestone: Some(0),
    };
    let done = b.tx(&esc, &alice, &release(1), &[])?;
    ensure!(
        done.replies == 0 && done.calls.iter().any(|c| c.entry == Entry::Bank && c.ok),
        "the release did not pay the payee with a bank send and no reply"
    );
    rows.push(Row::new(
        "escrow release (payout sub-message; no reply when paid)",
        ESCROW,
        &[done],
    ));
    // A cw20 deal in the compliance-checked token, paid to carol; the registry accepts
    // carol, the token's issuer has frozen her: the transfer fails and the reply holds it.
    b.tx(
        &on,
        &owner,
        &token::ExecuteMsg::GrantRole {
            role: token::Role::Freezer,
            address: freezer.to_string(),
        },
        &[],
    )?;
    b.tx(
        &on,
        &alice,
        &token::ExecuteMsg::Send {
            contract: esc.to_string(),
            amount: Uint128::new(1_000),
            msg: to_json_binary(&escrow::ReceiveMsg::CreateDeal(terms(&carol)))?,
        },
        &[],
    )?;
    b.tx(
        &on,
        &freezer,
        &token::ExecuteMsg::Freeze {
            address: carol.to_string(),
            reason: "investigation".into(),
        },
        &[],
    )?;
    let done = b.tx(&esc, &alice, &release(2), &[])?;
    ensure!(done.replies == 1, "the refused payout ran no reply");
    ensure!(
        done.calls
            .iter()
            .any(|c| c.entry == Entry::Execute && c.contract == on.as_str() && !c.ok),
        "the token did not refuse the payout"
    );
    let held: serde_json::Value = b.vm.query(
        &esc,
        &serde_json::json!({"held": {"address": carol, "start_after": null, "limit": null}}),
    )?;
    ensure!(
        held["held"][0]["amount"] == "500",
        "the refused payout is not held for carol: {held}"
    );
    rows.push(Row::new(
        "escrow release refused by the token's gate (payout held by the reply)",
        ESCROW,
        &[done],
    ));

    print_legend();
    print_table(
        &rows,
        &[
            ("kyc_registry.wasm", registry_wasm.len()),
            ("micropay_token.wasm", token_wasm.len()),
            ("royalty_escrow.wasm", escrow_wasm.len()),
            ("cw20_base.wasm (reference)", base_wasm.len()),
        ],
    );
    let missed = print_targets(&rows, token_wasm.len(), base_wasm.len(), &channel_rows);
    if std::env::args().any(|a| a == "--check") && missed > 0 {
        anyhow::bail!("{missed} gas target(s) missed");
    }
    Ok(())
}

fn sdk_of(rows: &[Row], op: &str, contract: &str) -> u64 {
    rows.iter()
        .find(|r| r.op == op && r.contract == contract)
        .map(|r| r.sdk_gas)
        .unwrap_or(u64::MAX)
}

/// Prints the targets; returns how many gas targets are missed (the size target
/// is reported, not counted: see docs/BENCHMARKS.md).
fn print_targets(
    rows: &[Row],
    token_size: usize,
    base_size: usize,
    channels: &[(&str, u64)],
) -> usize {
    let base = sdk_of(rows, "transfer", CW20_BASE) as f64;
    let on = sdk_of(rows, "transfer", TOKEN_ON) as f64 / base;
    let window = sdk_of(rows, "transfer", TOKEN_WINDOW) as f64 / base;
    let off = sdk_of(rows, "transfer", TOKEN_OFF) as f64 / base;
    let batch = sdk_of(rows, "batch_transfer, 100 recipients", TOKEN_ON) as f64
        / sdk_of(rows, "100 single transfers", TOKEN_ON) as f64;
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

/// `1234567` as `1,234,567`.
/// What the columns mean, with the constants the numbers are computed with.
fn print_legend() {
    let t = |v: u64| farthing_vm::gas::thousands(v);
    println!(
        "\
Every row is one transaction as a wasmd chain runs it (the sum of 100 for \"100 single
transfers\"): the message's call, every sub-message it dispatches (a cw20 transfer, a bank
send) and every reply, one block after the previous transaction.

- **VM gas**: CosmWasm gas used inside the VM by every contract call of the transaction
  (wasm execution and API calls).
- **reads / writes (bytes)**: storage operations of every contract call and of the bank
  (coins attached to a message or sent by a contract), key+value bytes.
- **raw queries (bytes)**: `WasmQuery::Raw` reads into another contract's storage (here
  the KYC registry's), key+value bytes.
- **events**: SDK gas of the contracts' events ({} per attribute, {} per byte past {} free
  bytes, {} per custom event plus its type's bytes).
- **est. SDK gas**: what a wasmd chain with its default settings (wasmd 0.54+, the
  CosmWasm 2.x line) charges for the calls of the transaction: a setup of {} per contract
  call (`DefaultInstanceCost`, not pinned: the message, sub-messages and smart queries),
  {} (`DefaultInstanceCostDiscount`) for a reply (plus the events it is handed) or a later
  call into a code already run in the transaction + its VM gas / {}
  (`DefaultGasMultiplier` since CosmWasm 2.0, which made VM gas 1,000 times smaller than
  1.x, whose multiplier was 140,000,000) + 1 per byte of its JSON result + reads {} +
  {}/byte, writes {} + {}/byte (keys carry the {}-byte contract prefix), deletes {},
  iterator steps {} + {}/byte, a raw query as one read in the other contract's store, a
  bank move as the SDK's bank keeper makes it (params, the sender's account, each balance
  read and written, the recipient's account checked) + events. Accounts are 20 bytes,
  contracts 32. A failed sub-message's gas is charged (its changes are rolled back, its
  gas is not refunded). The transaction's own costs (signature checks, transaction
  bytes) are the same for every row and left out.
- **vs cw20-base transfer**: est. SDK gas divided by cw20-base's transfer.
",
        EVENT_PER_ATTRIBUTE,
        EVENT_DATA_PER_BYTE,
        EVENT_FREE_BYTES,
        CUSTOM_EVENT_COST,
        t(INSTANCE_COST),
        t(INSTANCE_COST_DISCOUNT),
        t(GAS_MULTIPLIER),
        t(READ_FLAT),
        READ_PER_BYTE,
        t(WRITE_FLAT),
        WRITE_PER_BYTE,
        CONTRACT_KEY_PREFIX,
        t(DELETE_FLAT),
        ITER_NEXT_FLAT,
        READ_PER_BYTE,
    );
}

fn print_table(rows: &[Row], sizes: &[(&str, usize)]) {
    let base = sdk_of(rows, "transfer", CW20_BASE);
    println!("| operation | contract | VM gas | reads (bytes) | writes (bytes) | raw queries (bytes) | events | est. SDK gas | vs cw20-base transfer |");
    println!("|---|---|---:|---:|---:|---:|---:|---:|---:|");
    for r in rows {
        let kv = &r.kv;
        println!(
            "| {} | {} | {} | {} ({}) | {} ({}) | {} ({}) | {} | {} | {:.3}x |",
            r.op,
            r.contract,
            r.vm_gas,
            kv.reads,
            kv.read_bytes,
            kv.writes,
            kv.write_bytes,
            kv.raw_queries,
            kv.raw_query_bytes,
            r.event_gas,
            r.sdk_gas,
            r.sdk_gas as f64 / base as f64
        );
    }
    println!();
    println!("| artifact | bytes |");
    println!("|---|---:|");
    for (name, size) in sizes {
        println!("| {name} | {size} |");
    }
}
