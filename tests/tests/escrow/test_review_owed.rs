//! Adversarial review of c918654: the escrow's ledger of what it owes per asset (`OWED`),
//! the `Owed` query, the owner's `SweepStray` and the 0.2.0 migration that computes the
//! ledger for older escrows.
//!
//! Guarantee under attack (README, "Stray funds have a way out"): the owner sweeps "exactly
//! that rest", "never what is owed"; and every payout the escrow owes still goes through.
//! A `review_owed_hole_*` test fails on c918654 (a hole); a `review_owed_resists_*` test
//! is an attack the change withstands.

use cosmwasm_std::{
    Addr, Binary, BlockInfo, Coin, Empty, Order, Record, StdResult, Storage, WasmMsg, WasmQuery,
};
use cw_multi_test::{
    no_init, AppBuilder, AppResponse, Contract, ContractData, CosmosRouter, Executor, Wasm,
    WasmKeeper, WasmSudo,
};
use farthing_royalty_escrow::state::OWED;
use farthing_royalty_escrow::{ContractError, CONTRACT_NAME};
use farthing_types::escrow::{ExecuteMsg, MigrateMsg, OwedResponse, QueryMsg, Share, WorkTerms};
use farthing_types::kyc::{Denial, DenialCode, KycStatus, PartyKind, PartyRole, Policy};

use super::*;

fn owed(s: &Suite, asset: AssetInfo) -> (u128, u128, u128) {
    let r: OwedResponse = s.query_escrow(&QueryMsg::Owed { asset });
    (r.owed.u128(), r.holdings.u128(), r.stray.u128())
}

fn sweep(s: &mut Suite, who: &str, asset: AssetInfo, to: &str) -> anyhow::Result<AppResponse> {
    let to = s.addr(to).to_string();
    exec(s, who, ExecuteMsg::SweepStray { asset, to })
}

/// Puts the escrow's store in the shape an older release left it: no `OWED` ledger
/// (c918654 added it; nothing else in the store changed shape) and cw2 `version`.
fn as_pre_ledger_release(s: &mut Suite, version: &str) {
    let escrow = s.escrow.clone();
    let mut store = s.app.contract_storage_mut(&escrow);
    let keys: Vec<String> = OWED
        .keys(&*store, None, None, Order::Ascending)
        .collect::<StdResult<_>>()
        .unwrap();
    for k in keys {
        OWED.remove(&mut *store, &k);
    }
    // Nor the marker that says the ledger is kept (added with the fix of this review).
    farthing_royalty_escrow::state::OWED_KEPT.remove(&mut *store);
    cw2::set_contract_version(&mut *store, CONTRACT_NAME, version).unwrap();
}

/// The stored cw2 version of the escrow.
fn stored_version(s: &Suite) -> String {
    let store = s.app.contract_storage(&s.escrow);
    cw2::get_contract_version(&*store).unwrap().version
}

fn migrate_escrow(s: &mut Suite) {
    let (owner, escrow) = (s.owner.clone(), s.escrow.clone());
    let code = s.app.contract_data(&escrow).unwrap().code_id;
    s.app
        .migrate_contract(owner, escrow, &MigrateMsg {}, code)
        .unwrap();
}

/// A cw20 deal of 1,000 and a native deal of 500 (payee, no arbiter, one day).
fn two_deals() -> (Suite, u64, u64) {
    let mut s = suite();
    let t = terms(&s, &[], false, 86_400);
    let a = create_cw20_deal(&mut s, 1_000, t).unwrap();
    let t = terms(&s, &[], false, 86_400);
    let b = create_native_deal(&mut s, 500, t).unwrap();
    (s, a, b)
}

// ======================================================================= holes

