//! A cw20 client written for cw20-base works against the token unchanged: the same
//! `cw20::Cw20ExecuteMsg` / `Cw20QueryMsg` sequence runs against cw20-base 2.0 and the
//! token (compliance off), and every query answer and every response attribute match.

use cosmwasm_std::{to_json_binary, Addr, Binary, Empty, Uint128};
use cw20::{Cw20Coin, Cw20ExecuteMsg, EmbeddedLogo, Expiration, Logo, MinterResponse};
use cw20_base::msg::QueryMsg as BaseQuery;
use cw_multi_test::{App, AppResponse, Executor};
use farthing_testing::{cw20_base_contract, cw20_receiver_contract, micropay_token_contract};
use farthing_types::token::{InstantiateMarketingInfo, InstantiateMsg};
use serde_json::Value;

const NAMES: [&str; 8] = [
    "alice", "bob", "carol", "dave", "erin", "frank", "minter", "marketer",
];

struct Pair {
    app: App,
    base: Addr,
    ours: Addr,
    receiver: Addr,
}

fn png() -> Binary {
    let mut v = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];
    v.extend_from_slice(&[7u8; 64]);
    Binary::from(v)
}

fn setup() -> Pair {
    let mut app = App::default();
    let a = |n: &str| app.api().addr_make(n).to_string();
    let balances = vec![
        Cw20Coin {
            address: a("alice"),
            amount: Uint128::new(1_000_000),
        },
        Cw20Coin {
            address: a("bob"),
            amount: Uint128::new(5_000),
        },
    ];
    let mint = Some(MinterResponse {
        minter: a("minter"),
        cap: Some(Uint128::new(1_010_000)),
    });
    let marketing = InstantiateMarketingInfo {
        project: Some("Farthing".into()),
        description: Some("compliant micropayments".into()),
        marketing: Some(a("marketer")),
        logo: Some(Logo::Url("https://example.org/logo.png".into())),
    };
    let base_msg = cw20_base::msg::InstantiateMsg {
        name: "Farthing Euro".into(),
        symbol: "FEUR".into(),
        decimals: 6,
        initial_balances: balances.clone(),
        mint: mint.clone(),
        marketing: Some(cw20_base::msg::InstantiateMarketingInfo {
            project: marketing.project.clone(),
            description: marketing.description.clone(),
            marketing: marketing.marketing.clone(),
            logo: marketing.logo.clone(),
        }),
    };
    let our_msg = InstantiateMsg {
        name: "Farthing Euro".into(),
        symbol: "FEUR".into(),
        decimals: 6,
        initial_balances: balances,
        mint,
        marketing: Some(marketing),
        owner: None,
        registry: None,
        roles: vec![],
    };
    let creator = app.api().addr_make("creator");
    let base_code = app.store_code(cw20_base_contract());
    let our_code = app.store_code(micropay_token_contract());
    let recv_code = app.store_code(cw20_receiver_contract());
    let base = app
        .instantiate_contract(base_code, creator.clone(), &base_msg, &[], "base", None)
        .unwrap();
    let ours = app
        .instantiate_contract(our_code, creator.clone(), &our_msg, &[], "ours", None)
        .unwrap();
    let receiver = app
        .instantiate_contract(recv_code, creator, &Empty {}, &[], "recv", None)
        .unwrap();
    Pair {
        app,
        base,
        ours,
        receiver,
    }
}

/// The token's own `wasm` event attributes (not the receiver's).
fn wasm_attrs(resp: &AppResponse, contract: &Addr) -> Vec<(String, String)> {
    resp.events
        .iter()
        .filter(|e| {
            e.ty == "wasm"
                && e.attributes
                    .iter()
                    .any(|a| a.key == "_contract_address" && a.value == contract.as_str())
        })
        .flat_map(|e| e.attributes.iter())
        .filter(|a| a.key != "_contract_address")
        .map(|a| (a.key.clone(), a.value.clone()))
        .collect()
}

fn q(app: &App, contract: &Addr, msg: &BaseQuery) -> Result<Value, String> {
    app.wrap()
        .query_wasm_smart::<Value>(contract.clone(), msg)
        .map_err(|_| "error".to_string())
}

