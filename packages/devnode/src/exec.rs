//! One message of a delivered (or simulated) transaction, run as wasmd's keeper and the
//! bank run it.

use std::io::Read;

use cosmrs::proto::cosmos::bank::v1beta1::{MsgSend, MsgSendResponse};
use cosmrs::proto::cosmwasm::wasm::v1::{
    AccessConfig, MsgClearAdminResponse, MsgExecuteContractResponse,
    MsgInstantiateContract2Response, MsgInstantiateContractResponse, MsgMigrateContractResponse,
    MsgStoreCodeResponse, MsgUpdateAdminResponse,
};
use cosmrs::Any;
use cosmwasm_std::{Addr, Coin, Event};
use farthing_vm::{CallError, Executed, Vm};

use crate::chain::transfer_events;
use crate::errors::Failure;
use crate::gas;
use crate::msgs::{self, response_any, Msg, MAX_WASM_SIZE};
use crate::state::{CodeMeta, ContractMeta, State};

/// wasmd's `AccessTypeEverybody`.
const ACCESS_EVERYBODY: i32 = 3;
const ACCESS_ANY_OF_ADDRESSES: i32 = 4;

/// Why a message failed.
#[derive(Debug)]
pub enum MsgError {
    /// The VM ran out of the gas left to the transaction.
    OutOfGas,
    Failed(Failure),
}

impl From<Failure> for MsgError {
    fn from(f: Failure) -> Self {
        MsgError::Failed(f)
    }
}

/// A message that succeeded: its events (without the `message` event), its response,
/// its gas.
pub struct Done {
    pub events: Vec<Event>,
    pub response: Any,
    pub gas: u64,
}

/// What a message runs with.
pub struct Ctx<'a> {
    pub vm: &'a mut Vm,
    pub state: &'a mut State,
    pub prefix: &'a str,
    pub height: u64,
    /// The transaction's signer (every message's sender).
    pub signer: &'a str,
    /// The fee collector, a blocked address for bank sends.
    pub fee_collector: &'a str,
}

type Ran = Result<Done, (MsgError, u64)>;

fn fail(f: Failure, gas: u64) -> (MsgError, u64) {
    (MsgError::Failed(f), gas)
}

/// The SDK gas of the calls of the VM's last transaction (a failed one's too).
fn last_gas(vm: &Vm) -> u64 {
    vm.last_calls().iter().map(|c| c.sdk_gas()).sum()
}

/// A VM error as wasmd reports it: a contract's own error wrapped by the entry point's
/// registered error (`what` and `code`: execute 5, instantiate 4, migrate 11), the
/// engine's as `ErrVMError`.
fn call_failure(e: CallError, what: &str, code: u32) -> MsgError {
    match e {
        CallError::Contract(m) => MsgError::Failed(Failure::wasm(code, m)),
        CallError::Vm(m) if m.contains("Ran out of gas") => MsgError::OutOfGas,
        CallError::Vm(m) => MsgError::Failed(Failure::wasm(29, m)),
        CallError::Bank(m) => MsgError::Failed(Failure::sdk(5, m)),
        CallError::Setup(m) => match m.strip_prefix("no contract at ") {
            Some(addr) => MsgError::Failed(Failure::wasm(22, format!("address {addr}"))),
            None => MsgError::Failed(Failure::wasm(code, format!("{what}: {m}"))),
        },
    }
}

fn coins(funds: &[cosmrs::proto::cosmos::base::v1beta1::Coin]) -> Vec<Coin> {
    // Validated by the message's `ValidateBasic`.
    msgs::coins(funds).unwrap_or_default()
}