/// Wasmd's router, for the one thing this test needs from it: a contract address in a
/// `WasmMsg` or `WasmQuery` is parsed as bech32 (`sdk.AccAddressFromBech32`), which accepts
/// an all-uppercase string as the same address. cw-multi-test's router insists on the
/// normalized form instead; this wrapper lowercases an all-uppercase address before
/// handing the message to the real `WasmKeeper`. Contracts' own `deps.api` is untouched
/// (`MockApi`, as strict as the VM's `addr_validate`). Bech32 is case-insensitive: an
/// all-uppercase string decodes to the same bytes (see CosmWasm/wasmd#2538).
struct ChainRouterWasm(WasmKeeper<Empty, Empty>);

fn as_chain_parses(addr: String) -> String {
    if addr.bytes().any(|b| b.is_ascii_lowercase()) {
        addr
    } else {
        addr.to_ascii_lowercase()
    }
}

impl Wasm<Empty, Empty> for ChainRouterWasm {
    fn execute(
        &self,
        api: &dyn cosmwasm_std::Api,
        storage: &mut dyn Storage,
        router: &dyn CosmosRouter<ExecC = Empty, QueryC = Empty>,
        block: &BlockInfo,
        sender: Addr,
        msg: WasmMsg,
    ) -> anyhow::Result<AppResponse> {
        let msg = match msg {
            WasmMsg::Execute {
                contract_addr,
                msg,
                funds,
            } => WasmMsg::Execute {
                contract_addr: as_chain_parses(contract_addr),
                msg,
                funds,
            },
            other => other,
        };
        self.0.execute(api, storage, router, block, sender, msg)
    }

    fn query(
        &self,
        api: &dyn cosmwasm_std::Api,
        storage: &dyn Storage,
        querier: &dyn cosmwasm_std::Querier,
        block: &BlockInfo,
        request: WasmQuery,
    ) -> anyhow::Result<Binary> {
        let request = match request {
            WasmQuery::Smart { contract_addr, msg } => WasmQuery::Smart {
                contract_addr: as_chain_parses(contract_addr),
                msg,
            },
            WasmQuery::Raw { contract_addr, key } => WasmQuery::Raw {
                contract_addr: as_chain_parses(contract_addr),
                key,
            },
            other => other,
        };
        self.0.query(api, storage, querier, block, request)
    }

    fn sudo(
        &self,
        api: &dyn cosmwasm_std::Api,
        storage: &mut dyn Storage,
        router: &dyn CosmosRouter<ExecC = Empty, QueryC = Empty>,
        block: &BlockInfo,
        msg: WasmSudo,
    ) -> anyhow::Result<AppResponse> {
        self.0.sudo(api, storage, router, block, msg)
    }

    fn store_code(&mut self, creator: Addr, code: Box<dyn Contract<Empty, Empty>>) -> u64 {
        self.0.store_code(creator, code)
    }

    fn store_code_with_id(
        &mut self,
        creator: Addr,
        code_id: u64,
        code: Box<dyn Contract<Empty, Empty>>,
    ) -> anyhow::Result<u64> {
        self.0.store_code_with_id(creator, code_id, code)
    }

    fn duplicate_code(&mut self, code_id: u64) -> anyhow::Result<u64> {
        self.0.duplicate_code(code_id)
    }

    fn contract_data(&self, storage: &dyn Storage, address: &Addr) -> anyhow::Result<ContractData> {
        self.0.contract_data(storage, address)
    }

    fn dump_wasm_raw(&self, storage: &dyn Storage, address: &Addr) -> Vec<Record> {
        self.0.dump_wasm_raw(storage, address)
    }
}

