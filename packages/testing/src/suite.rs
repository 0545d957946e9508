use anyhow::Result as AnyResult;
use cosmwasm_std::{Addr, HexBinary, Timestamp, Uint128};
use cw_multi_test::{App, AppResponse, Executor};
use farthing_types::kyc::{
    AuditEntry, AuditLogResponse, ExecuteMsg, InstantiateMsg, KycStatus, OfficersResponse,
    PartyKind, Policy, QueryMsg, RecordInput, RecordResponse, RecordView, RecordsResponse, Verdict,
};

use crate::contracts::{kyc_registry_contract, micropay_token_contract, royalty_escrow_contract};
use cw20::{Cw20Coin, MinterResponse};
use farthing_types::escrow::{
    ExecuteMsg as EscrowExecuteMsg, InstantiateMsg as EscrowInstantiateMsg,
    QueryMsg as EscrowQueryMsg,
};
use farthing_types::kyc::MAX_BATCH;
use farthing_types::token::{
    AccountResponse, CanTransferResponse, ConfigResponse, ExecuteMsg as TokenExecuteMsg,
    InstantiateMsg as TokenInstantiateMsg, QueryMsg as TokenQueryMsg, Role, RoleGrant,
};

pub const ONE_YEAR: u64 = 365 * 24 * 3600;
/// A fixed 32-byte attestation (the salted hash of an off-chain KYC file).
pub const ATTESTATION: [u8; 32] = [0xab; 32];

/// An active record for `address`, valid for one year from `now`.
pub fn kyc_input(address: &Addr, tier: u8, jurisdiction: &str, now: Timestamp) -> RecordInput {
    RecordInput {
        address: address.to_string(),
        status: KycStatus::Active,
        tier,
        kind: PartyKind::Individual,
        jurisdiction: jurisdiction.to_string(),
        expires_at: now.plus_seconds(ONE_YEAR),
        attestation: HexBinary::from(ATTESTATION.to_vec()),
        reason: "kyc_onboarding".to_string(),
    }
}

/// Builds a [`Suite`]: defaults that work, `with_*` to vary them.
pub struct SuiteBuilder {
    policy: Policy,
    officers: Vec<String>,
    listed: Vec<(String, u8, String, PartyKind)>,
    token: Option<TokenOptions>,
    escrow: bool,
}

struct TokenOptions {
    compliance: bool,
    balances: Vec<(String, u128)>,
    cap: Option<u128>,
}

impl Default for SuiteBuilder {
    fn default() -> Self {
        SuiteBuilder {
            policy: Policy::default(),
            officers: vec!["officer".to_string()],
            listed: vec![],
            token: None,
            escrow: false,
        }
    }
}

