//! What the router tests share: the token (no registry, a freezer) and the escrow that
//! accepts it, on the current optimized wasm; alice holds 1,000 of the token and 500ueur.
#![allow(dead_code)] // each test crate uses its own part

use cosmwasm_std::{coins, to_json_binary, Addr, Uint128};
use farthing_types::escrow::{self, DealTerms, ReceiveMsg};
use farthing_types::token::{self, Role, RoleGrant};
use farthing_vm::{artifact, CallError, Executed, Vm};
use serde_json::json;

pub struct World {
    pub vm: Vm,
    pub token: Addr,
    pub escrow: Addr,
    pub owner: Addr,
    pub alice: Addr,
    pub bob: Addr,
    pub freezer: Addr,
}

pub fn world() -> World {
    let mut vm = Vm::new().unwrap();
    let token_code = vm.store_file(&artifact("micropay_token").unwrap()).unwrap();
    let escrow_code = vm.store_file(&artifact("royalty_escrow").unwrap()).unwrap();
    let (owner, alice, bob, freezer) = (
        vm.addr("owner"),
        vm.addr("alice"),
        vm.addr("bob"),
        vm.addr("freezer"),
    );
    let (token, _) = vm
        .instantiate(
            token_code,
            "token",
            &owner,
            &token::InstantiateMsg {
                name: "Farthing Euro".into(),
                symbol: "FEUR".into(),
                decimals: 6,
                initial_balances: vec![cw20::Cw20Coin {
                    address: alice.to_string(),
                    amount: Uint128::new(1_000),
                }],
                mint: None,
                marketing: None,
                owner: None,
                registry: None,
                roles: vec![RoleGrant {
                    role: Role::Freezer,
                    address: freezer.to_string(),
                }],
            },
            &[],
        )
        .unwrap();
    let (escrow, _) = vm
        .instantiate(
            escrow_code,
            "escrow",
            &owner,
            &escrow::InstantiateMsg {
                owner: None,
                registry: None,
                accepted_cw20: vec![token.to_string()],
                dispute_timeout_seconds: 86_400,
            },
            &[],
        )
        .unwrap();
    vm.set_balances(&alice, coins(500, "ueur"));
    World {
        vm,
        token,
        escrow,
        owner,
        alice,
        bob,
        freezer,
    }
}

impl World {
    pub fn balance(&self, who: &Addr) -> u128 {
        let answer: cw20::BalanceResponse = self
            .vm
            .query(&self.token, &json!({"balance": {"address": who}}))
            .unwrap();
        answer.balance.u128()
    }

    /// A deal of 100 (60 then 40) from alice to bob, expiring in a day.
    pub fn terms(&self) -> DealTerms {
        DealTerms {
            payee: self.bob.to_string(),
            arbiter: None,
            milestones: vec![Uint128::new(60), Uint128::new(40)],
            expires_at: self.vm.block().time.plus_seconds(86_400),
        }
    }

    /// alice opens a cw20 deal of 100 for bob (a `send` with the escrow's hook).
    pub fn cw20_deal(&mut self) -> Executed {
        let send = token::ExecuteMsg::Send {
            contract: self.escrow.to_string(),
            amount: Uint128::new(100),
            msg: to_json_binary(&ReceiveMsg::CreateDeal(self.terms())).unwrap(),
        };
        let (token, alice) = (self.token.clone(), self.alice.clone());
        self.vm.execute(&token, &alice, &send, &[]).unwrap()
    }

    /// alice releases every milestone of the deal.
    pub fn release(&mut self, deal_id: u64) -> Result<Executed, CallError> {
        let (escrow, alice) = (self.escrow.clone(), self.alice.clone());
        let release = escrow::ExecuteMsg::Release {
            deal_id,
            milestone: None,
        };
        self.vm.execute(&escrow, &alice, &release, &[])
    }

    /// The freezer freezes (or unfreezes) `who` in the token.
    pub fn freeze(&mut self, who: &Addr, freeze: bool) {
        let msg = if freeze {
            token::ExecuteMsg::Freeze {
                address: who.to_string(),
                reason: "check".into(),
            }
        } else {
            token::ExecuteMsg::Unfreeze {
                address: who.to_string(),
                reason: "cleared".into(),
            }
        };
        let (token, freezer) = (self.token.clone(), self.freezer.clone());
        self.vm.execute(&token, &freezer, &msg, &[]).unwrap();
    }
}