/// HOLE (never what is owed). `SweepStray`'s `asset` is taken from the message as it is:
/// a cw20 address is never validated or normalized, and the ledger is keyed by its exact
/// string (`"c:" + address`). The all-uppercase spelling of the token's bech32 address is
/// the same contract to the chain (the balance query and the `Transfer` reach the token),
/// but a ledger key that owes nothing: holdings 1,000, owed 0, "stray" 1,000. The owner
/// sweeps the deal's whole deposit; the payee's release is then refused by the token
/// (held, `transfer_refused`) and can never be collected.
#[test]
fn review_owed_hole_sweep_by_an_uppercase_alias_of_the_token_takes_a_deals_deposit() {
    let mut app = AppBuilder::default()
        .with_wasm(ChainRouterWasm(WasmKeeper::new()))
        .build(no_init);
    let a = |n: &str| app.api().addr_make(n);
    let (owner, officer, payer, payee, anyone) = (
        a("owner"),
        a("officer"),
        a("payer"),
        a("payee"),
        a("anyone"),
    );
    let registry_code = app.store_code(farthing_testing::kyc_registry_contract());
    let token_code = app.store_code(farthing_testing::micropay_token_contract());
    let escrow_code = app.store_code(farthing_testing::royalty_escrow_contract());
    let registry = app
        .instantiate_contract(
            registry_code,
            owner.clone(),
            &farthing_types::kyc::InstantiateMsg {
                owner: None,
                officers: vec![officer.to_string()],
                policy: Policy::default(),
            },
            &[],
            "registry",
            None,
        )
        .unwrap();
    let now = app.block_info().time;
    let records = [(&payer, "DE"), (&payee, "FR"), (&anyone, "NL")]
        .into_iter()
        .map(|(who, j)| farthing_testing::kyc_input(who, 3, j, now))
        .collect();
    app.execute_contract(
        officer.clone(),
        registry.clone(),
        &farthing_types::kyc::ExecuteMsg::UpsertRecords { records },
        &[],
    )
    .unwrap();
    let token = app
        .instantiate_contract(
            token_code,
            owner.clone(),
            &farthing_types::token::InstantiateMsg {
                name: "Farthing Euro".into(),
                symbol: "FEUR".into(),
                decimals: 6,
                initial_balances: vec![cw20::Cw20Coin {
                    address: payer.to_string(),
                    amount: u(1_000_000),
                }],
                mint: None,
                marketing: None,
                owner: None,
                registry: Some(registry.to_string()),
                roles: vec![],
            },
            &[],
            "token",
            None,
        )
        .unwrap();
    let escrow = app
        .instantiate_contract(
            escrow_code,
            owner.clone(),
            &farthing_types::escrow::InstantiateMsg {
                owner: None,
                registry: Some(registry.to_string()),
                accepted_cw20: vec![token.to_string()],
                dispute_timeout_seconds: 86_400,
            },
            &[],
            "escrow",
            None,
        )
        .unwrap();
    let mut rec = farthing_testing::kyc_input(&escrow, 3, "DE", now);
    rec.kind = PartyKind::Contract;
    app.execute_contract(
        officer,
        registry,
        &farthing_types::kyc::ExecuteMsg::UpsertRecords { records: vec![rec] },
        &[],
    )
    .unwrap();
    // The payer opens a deal of 1,000 tokens.
    let deal_terms = DealTerms {
        payee: payee.to_string(),
        arbiter: None,
        milestones: vec![],
        expires_at: now.plus_seconds(86_400),
    };
    app.execute_contract(
        payer.clone(),
        token.clone(),
        &TokenMsg::Send {
            contract: escrow.to_string(),
            amount: u(1_000),
            msg: to_json_binary(&ReceiveMsg::CreateDeal(deal_terms)).unwrap(),
        },
        &[],
    )
    .unwrap();
    let balance = |app: &cw_multi_test::App<_, _, _, _, ChainRouterWasm>, who: &Addr| -> u128 {
        let r: cw20::BalanceResponse = app
            .wrap()
            .query_wasm_smart(
                token.clone(),
                &farthing_types::token::QueryMsg::Balance {
                    address: who.to_string(),
                },
            )
            .unwrap();
        r.balance.u128()
    };
    let real = AssetInfo::Cw20 {
        address: token.clone(),
    };
    let r: OwedResponse = app
        .wrap()
        .query_wasm_smart(escrow.clone(), &QueryMsg::Owed { asset: real })
        .unwrap();
    assert_eq!(
        (r.owed.u128(), r.holdings.u128(), r.stray.u128()),
        (1_000, 1_000, 0)
    );

    // The owner names the token by its uppercase spelling.
    let alias = AssetInfo::Cw20 {
        address: Addr::unchecked(token.as_str().to_ascii_uppercase()),
    };
    let swept = app.execute_contract(
        owner,
        escrow.clone(),
        &ExecuteMsg::SweepStray {
            asset: alias,
            to: anyone.to_string(),
        },
        &[],
    );
    assert_eq!(
        (balance(&app, &escrow), balance(&app, &anyone)),
        (1_000, 0),
        "(escrow, owner's pick) after sweeping by an alias of the token ({})",
        match &swept {
            Ok(_) => "the sweep went through".to_string(),
            Err(e) => e.to_string(),
        }
    );
    let err = swept.expect_err("nothing is stray: the sweep must be refused");
    assert!(
        matches!(
            err.downcast_ref::<ContractError>(),
            Some(ContractError::NothingToSweep { .. } | ContractError::Std(_))
        ),
        "{err:?}"
    );
    // The deal still pays its payee.
    app.execute_contract(
        payer,
        escrow.clone(),
        &ExecuteMsg::Release {
            deal_id: 1,
            milestone: None,
        },
        &[],
    )
    .unwrap();
    assert_eq!((balance(&app, &payee), balance(&app, &escrow)), (1_000, 0));
}