impl SuiteBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with_policy(mut self, policy: Policy) -> Self {
        self.policy = policy;
        self
    }

    /// Replaces the default officer ("officer") with these.
    pub fn with_officers(mut self, names: &[&str]) -> Self {
        self.officers = names.iter().map(|n| n.to_string()).collect();
        self
    }

    /// Lists the account `name` as an active individual of `tier` in `jurisdiction`.
    pub fn with_listed(self, name: &str, tier: u8, jurisdiction: &str) -> Self {
        self.with_listed_kind(name, tier, jurisdiction, PartyKind::Individual)
    }

    pub fn with_listed_kind(
        mut self,
        name: &str,
        tier: u8,
        jurisdiction: &str,
        kind: PartyKind,
    ) -> Self {
        self.listed
            .push((name.to_string(), tier, jurisdiction.to_string(), kind));
        self
    }

    /// Deploys the micropayment token, connected to the registry, with roles held by
    /// the accounts "minter", "pauser", "freezer" and "agent".
    pub fn with_token(mut self) -> Self {
        self.token.get_or_insert(TokenOptions {
            compliance: true,
            balances: vec![],
            cap: None,
        });
        self
    }

    /// Deploys the royalty/escrow contract (dispute timeout one day), connected to the
    /// registry, accepting the token when there is one, and listed in the registry as a
    /// contract (tier 3, "DE") so that the token moves funds to and from it.
    pub fn with_escrow(mut self) -> Self {
        self.escrow = true;
        self
    }

    /// Deploys the token without a registry (compliance off).
    pub fn with_token_without_compliance(mut self) -> Self {
        self = self.with_token();
        if let Some(t) = self.token.as_mut() {
            t.compliance = false;
        }
        self
    }

    pub fn with_token_cap(mut self, cap: u128) -> Self {
        self = self.with_token();
        if let Some(t) = self.token.as_mut() {
            t.cap = Some(cap);
        }
        self
    }

    /// Lists `name` (active, `tier`, `jurisdiction`) and gives it `balance` tokens at instantiation.
    pub fn with_funded(self, name: &str, tier: u8, jurisdiction: &str, balance: u128) -> Self {
        let mut me = self.with_listed(name, tier, jurisdiction).with_token();
        if let Some(t) = me.token.as_mut() {
            t.balances.push((name.to_string(), balance));
        }
        me
    }

    pub fn build(self) -> Suite {
        let mut app = App::default();
        let owner = app.api().addr_make("owner");
        let officers: Vec<Addr> = self
            .officers
            .iter()
            .map(|n| app.api().addr_make(n))
            .collect();
        let code_id = app.store_code(kyc_registry_contract());
        let registry = app
            .instantiate_contract(
                code_id,
                owner.clone(),
                &InstantiateMsg {
                    owner: None,
                    officers: officers.iter().map(Addr::to_string).collect(),
                    policy: self.policy,
                },
                &[],
                "farthing-kyc-registry",
                Some(owner.to_string()),
            )
            .expect("instantiate the KYC registry");
        let mut suite = Suite {
            app,
            owner,
            officer: officers
                .first()
                .cloned()
                .unwrap_or_else(|| Addr::unchecked("")),
            registry,
            registry_code_id: code_id,
            token: Addr::unchecked(""),
            token_code_id: 0,
            escrow: Addr::unchecked(""),
        };
        if !self.listed.is_empty() {
            let now = suite.now();
            let inputs: Vec<RecordInput> = self
                .listed
                .iter()
                .map(|(name, tier, j, kind)| {
                    let mut input = kyc_input(&suite.addr(name), *tier, j, now);
                    input.kind = *kind;
                    input
                })
                .collect();
            let officer = suite.officer.clone();
            for chunk in inputs.chunks(MAX_BATCH) {
                suite
                    .upsert(&officer, chunk.to_vec())
                    .expect("list the suite's accounts");
            }
        }
        if let Some(t) = self.token {
            suite.deploy_token(t);
        }
        if self.escrow {
            suite.deploy_escrow();
        }
        suite
    }
}

/// The registry's whole observable state.
#[derive(Debug, PartialEq)]
pub struct RegistrySnapshot {
    pub records: Vec<RecordView>,
    pub policy: Policy,
    pub officers: Vec<Addr>,
    pub audit: Vec<AuditEntry>,
    pub ownership: cw_ownable::Ownership<Addr>,
}

/// A cw-multi-test `App` with a KYC registry, and typed executors and queries.
pub struct Suite {
    pub app: App,
    pub owner: Addr,
    /// The first officer (default "officer").
    pub officer: Addr,
    pub registry: Addr,
    pub registry_code_id: u64,
    /// The token (empty address when the suite has none).
    pub token: Addr,
    pub token_code_id: u64,
    /// The royalty/escrow contract (empty address when the suite has none).
    pub escrow: Addr,
}