fn all_accounts(app: &App, contract: &Addr) -> Vec<String> {
    let mut all: Vec<String> = vec![];
    loop {
        let page: cw20::AllAccountsResponse = app
            .wrap()
            .query_wasm_smart(
                contract.clone(),
                &BaseQuery::AllAccounts {
                    start_after: all.last().cloned(),
                    limit: Some(2),
                },
            )
            .unwrap();
        if page.accounts.is_empty() {
            break;
        }
        all.extend(page.accounts);
    }
    // cw20-base orders by bech32 string, the token by canonical bytes: compare as sets.
    all.sort();
    all
}

fn compare_queries(p: &Pair, step: &str) {
    let a = |n: &str| p.app.api().addr_make(n).to_string();
    let mut queries = vec![
        BaseQuery::TokenInfo {},
        BaseQuery::Minter {},
        BaseQuery::MarketingInfo {},
        BaseQuery::DownloadLogo {},
    ];
    for n in NAMES {
        queries.push(BaseQuery::Balance { address: a(n) });
        queries.push(BaseQuery::AllAllowances {
            owner: a(n),
            start_after: None,
            limit: None,
        });
        queries.push(BaseQuery::AllSpenderAllowances {
            spender: a(n),
            start_after: None,
            limit: None,
        });
        for m in NAMES {
            queries.push(BaseQuery::Allowance {
                owner: a(n),
                spender: a(m),
            });
        }
    }
    queries.push(BaseQuery::Balance {
        address: p.receiver.to_string(),
    });
    for query in &queries {
        assert_eq!(
            q(&p.app, &p.base, query),
            q(&p.app, &p.ours, query),
            "after {step}: {query:?}"
        );
    }
    assert_eq!(
        all_accounts(&p.app, &p.base),
        all_accounts(&p.app, &p.ours),
        "after {step}: all_accounts"
    );
}