/// HOLE (the 0.2.0 migration computes the ledger). The migration runs only when the stored
/// version is below 0.2.0; but the workspace (and so the escrow's `CONTRACT_VERSION`) has
/// said 0.2.0 since 05822fa, and every escrow build from then to c918654^ kept no ledger.
/// An escrow instantiated with, or migrated from 0.1.0 to, such a build stores "0.2.0":
/// migrated to c918654 it gets no ledger, so everything it holds reads as stray.
#[test]
fn review_owed_hole_migration_from_a_pre_ledger_0_2_0_build_computes_no_ledger() {
    let (mut s, _, _) = two_deals();
    // A build before c918654 stored this version and no `OWED`.
    assert_eq!(stored_version(&s), "0.2.0");
    as_pre_ledger_release(&mut s, "0.2.0");
    migrate_escrow(&mut s);
    assert_eq!(
        (owed(&s, token_asset(&s)), owed(&s, native_asset())),
        ((1_000, 1_000, 0), (500, 500, 0)),
        "(owed, holdings, stray) per asset after the migration"
    );
    let asset = token_asset(&s);
    assert_escrow_rejected(
        &mut s,
        |s| sweep(s, "owner", asset.clone(), "anyone"),
        ContractError::NothingToSweep {
            asset: asset.to_string(),
            holdings: u(1_000),
            owed: u(1_000),
        },
    );
}

/// HOLE (every state has a terminal path; push payouts never revert because of their
/// recipient). Same upgrade path as above, with an honest owner who sweeps nothing: every
/// payout now lowers a ledger that is zero (`checked_sub`), so the release, the refund
/// after expiry and every claim revert with an overflow. The deals' funds are locked.
#[test]
fn review_owed_hole_after_a_pre_ledger_0_2_0_upgrade_every_payout_reverts() {
    let (mut s, a, b) = two_deals();
    as_pre_ledger_release(&mut s, "0.2.0");
    migrate_escrow(&mut s);
    let (payee, payer) = (s.addr("payee"), s.addr("payer"));
    let (tokens, coins) = (s.balance(&payee), s.native_balance(&payer, DENOM));
    let released = exec(
        &mut s,
        "payer",
        ExecuteMsg::Release {
            deal_id: a,
            milestone: None,
        },
    );
    assert!(released.is_ok(), "release of the cw20 deal: {released:?}");
    s.advance_seconds(86_400);
    let refunded = exec(&mut s, "anyone", ExecuteMsg::Refund { deal_id: b });
    assert!(refunded.is_ok(), "refund of the native deal: {refunded:?}");
    assert_eq!(s.balance(&payee), tokens + 1_000);
    assert_eq!(s.native_balance(&payer, DENOM), coins + 500);
    assert_eq!(owed(&s, token_asset(&s)), (0, 0, 0));
    assert_eq!(owed(&s, native_asset()), (0, 0, 0));
}