impl Suite {
    fn deploy_token(&mut self, t: TokenOptions) {
        let code_id = self.app.store_code(micropay_token_contract());
        let roles = [Role::Pauser, Role::Freezer, Role::Agent]
            .into_iter()
            .map(|role| RoleGrant {
                role,
                address: self.addr(role.as_str()).to_string(),
            })
            .collect();
        let msg = TokenInstantiateMsg {
            name: "Farthing Euro".to_string(),
            symbol: "FEUR".to_string(),
            decimals: 6,
            initial_balances: t
                .balances
                .iter()
                .map(|(name, amount)| Cw20Coin {
                    address: self.addr(name).to_string(),
                    amount: Uint128::new(*amount),
                })
                .collect(),
            mint: Some(MinterResponse {
                minter: self.addr("minter").to_string(),
                cap: t.cap.map(Uint128::new),
            }),
            marketing: None,
            owner: None,
            registry: t.compliance.then(|| self.registry.to_string()),
            roles,
        };
        let owner = self.owner.clone();
        self.token = self
            .app
            .instantiate_contract(
                code_id,
                owner.clone(),
                &msg,
                &[],
                "farthing-token",
                Some(owner.to_string()),
            )
            .expect("instantiate the token");
        self.token_code_id = code_id;
    }

    fn deploy_escrow(&mut self) {
        let code_id = self.app.store_code(royalty_escrow_contract());
        let owner = self.owner.clone();
        let accepted = if self.token.as_str().is_empty() {
            vec![]
        } else {
            vec![self.token.to_string()]
        };
        self.escrow = self
            .app
            .instantiate_contract(
                code_id,
                owner.clone(),
                &EscrowInstantiateMsg {
                    owner: None,
                    registry: Some(self.registry.to_string()),
                    accepted_cw20: accepted,
                    dispute_timeout_seconds: 86_400,
                },
                &[],
                "farthing-escrow",
                Some(owner.to_string()),
            )
            .expect("instantiate the escrow");
        let mut rec = kyc_input(&self.escrow.clone(), 3, "DE", self.now());
        rec.kind = PartyKind::Contract;
        let officer = self.officer.clone();
        self.upsert(&officer, vec![rec]).expect("list the escrow");
    }

    /// Gives `addr` native coins (cw-multi-test bank).
    pub fn fund_native(&mut self, addr: &Addr, amount: u128, denom: &str) {
        let coins = vec![cosmwasm_std::coin(amount, denom)];
        self.app
            .init_modules(|router, _, storage| router.bank.init_balance(storage, addr, coins))
            .expect("fund");
    }

    pub fn native_balance(&self, addr: &Addr, denom: &str) -> u128 {
        self.app
            .wrap()
            .query_balance(addr, denom)
            .expect("bank")
            .amount
            .u128()
    }

    pub fn execute_escrow(
        &mut self,
        sender: &Addr,
        msg: &EscrowExecuteMsg,
        funds: &[cosmwasm_std::Coin],
    ) -> AnyResult<AppResponse> {
        self.app
            .execute_contract(sender.clone(), self.escrow.clone(), msg, funds)
    }

    pub fn query_escrow<T: serde::de::DeserializeOwned>(&self, msg: &EscrowQueryMsg) -> T {
        self.app
            .wrap()
            .query_wasm_smart(self.escrow.clone(), msg)
            .expect("escrow query")
    }

    /// The address of the account called `name`.
    pub fn addr(&self, name: &str) -> Addr {
        self.app.api().addr_make(name)
    }

    pub fn now(&self) -> Timestamp {
        self.app.block_info().time
    }

    pub fn advance_seconds(&mut self, seconds: u64) {
        self.app.update_block(|b| {
            b.time = b.time.plus_seconds(seconds);
            b.height += seconds.div_ceil(5).max(1);
        });
    }

    pub fn execute_registry(&mut self, sender: &Addr, msg: &ExecuteMsg) -> AnyResult<AppResponse> {
        self.app
            .execute_contract(sender.clone(), self.registry.clone(), msg, &[])
    }