#[test]
fn the_same_cw20_session_gives_the_same_answers_as_cw20_base() {
    let mut p = setup();
    let a = |app: &App, n: &str| app.api().addr_make(n);
    let recv = p.receiver.to_string();
    let far = Expiration::AtHeight(1_000_000);
    let steps: Vec<(&str, Cw20ExecuteMsg, bool)> = vec![
        (
            "alice",
            Cw20ExecuteMsg::Transfer {
                recipient: a(&p.app, "bob").into(),
                amount: Uint128::new(100),
            },
            true,
        ),
        (
            "alice",
            Cw20ExecuteMsg::Send {
                contract: recv.clone(),
                amount: Uint128::new(50),
                msg: to_json_binary("hi").unwrap(),
            },
            true,
        ),
        (
            "alice",
            Cw20ExecuteMsg::IncreaseAllowance {
                spender: a(&p.app, "carol").into(),
                amount: Uint128::new(500),
                expires: Some(far),
            },
            true,
        ),
        (
            "carol",
            Cw20ExecuteMsg::TransferFrom {
                owner: a(&p.app, "alice").into(),
                recipient: a(&p.app, "dave").into(),
                amount: Uint128::new(200),
            },
            true,
        ),
        (
            "carol",
            Cw20ExecuteMsg::SendFrom {
                owner: a(&p.app, "alice").into(),
                contract: recv.clone(),
                amount: Uint128::new(100),
                msg: to_json_binary("x").unwrap(),
            },
            true,
        ),
        (
            "carol",
            Cw20ExecuteMsg::BurnFrom {
                owner: a(&p.app, "alice").into(),
                amount: Uint128::new(50),
            },
            true,
        ),
        (
            "alice",
            Cw20ExecuteMsg::DecreaseAllowance {
                spender: a(&p.app, "carol").into(),
                amount: Uint128::new(100),
                expires: None,
            },
            true,
        ),
        (
            "bob",
            Cw20ExecuteMsg::Burn {
                amount: Uint128::new(10),
            },
            true,
        ),
        (
            "minter",
            Cw20ExecuteMsg::Mint {
                recipient: a(&p.app, "erin").into(),
                amount: Uint128::new(1_000),
            },
            true,
        ),
        (
            "minter",
            Cw20ExecuteMsg::Mint {
                recipient: a(&p.app, "erin").into(),
                amount: Uint128::new(1_000_000),
            },
            false,
        ),
        (
            "carol",
            Cw20ExecuteMsg::TransferFrom {
                owner: a(&p.app, "alice").into(),
                recipient: a(&p.app, "bob").into(),
                amount: Uint128::new(10_000),
            },
            false,
        ),
        (
            "bob",
            Cw20ExecuteMsg::Transfer {
                recipient: a(&p.app, "alice").into(),
                amount: Uint128::new(1_000_000),
            },
            false,
        ),
        (
            "alice",
            Cw20ExecuteMsg::IncreaseAllowance {
                spender: a(&p.app, "alice").into(),
                amount: Uint128::new(5),
                expires: None,
            },
            false,
        ),
        (
            "alice",
            Cw20ExecuteMsg::IncreaseAllowance {
                spender: a(&p.app, "dave").into(),
                amount: Uint128::new(5),
                expires: Some(Expiration::AtHeight(1)),
            },
            false,
        ),
        (
            "dave",
            Cw20ExecuteMsg::TransferFrom {
                owner: a(&p.app, "alice").into(),
                recipient: a(&p.app, "dave").into(),
                amount: Uint128::new(1),
            },
            false,
        ),
        (
            "marketer",
            Cw20ExecuteMsg::UpdateMarketing {
                project: Some("Farthing 2".into()),
                description: Some(" ".into()),
                marketing: None,
            },
            true,
        ),
        (
            "marketer",
            Cw20ExecuteMsg::UploadLogo(Logo::Embedded(EmbeddedLogo::Png(png()))),
            true,
        ),
        (
            "marketer",
            Cw20ExecuteMsg::UploadLogo(Logo::Embedded(EmbeddedLogo::Svg(Binary::from(
                b"<svg/>".to_vec(),
            )))),
            false,
        ),
        (
            "bob",
            Cw20ExecuteMsg::UpdateMarketing {
                project: None,
                description: None,
                marketing: None,
            },
            false,
        ),
        (
            "minter",
            Cw20ExecuteMsg::UpdateMinter {
                new_minter: Some(a(&p.app, "frank").into()),
            },
            true,
        ),
        (
            "minter",
            Cw20ExecuteMsg::Mint {
                recipient: a(&p.app, "bob").into(),
                amount: Uint128::new(5),
            },
            false,
        ),
        (
            "frank",
            Cw20ExecuteMsg::Mint {
                recipient: a(&p.app, "bob").into(),
                amount: Uint128::new(5),
            },
            true,
        ),
        (
            "alice",
            Cw20ExecuteMsg::Transfer {
                recipient: a(&p.app, "alice").into(),
                amount: Uint128::new(10),
            },
            true,
        ),
        (
            "alice",
            Cw20ExecuteMsg::DecreaseAllowance {
                spender: a(&p.app, "carol").into(),
                amount: Uint128::new(1_000),
                expires: None,
            },
            true,
        ),
        (
            "alice",
            Cw20ExecuteMsg::Send {
                contract: recv.clone(),
                amount: Uint128::new(5),
                msg: to_json_binary("fail").unwrap(),
            },
            false,
        ),
        (
            "frank",
            Cw20ExecuteMsg::UpdateMinter { new_minter: None },
            true,
        ),
        (
            "frank",
            Cw20ExecuteMsg::Mint {
                recipient: a(&p.app, "bob").into(),
                amount: Uint128::new(5),
            },
            false,
        ),
    ];
    compare_queries(&p, "instantiate");
    for (i, (sender, msg, ok)) in steps.into_iter().enumerate() {
        let sender = a(&p.app, sender);
        let base = p
            .app
            .execute_contract(sender.clone(), p.base.clone(), &msg, &[]);
        let ours = p.app.execute_contract(sender, p.ours.clone(), &msg, &[]);
        let step = format!("step {i}: {msg:?}");
        assert_eq!(base.is_ok(), ok, "cw20-base, {step}: {base:?}");
        assert_eq!(ours.is_ok(), ok, "token, {step}: {ours:?}");
        if let (Ok(b), Ok(o)) = (&base, &ours) {
            assert_eq!(
                wasm_attrs(b, &p.base),
                wasm_attrs(o, &p.ours),
                "attributes, {step}"
            );
        }
        compare_queries(&p, &step);
    }
}

#[test]
fn zero_amounts_are_refused_where_cw20_base_accepts_them() {
    let mut p = setup();
    let alice = p.app.api().addr_make("alice");
    let msg = Cw20ExecuteMsg::Transfer {
        recipient: p.app.api().addr_make("bob").into(),
        amount: Uint128::zero(),
    };
    p.app
        .execute_contract(alice.clone(), p.base.clone(), &msg, &[])
        .unwrap();
    let err = p
        .app
        .execute_contract(alice, p.ours.clone(), &msg, &[])
        .unwrap_err();
    assert_eq!(
        err.downcast::<farthing_micropay_token::ContractError>()
            .unwrap(),
        farthing_micropay_token::ContractError::ZeroAmount
    );
}