// ============================================================ attacks resisted

fn pay_tokens(s: &mut Suite, amount: u128, msg: &ReceiveMsg) {
    let (payer, escrow) = (s.addr("payer"), s.escrow.to_string());
    s.execute_token(
        &payer,
        &TokenMsg::Send {
            contract: escrow,
            amount: u(amount),
            msg: to_json_binary(msg).unwrap(),
        },
    )
    .unwrap();
}

fn claim(s: &mut Suite, who: &str, epoch: u32, asset: AssetInfo, amount: Option<u128>) {
    exec(
        s,
        who,
        ExecuteMsg::Claim {
            work_id: 1,
            epoch: Some(epoch),
            asset,
            amount: amount.map(u),
        },
    )
    .unwrap();
}

fn set(s: &mut Suite, who: &str, status: KycStatus) {
    let (officer, a) = (s.officer.clone(), s.addr(who));
    s.set_status(&officer, &[&a], status, "kyc_review").unwrap();
}

/// Every way money enters and leaves, in both assets, with stray funds (and a third denom)
/// mixed in: a release held by the registry, a release the token refuses (held in the
/// reply), a ruling, a dispute expiry, a native refund to a suspended payer (sent), a
/// settlement, a top-up, royalties over a split update with partial claims. The runtime
/// ledger is exact; recomputed by the 0.2.0 migration from a 0.1.0 store it is the same;
/// the sweep takes exactly the stray rest; and then every owed unit still pays out.
#[test]
fn review_owed_resists_every_payout_path_and_the_0_1_0_migration_recomputes_it() {
    let mut s = suite();
    let (payer, stranger) = (s.addr("payer"), s.addr("stranger"));
    s.fund_native(&stranger, 9, "uother");
    let (token, native) = (token_asset(&s), native_asset());
    let ten_days = 10 * 86_400;
    let t = terms(&s, &[600, 400], true, ten_days);
    let a = create_cw20_deal(&mut s, 1_000, t).unwrap();
    let t = terms(&s, &[], true, ten_days);
    let b = create_cw20_deal(&mut s, 300, t).unwrap();
    let t = terms(&s, &[], false, ten_days);
    let e = create_cw20_deal(&mut s, 200, t).unwrap();
    let t = terms(&s, &[], false, 1_000);
    let c = create_native_deal(&mut s, 500, t).unwrap();
    let t = terms(&s, &[250, 150], false, ten_days);
    let d = create_native_deal(&mut s, 400, t).unwrap();
    let t = terms(&s, &[], false, ten_days);
    let f = create_native_deal(&mut s, 300, t).unwrap();
    // A: the token refuses the first release (frozen payee): held by the reply.
    let payee = s.addr("payee");
    freeze(&mut s, &payee, true);
    let resp = release(&mut s, "payer", a, Some(0));
    assert_eq!(holds(&resp)[0].3, "transfer_refused");
    freeze(&mut s, &payee, false);
    // B: ruled 100 / 200. E: the dispute runs out, refunded.
    exec(&mut s, "payer", ExecuteMsg::OpenDispute { deal_id: b }).unwrap();
    exec(
        &mut s,
        "arbiter",
        ExecuteMsg::Resolve {
            deal_id: b,
            to_payee: u(100),
        },
    )
    .unwrap();
    exec(&mut s, "payee", ExecuteMsg::OpenDispute { deal_id: e }).unwrap();
    s.advance_seconds(86_400);
    exec(&mut s, "anyone", ExecuteMsg::ExpireDispute { deal_id: e }).unwrap();
    // C: expired, refunded in coins to a suspended payer (sent: not sanctioned).
    set(&mut s, "payer", KycStatus::Suspended);
    let resp = exec(&mut s, "anyone", ExecuteMsg::Refund { deal_id: c }).unwrap();
    assert!(holds(&resp).is_empty());
    set(&mut s, "payer", KycStatus::Active);
    // D: the registry refuses the payee: held before sending; then a top-up of 50.
    set(&mut s, "payee", KycStatus::Suspended);
    let resp = release(&mut s, "payer", d, Some(0));
    assert_eq!(holds(&resp)[0].3, "suspended");
    set(&mut s, "payee", KycStatus::Active);
    s.execute_escrow(
        &payer,
        &ExecuteMsg::TopUp { deal_id: d },
        &[Coin::new(50u128, DENOM)],
    )
    .unwrap();
    // F: settled 120 / 180.
    exec(
        &mut s,
        "payee",
        ExecuteMsg::ProposeSettlement {
            deal_id: f,
            to_payee: u(120),
        },
    )
    .unwrap();
    exec(&mut s, "payer", ExecuteMsg::AcceptSettlement { deal_id: f }).unwrap();
    // Royalties: payee 33.33%, arbiter 66.67%, in both assets; a split update; claims.
    let share = |s: &Suite, n: &str, bps: u16| Share {
        address: s.addr(n).to_string(),
        bps,
    };
    let work = WorkTerms {
        name: "song".into(),
        recipients: vec![share(&s, "payee", 3_333), share(&s, "arbiter", 6_667)],
        accepted: vec![native.clone(), token.clone()],
    };
    s.execute_escrow(&payer, &ExecuteMsg::RegisterWork(work), &[])
        .unwrap();
    s.execute_escrow(
        &payer,
        &ExecuteMsg::Pay { work_id: 1 },
        &[Coin::new(1_001u128, DENOM)],
    )
    .unwrap();
    pay_tokens(&mut s, 777, &ReceiveMsg::Pay { work_id: 1 });
    claim(&mut s, "payee", 0, native.clone(), Some(100));
    let recipients = vec![share(&s, "arbiter", 10_000)];
    s.execute_escrow(
        &payer,
        &ExecuteMsg::UpdateSplit {
            work_id: 1,
            recipients,
        },
        &[],
    )
    .unwrap();
    s.execute_escrow(
        &payer,
        &ExecuteMsg::Pay { work_id: 1 },
        &[Coin::new(50u128, DENOM)],
    )
    .unwrap();
    claim(&mut s, "arbiter", 0, token.clone(), None);
    // Stray: 77 tokens, 33 coins, 9 of another denom.
    let escrow = s.escrow.clone();
    s.transfer(&payer, &escrow, 77).unwrap();
    s.app
        .send_tokens(payer.clone(), escrow.clone(), &[Coin::new(33u128, DENOM)])
        .unwrap();
    s.app
        .send_tokens(stranger, escrow.clone(), &[Coin::new(9u128, "uother")])
        .unwrap();
    let other = AssetInfo::Native {
        denom: "uother".into(),
    };
    // Tokens: A 400 open + 600 held; royalties 777 - 518 claimed. Coins: D 150 + 50 open
    // + 250 held; royalties 1,001 + 50 - 100 claimed.
    let expected = [(1_259, 1_336, 77), (1_401, 1_434, 33), (0, 9, 9)];
    let ledger = |s: &Suite| {
        [
            owed(s, token.clone()),
            owed(s, native.clone()),
            owed(s, other.clone()),
        ]
    };
    assert_eq!(ledger(&s), expected, "the ledger kept at runtime");
    as_pre_ledger_release(&mut s, "0.1.0");
    migrate_escrow(&mut s);
    assert_eq!(stored_version(&s), "0.2.0");
    assert_eq!(ledger(&s), expected, "the ledger the migration computed");
    // The sweep takes exactly the stray rest of each asset.
    let anyone = s.addr("anyone");
    let before = (s.balance(&anyone), s.native_balance(&anyone, DENOM));
    for asset in [token.clone(), native.clone(), other.clone()] {
        sweep(&mut s, "owner", asset, "anyone").unwrap();
    }
    assert_eq!(
        (
            s.balance(&anyone),
            s.native_balance(&anyone, DENOM),
            s.native_balance(&anyone, "uother")
        ),
        (before.0 + 77, before.1 + 33, 9)
    );
    assert_eq!(
        ledger(&s),
        [(1_259, 1_259, 0), (1_401, 1_401, 0), (0, 0, 0)]
    );
    // Everything owed still pays out, to the last unit.
    claim_held(&mut s, "payee", token.clone()).unwrap();
    claim_held(&mut s, "payee", native.clone()).unwrap();
    release(&mut s, "payer", a, None);
    release(&mut s, "payer", d, None);
    claim(&mut s, "payee", 0, native.clone(), None);
    claim(&mut s, "arbiter", 0, native.clone(), None);
    claim(&mut s, "payee", 0, token.clone(), None);
    claim(&mut s, "arbiter", 1, native.clone(), None);
    assert_eq!(ledger(&s), [(0, 0, 0), (0, 0, 0), (0, 0, 0)]);
}