    pub fn upsert(&mut self, sender: &Addr, records: Vec<RecordInput>) -> AnyResult<AppResponse> {
        self.execute_registry(sender, &ExecuteMsg::UpsertRecords { records })
    }

    pub fn set_status(
        &mut self,
        sender: &Addr,
        addresses: &[&Addr],
        status: KycStatus,
        reason: &str,
    ) -> AnyResult<AppResponse> {
        self.execute_registry(
            sender,
            &ExecuteMsg::SetStatus {
                addresses: addresses.iter().map(|a| a.to_string()).collect(),
                status,
                reason: reason.to_string(),
            },
        )
    }

    pub fn remove_records(
        &mut self,
        sender: &Addr,
        addresses: &[&Addr],
        reason: &str,
    ) -> AnyResult<AppResponse> {
        self.execute_registry(
            sender,
            &ExecuteMsg::RemoveRecords {
                addresses: addresses.iter().map(|a| a.to_string()).collect(),
                reason: reason.to_string(),
            },
        )
    }

    pub fn update_policy(&mut self, sender: &Addr, policy: Policy) -> AnyResult<AppResponse> {
        self.execute_registry(sender, &ExecuteMsg::UpdatePolicy { policy })
    }

    pub fn add_officer(&mut self, sender: &Addr, officer: &Addr) -> AnyResult<AppResponse> {
        self.execute_registry(
            sender,
            &ExecuteMsg::AddOfficer {
                address: officer.to_string(),
            },
        )
    }

    pub fn remove_officer(&mut self, sender: &Addr, officer: &Addr) -> AnyResult<AppResponse> {
        self.execute_registry(
            sender,
            &ExecuteMsg::RemoveOfficer {
                address: officer.to_string(),
            },
        )
    }

    pub fn update_ownership(
        &mut self,
        sender: &Addr,
        action: cw_ownable::Action,
    ) -> AnyResult<AppResponse> {
        self.execute_registry(sender, &ExecuteMsg::UpdateOwnership(action))
    }

    fn query<T: serde::de::DeserializeOwned>(&self, msg: &QueryMsg) -> T {
        self.app
            .wrap()
            .query_wasm_smart(self.registry.clone(), msg)
            .expect("registry query")
    }

    pub fn record(&self, address: &Addr) -> Option<RecordView> {
        let r: RecordResponse = self.query(&QueryMsg::Record {
            address: address.to_string(),
        });
        r.record
    }

    pub fn records(
        &self,
        status: Option<KycStatus>,
        jurisdiction: Option<&str>,
        start_after: Option<&Addr>,
        limit: Option<u32>,
    ) -> Vec<RecordView> {
        let r: RecordsResponse = self.query(&QueryMsg::Records {
            status,
            jurisdiction: jurisdiction.map(str::to_string),
            start_after: start_after.map(Addr::to_string),
            limit,
        });
        r.records
    }

    pub fn check_transfer(&self, from: &Addr, to: &Addr, amount: u128) -> Verdict {
        self.query(&QueryMsg::CheckTransfer {
            from: from.to_string(),
            to: to.to_string(),
            amount: Uint128::new(amount),
        })
    }

    pub fn policy(&self) -> Policy {
        self.query(&QueryMsg::Policy {})
    }

    pub fn officers(&self) -> Vec<Addr> {
        let r: OfficersResponse = self.query(&QueryMsg::Officers {
            start_after: None,
            limit: None,
        });
        r.officers
    }

    pub fn audit_log(
        &self,
        subject: Option<&Addr>,
        start_after: Option<u64>,
        limit: Option<u32>,
        descending: bool,
    ) -> Vec<AuditEntry> {
        let r: AuditLogResponse = self.query(&QueryMsg::AuditLog {
            subject: subject.map(Addr::to_string),
            start_after,
            limit,
            descending: Some(descending),
        });
        r.entries
    }