impl Ctx<'_> {
    fn addr(&self, text: &str) -> Result<String, Failure> {
        msgs::address(text, self.prefix).map(|(a, _)| a)
    }

    /// The bank's check of coins sent with a message: the sender has each of them, or the
    /// SDK's insufficient-funds error.
    fn can_pay(&self, from: &str, coins: &[Coin]) -> Result<(), (MsgError, u64)> {
        let balances = self.vm.balances(&Addr::unchecked(from));
        for coin in coins {
            let have = balances
                .iter()
                .find(|c| c.denom == coin.denom)
                .map_or(0, |c| c.amount.u128());
            if have < coin.amount.u128() {
                let spendable = Coin::new(have, coin.denom.clone());
                return Err(fail(
                    Failure::sdk(
                        5,
                        format!("spendable balance {spendable} is smaller than {coin}"),
                    ),
                    gas::read(60),
                ));
            }
        }
        Ok(())
    }

    pub fn run(&mut self, msg: &Msg) -> Ran {
        let sender = self.signer.to_string();
        match msg {
            Msg::StoreCode(m) => {
                self.store_code(&sender, &m.wasm_byte_code, m.instantiate_permission.clone())
            }
            Msg::Instantiate(m) => {
                if self.state.codes.len() < m.code_id as usize {
                    return Err(fail(Failure::wasm(28, format!("code id {}", m.code_id)), 0));
                }
                let instance = self.vm.next_instance_id();
                let address = self
                    .vm
                    .classic_contract_addr(m.code_id, instance)
                    .to_string();
                let admin = self.admin(&m.admin)?;
                let (done, data) = self.instantiate(
                    m.code_id, &address, &sender, &admin, &m.label, &m.msg, &m.funds, true,
                )?;
                let response = response_any(&MsgInstantiateContractResponse { address, data });
                Ok(Done { response, ..done })
            }
            Msg::Instantiate2(m) => {
                let Some(code) = m
                    .code_id
                    .checked_sub(1)
                    .and_then(|i| self.state.codes.get(i as usize))
                else {
                    return Err(fail(Failure::wasm(28, format!("code id {}", m.code_id)), 0));
                };
                let (_, creator) = msgs::address(&sender, self.prefix).map_err(|f| fail(f, 0))?;
                let fixed: &[u8] = if m.fix_msg { &m.msg } else { &[] };
                let canonical =
                    msgs::instantiate2_address(&code.checksum, &creator, &m.salt, fixed);
                let address = self
                    .vm
                    .humanize(&canonical)
                    .map_err(|e| fail(Failure::wasm(14, e.message()), 0))?
                    .to_string();
                let admin = self.admin(&m.admin)?;
                let (done, data) = self.instantiate(
                    m.code_id, &address, &sender, &admin, &m.label, &m.msg, &m.funds, false,
                )?;
                let response = response_any(&MsgInstantiateContract2Response { address, data });
                Ok(Done { response, ..done })
            }
            Msg::Execute(m) => {
                let contract = self.addr(&m.contract).map_err(|f| fail(f, 0))?;
                let Some(meta) = self.state.contracts.get(&contract) else {
                    return Err(fail(Failure::wasm(22, format!("address {contract}")), 0));
                };
                let book = gas::execute(gas::contract_info_bytes(
                    &meta.creator,
                    &meta.admin,
                    &meta.label,
                ));
                let funds = coins(&m.funds);
                self.can_pay(&sender, &funds)?;
                let ran = self.vm.execute_raw(
                    &Addr::unchecked(&contract),
                    &Addr::unchecked(&sender),
                    &m.msg,
                    &funds,
                );
                let done = self.called(ran, book, None, "execute", 5)?;
                let response = response_any(&MsgExecuteContractResponse {
                    data: done.1.clone(),
                });
                Ok(Done { response, ..done.0 })
            }
            Msg::Migrate(m) => {
                let contract = self.addr(&m.contract).map_err(|f| fail(f, 0))?;
                let Some(meta) = self.state.contracts.get(&contract) else {
                    return Err(fail(Failure::sdk(18, "unknown contract"), 0));
                };
                let info = gas::contract_info_bytes(&meta.creator, &meta.admin, &meta.label);
                let book = gas::migrate(info, m.msg.len() as u64);
                if meta.admin != sender {
                    return Err(fail(Failure::sdk(4, "can not migrate"), gas::read(info)));
                }
                if self.state.codes.len() < m.code_id as usize {
                    return Err(fail(Failure::sdk(18, "unknown code"), gas::read(info)));
                }
                let ran = self
                    .vm
                    .migrate_raw(&Addr::unchecked(&contract), m.code_id, &m.msg);
                let done = self.called(ran, book, None, "migrate", 11)?;
                if let Some(meta) = self.state.contracts.get_mut(&contract) {
                    meta.code_id = m.code_id;
                }
                let response = response_any(&MsgMigrateContractResponse {
                    data: done.1.clone(),
                });
                Ok(Done { response, ..done.0 })
            }
            Msg::UpdateAdmin(m) => {
                let new_admin = self.addr(&m.new_admin).map_err(|f| fail(f, 0))?;
                let events = self.set_admin(&sender, &m.contract, &new_admin)?;
                Ok(Done {
                    events: events.0,
                    response: response_any(&MsgUpdateAdminResponse {}),
                    gas: events.1,
                })
            }
            Msg::ClearAdmin(m) => {
                let events = self.set_admin(&sender, &m.contract, "")?;
                Ok(Done {
                    events: events.0,
                    response: response_any(&MsgClearAdminResponse {}),
                    gas: events.1,
                })
            }
            Msg::Send(m) => self.send(m),
        }
    }

    fn admin(&self, admin: &str) -> Result<String, (MsgError, u64)> {
        if admin.is_empty() {
            return Ok(String::new());
        }
        self.addr(admin).map_err(|f| fail(f, 0))
    }

    /// The outcome of a VM entry point with wasmd's bookkeeping gas `book`: its events
    /// (new accounts created for the contracts and recipients they name; `top`, a contract
    /// the message itself instantiated) and data. On failure the message is rolled back
    /// whole by the transaction's rollback.
    fn called(
        &mut self,
        ran: Result<Executed, CallError>,
        book: u64,
        top: Option<&str>,
        what: &str,
        code: u32,
    ) -> Result<(Done, Vec<u8>), (MsgError, u64)> {
        match ran {
            Ok(done) => {
                let gas = book + done.sdk_gas() + self.adopt(&done.events, top);
                let data = done.data.map(|d| d.to_vec()).unwrap_or_default();
                Ok((
                    Done {
                        events: done.events,
                        response: Any::default(),
                        gas,
                    },
                    data,
                ))
            }
            Err(e) => {
                let gas = book + last_gas(self.vm);
                Err((call_failure(e, what, code), gas))
            }
        }
    }

    /// Records what a VM transaction created: contracts instantiated by sub-messages (their
    /// creator is the contract that sent the message, their admin and label unknown to the
    /// node: empty) and accounts for new recipients. Returns the gas of the new accounts.
    fn adopt(&mut self, events: &[Event], top: Option<&str>) -> u64 {
        let mut gas = 0;
        let mut last_contract: Option<String> = None;
        for e in events {
            let attr = |key: &str| {
                e.attributes
                    .iter()
                    .find(|a| a.key == key)
                    .map(|a| a.value.clone())
            };
            match e.ty.as_str() {
                "instantiate" => {
                    let (Some(address), Some(code_id)) =
                        (attr("_contract_address"), attr("code_id"))
                    else {
                        continue;
                    };
                    if Some(address.as_str()) != top && !self.state.contracts.contains_key(&address)
                    {
                        let order = self.state.contracts_created;
                        self.state.contracts_created += 1;
                        self.state.contracts.insert(
                            address.clone(),
                            ContractMeta {
                                code_id: code_id.parse().unwrap_or(0),
                                creator: last_contract.clone().unwrap_or_default(),
                                admin: String::new(),
                                label: String::new(),
                                created: (self.height, 0),
                                order,
                            },
                        );
                        if self.state.ensure_account(&address) {
                            gas += gas::new_account();
                        }
                    }
                    last_contract = Some(address);
                }
                "execute" | "reply" | "migrate" => last_contract = attr("_contract_address"),
                "transfer" => {
                    if let Some(to) = attr("recipient") {
                        if self.state.ensure_account(&to) {
                            gas += gas::new_account();
                        }
                    }
                }
                _ => {}
            }
        }
        gas
    }

    fn store_code(&mut self, sender: &str, code: &[u8], permission: Option<AccessConfig>) -> Ran {
        let gzipped = code.starts_with(&[0x1f, 0x8b, 0x08]);
        let (wasm, gzip_len) = if gzipped {
            let uncompress = code.len() as u64 * gas::UNCOMPRESS_COST_PER_100_BYTES / 100;
            let mut out = vec![];
            let read = flate2::read::GzDecoder::new(code)
                .take(MAX_WASM_SIZE as u64 + 1)
                .read_to_end(&mut out);
            if let Err(e) = read {
                return Err(fail(
                    Failure::wasm(2, format!("uncompress wasm archive: {e}")),
                    uncompress,
                ));
            }
            if out.len() > MAX_WASM_SIZE {
                return Err(fail(
                    Failure::wasm(
                        2,
                        format!(
                            "uncompress wasm archive: max {MAX_WASM_SIZE} bytes: exceeds limit"
                        ),
                    ),
                    uncompress,
                ));
            }
            (out, Some(code.len() as u64))
        } else {
            (code.to_vec(), None)
        };
        let gas = gas::store_code(gzip_len, wasm.len() as u64, sender);
        let code_id = self
            .vm
            .store_code(&wasm)
            .map_err(|e| fail(Failure::wasm(2, e.message()), gas))?;
        let checksum = self
            .vm
            .checksum(code_id)
            .map_err(|e| fail(Failure::wasm(2, e.message()), gas))?;
        let capabilities = self.vm.required_capabilities(code_id).unwrap_or_default();
        let checksum: [u8; 32] = *checksum.as_ref();
        self.state.codes.push(CodeMeta {
            creator: sender.to_string(),
            checksum,
            permission: permission.unwrap_or(AccessConfig {
                permission: ACCESS_EVERYBODY,
                addresses: vec![],
            }),
        });
        let mut event = Event::new("store_code")
            .add_attribute("code_checksum", hex::encode(checksum))
            .add_attribute("code_id", code_id.to_string());
        // wasmd splits the comma-separated capabilities: none gives one empty attribute.
        let capabilities = if capabilities.is_empty() {
            vec![String::new()]
        } else {
            capabilities
        };
        for c in capabilities {
            event = event.add_attribute("required_capability", c);
        }
        Ok(Done {
            events: vec![event],
            response: response_any(&MsgStoreCodeResponse {
                code_id,
                checksum: checksum.to_vec(),
            }),
            gas,
        })
    }

    /// wasmd's `instantiate` at `address` (classic or instantiate2): the contract's
    /// account, the call, the contract info. Returns the message's outcome (its response
    /// to be filled) and the contract's data.
    #[allow(clippy::too_many_arguments)] // a message's fields
    fn instantiate(
        &mut self,
        code_id: u64,
        address: &str,
        sender: &str,
        admin: &str,
        label: &str,
        msg: &[u8],
        funds: &[cosmrs::proto::cosmos::base::v1beta1::Coin],
        classic: bool,
    ) -> Result<(Done, Vec<u8>), (MsgError, u64)> {
        let book = gas::instantiate(classic, sender, admin, label, msg.len() as u64);
        // wasmd's instantiate permission of the code (x/wasm AccessConfig): Nobody (1),
        // AnyOfAddresses (4) or Everybody (3); anything else refuses, as wasmd's
        // `Allowed` does.
        let allowed = code_id
            .checked_sub(1)
            .and_then(|i| self.state.codes.get(i as usize))
            .map(|code| match code.permission.permission {
                ACCESS_EVERYBODY => true,
                ACCESS_ANY_OF_ADDRESSES => code.permission.addresses.iter().any(|a| a == sender),
                _ => false,
            })
            .unwrap_or(true);
        if !allowed {
            return Err(fail(
                Failure::sdk(4, "can not instantiate: unauthorized"),
                gas::read(100),
            ));
        }
        if self.state.contracts.contains_key(address) {
            return Err(fail(
                Failure::wasm(
                    15,
                    "contract address already exists, try a different combination of creator, \
                     checksum and salt",
                ),
                gas::read(40),
            ));
        }
        if let Some(account) = self.state.accounts.get(address) {
            if account.sequence != 0 || account.pubkey.is_some() {
                return Err(fail(
                    Failure::wasm(3, "address is claimed by external account"),
                    gas::read(100),
                ));
            }
        }
        let funds = coins(funds);
        self.can_pay(sender, &funds)?;
        let mut book = book;
        if self.state.ensure_account(address) {
            book += gas::new_account();
        }
        let order = self.state.contracts_created;
        self.state.contracts_created += 1;
        self.state.contracts.insert(
            address.to_string(),
            ContractMeta {
                code_id,
                creator: sender.to_string(),
                admin: admin.to_string(),
                label: label.to_string(),
                created: (self.height, 0),
                order,
            },
        );
        let ran = self.vm.instantiate_at(
            code_id,
            &Addr::unchecked(address),
            &Addr::unchecked(sender),
            msg,
            &funds,
        );
        self.called(ran, book, Some(address), "instantiate", 4)
    }

    fn set_admin(
        &mut self,
        sender: &str,
        contract: &str,
        new_admin: &str,
    ) -> Result<(Vec<Event>, u64), (MsgError, u64)> {
        let contract = self.addr(contract).map_err(|f| fail(f, 0))?;
        let Some(meta) = self.state.contracts.get_mut(&contract) else {
            return Err(fail(Failure::sdk(18, "unknown contract"), 0));
        };
        let info = gas::contract_info_bytes(&meta.creator, &meta.admin, &meta.label);
        if meta.admin != sender {
            return Err(fail(
                Failure::sdk(4, "can not modify contract"),
                gas::read(info),
            ));
        }
        meta.admin = new_admin.to_string();
        let event = Event::new("update_contract_admin")
            .add_attribute("_contract_address", &contract)
            .add_attribute("new_admin_address", new_admin);
        Ok((vec![event], gas::update_admin(info)))
    }

    fn send(&mut self, m: &MsgSend) -> Ran {
        let from = self.addr(&m.from_address).map_err(|f| fail(f, 0))?;
        let (to, to_bytes) = msgs::address(&m.to_address, self.prefix).map_err(|f| fail(f, 0))?;
        let amount = coins(&m.amount);
        if to == self.fee_collector {
            return Err(fail(
                Failure::sdk(4, format!("{to} is not allowed to receive funds")),
                0,
            ));
        }
        let from_addr = Addr::unchecked(&from);
        let to_addr = Addr::unchecked(&to);
        let have = self.vm.balances(&from_addr);
        let had = self.vm.balances(&to_addr);
        let balance = |coins: &[Coin], denom: &str| {
            coins
                .iter()
                .find(|c| c.denom == denom)
                .map_or(0, |c| c.amount.u128())
        };
        let mut moves = vec![];
        for coin in &amount {
            let before = balance(&have, &coin.denom);
            if before < coin.amount.u128() {
                let spendable = Coin::new(before, coin.denom.clone());
                return Err(fail(
                    Failure::sdk(
                        5,
                        format!("spendable balance {spendable} is smaller than {coin}"),
                    ),
                    gas::read(60),
                ));
            }
            let to_before = balance(&had, &coin.denom);
            moves.push((
                coin.denom.as_str(),
                before,
                before - coin.amount.u128(),
                to_before,
                to_before + coin.amount.u128(),
            ));
        }
        let mut gas = gas::bank_move(20, to_bytes.len() as u64, &moves);
        self.vm
            .bank_send(&from_addr, &to_addr, &amount)
            .map_err(|e| fail(Failure::sdk(5, e.message()), gas))?;
        if self.state.ensure_account(&to) {
            gas += gas::new_account();
        }
        Ok(Done {
            events: transfer_events(&from, &to, &amount),
            response: response_any(&MsgSendResponse {}),
            gas,
        })
    }
}