/// A pending owner (two-step transfer not yet accepted) cannot sweep; the owner cannot
/// sweep coins to an address the registry does not list.
#[test]
fn review_owed_resists_a_pending_owner_and_an_unlisted_sweep_target() {
    let (mut s, _, _) = two_deals();
    let (payer, escrow) = (s.addr("payer"), s.escrow.clone());
    s.app
        .send_tokens(payer, escrow, &[Coin::new(33u128, DENOM)])
        .unwrap();
    let anyone = s.addr("anyone").to_string();
    exec(
        &mut s,
        "owner",
        ExecuteMsg::UpdateOwnership(cw_ownable::Action::TransferOwnership {
            new_owner: anyone,
            expiry: None,
        }),
    )
    .unwrap();
    assert_escrow_rejected(
        &mut s,
        |s| sweep(s, "anyone", native_asset(), "anyone"),
        ContractError::Ownership(cw_ownable::OwnershipError::NotOwner),
    );
    let stranger = s.addr("stranger");
    let denial = Denial::new(
        &stranger,
        PartyRole::Recipient,
        DenialCode::NotListed,
        format!("recipient {stranger} is not listed in the KYC registry"),
    );
    assert_escrow_rejected(
        &mut s,
        |s| sweep(s, "owner", native_asset(), "stranger"),
        ContractError::Denied(denial),
    );
    assert_eq!(owed(&s, native_asset()), (500, 533, 33));
}