    /// Every record, in address order (pages through the registry).
    pub fn all_records(&self) -> Vec<RecordView> {
        let mut all: Vec<RecordView> = vec![];
        loop {
            let page = self.records(None, None, all.last().map(|r| &r.address), Some(100));
            if page.is_empty() {
                return all;
            }
            all.extend(page);
        }
    }

    /// Everything a rejected message must leave untouched.
    pub fn registry_snapshot(&self) -> RegistrySnapshot {
        RegistrySnapshot {
            records: self.all_records(),
            policy: self.policy(),
            officers: self.officers(),
            audit: self.full_audit_log(),
            ownership: self.query(&QueryMsg::Ownership {}),
        }
    }

    /// Every audit entry, oldest first (pages through the log).
    pub fn full_audit_log(&self) -> Vec<AuditEntry> {
        let mut all: Vec<AuditEntry> = vec![];
        loop {
            let page = self.audit_log(None, all.last().map(|e| e.seq), Some(100), false);
            if page.is_empty() {
                return all;
            }
            all.extend(page);
        }
    }
}

/// The token's whole observable state.
#[derive(Debug, PartialEq)]
pub struct TokenSnapshot {
    pub token_info: cw20::TokenInfoResponse,
    pub accounts: Vec<(String, AccountResponse)>,
    pub config: ConfigResponse,
}

impl Suite {
    pub fn execute_token(
        &mut self,
        sender: &Addr,
        msg: &TokenExecuteMsg,
    ) -> AnyResult<AppResponse> {
        self.app
            .execute_contract(sender.clone(), self.token.clone(), msg, &[])
    }

    pub fn transfer(&mut self, sender: &Addr, to: &Addr, amount: u128) -> AnyResult<AppResponse> {
        self.execute_token(
            sender,
            &TokenExecuteMsg::Transfer {
                recipient: to.to_string(),
                amount: Uint128::new(amount),
            },
        )
    }

    pub fn query_token<T: serde::de::DeserializeOwned>(&self, msg: &TokenQueryMsg) -> T {
        self.app
            .wrap()
            .query_wasm_smart(self.token.clone(), msg)
            .expect("token query")
    }

    pub fn balance(&self, addr: &Addr) -> u128 {
        let r: cw20::BalanceResponse = self.query_token(&TokenQueryMsg::Balance {
            address: addr.to_string(),
        });
        r.balance.u128()
    }

    pub fn account(&self, addr: &Addr) -> AccountResponse {
        self.query_token(&TokenQueryMsg::Account {
            address: addr.to_string(),
        })
    }

    pub fn total_supply(&self) -> u128 {
        let r: cw20::TokenInfoResponse = self.query_token(&TokenQueryMsg::TokenInfo {});
        r.total_supply.u128()
    }

    pub fn can_transfer(&self, from: &Addr, to: &Addr, amount: u128) -> CanTransferResponse {
        self.query_token(&TokenQueryMsg::CanTransfer {
            from: from.to_string(),
            to: to.to_string(),
            amount: Uint128::new(amount),
        })
    }

    /// Every account of the token with its balance and issuer state.
    pub fn token_snapshot(&self) -> TokenSnapshot {
        let mut names: Vec<String> = vec![];
        loop {
            let r: cw20::AllAccountsResponse = self.query_token(&TokenQueryMsg::AllAccounts {
                start_after: names.last().cloned(),
                limit: Some(30),
            });
            if r.accounts.is_empty() {
                break;
            }
            names.extend(r.accounts);
        }
        TokenSnapshot {
            token_info: self.query_token(&TokenQueryMsg::TokenInfo {}),
            accounts: names
                .into_iter()
                .map(|a| {
                    let acc = self.query_token(&TokenQueryMsg::Account { address: a.clone() });
                    (a, acc)
                })
                .collect(),
            config: self.query_token(&TokenQueryMsg::Config {}),
        }
    }
}