/// A token disallowed after a deal was opened in it: it can no longer fund anything
/// (`Receive` refused), what it sends plainly is stray and swept exactly, and the deal
/// opened before still pays out in it.
#[test]
fn review_owed_resists_a_token_disallowed_after_a_deal() {
    let (mut s, a, _) = two_deals();
    let (owner, token) = (s.owner.clone(), s.token.to_string());
    s.execute_escrow(
        &owner,
        &ExecuteMsg::DisallowToken {
            address: token.clone(),
        },
        &[],
    )
    .unwrap();
    assert_escrow_rejected(
        &mut s,
        |s| receive_as_token(s, "payer", 500, &ReceiveMsg::TopUp { deal_id: a }),
        ContractError::TokenNotAccepted { address: token },
    );
    let (payer, escrow) = (s.addr("payer"), s.escrow.clone());
    s.transfer(&payer, &escrow, 50).unwrap();
    assert_eq!(owed(&s, token_asset(&s)), (1_000, 1_050, 50));
    let anyone = s.addr("anyone");
    let before = s.balance(&anyone);
    let asset = token_asset(&s);
    sweep(&mut s, "owner", asset, "anyone").unwrap();
    assert_eq!(s.balance(&anyone), before + 50);
    let payee = s.addr("payee");
    let before = s.balance(&payee);
    release(&mut s, "payer", a, None);
    assert_eq!(s.balance(&payee), before + 1_000);
    assert_eq!(owed(&s, token_asset(&s)), (0, 0, 0));
}
