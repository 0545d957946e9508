//! What the node keeps beside the VM's world (contract storage and bank balances, in
//! farthing-vm): accounts, code and contract infos, and the delivered transactions.

use std::collections::BTreeMap;

use cosmrs::proto::cosmos::auth::v1beta1::BaseAccount;
use cosmrs::proto::cosmos::crypto::secp256k1::PubKey;
use cosmrs::proto::cosmwasm::wasm::v1::AccessConfig;
use cosmrs::proto::prost::{Message, Name};
use cosmrs::Any;
use cosmwasm_std::Event;

/// An account of the auth module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    pub number: u64,
    pub sequence: u64,
    /// The compressed secp256k1 public key (33 bytes), set by the account's first
    /// transaction.
    pub pubkey: Option<Vec<u8>>,
}

impl Account {
    /// The account as the auth query answers it: a `BaseAccount` in an `Any`.
    pub fn to_any(&self, address: &str) -> Any {
        let account = BaseAccount {
            address: address.to_string(),
            pub_key: self.pubkey.as_ref().map(|key| pubkey_any(key)),
            account_number: self.number,
            sequence: self.sequence,
        };
        Any {
            type_url: BaseAccount::type_url(),
            value: account.encode_to_vec(),
        }
    }

    /// The size of the account as stored, for the gas of reading and writing it.
    pub fn stored_bytes(&self, address: &str) -> u64 {
        self.to_any(address).encode_to_vec().len() as u64
    }
}

/// A secp256k1 public key as an `Any` (`/cosmos.crypto.secp256k1.PubKey`).
pub fn pubkey_any(key: &[u8]) -> Any {
    Any {
        type_url: PubKey::type_url(),
        value: PubKey { key: key.to_vec() }.encode_to_vec(),
    }
}

/// A stored code's info.
#[derive(Clone, Debug)]
pub struct CodeMeta {
    pub creator: String,
    pub checksum: [u8; 32],
    pub permission: AccessConfig,
}

/// A contract's info.
#[derive(Clone, Debug)]
pub struct ContractMeta {
    pub code_id: u64,
    pub creator: String,
    pub admin: String,
    pub label: String,
    /// Block height and index of the transaction in the block that created it.
    pub created: (u64, u64),
    /// Creation order (wasmd's secondary index orders a code's contracts by creation).
    pub order: u64,
}

/// The node's state besides the VM: rolled back with the VM when a transaction's
/// messages fail, and thrown away after a simulation.
#[derive(Clone, Debug, Default)]
pub struct State {
    pub accounts: BTreeMap<String, Account>,
    pub next_account_number: u64,
    /// Code id `i + 1` at index `i`.
    pub codes: Vec<CodeMeta>,
    pub contracts: BTreeMap<String, ContractMeta>,
    pub contracts_created: u64,
}

impl State {
    /// The account at `address`, created (with the next account number) when missing,
    /// as the SDK creates the account of a first recipient or of a new contract.
    pub fn ensure_account(&mut self, address: &str) -> bool {
        if self.accounts.contains_key(address) {
            return false;
        }
        let number = self.next_account_number;
        self.next_account_number += 1;
        self.accounts.insert(
            address.to_string(),
            Account {
                number,
                sequence: 0,
                pubkey: None,
            },
        );
        true
    }
}

/// The result of a delivered (or simulated) transaction.
#[derive(Clone, Debug, Default)]
pub struct TxResult {
    pub code: u32,
    pub codespace: String,
    pub log: String,
    pub gas_wanted: u64,
    pub gas_used: u64,
    pub events: Vec<Event>,
    /// `TxMsgData` with the messages' responses (empty when the transaction failed).
    pub data: Vec<u8>,
    pub msg_responses: Vec<Any>,
}

/// A transaction in a block.
#[derive(Clone, Debug)]
pub struct TxRecord {
    pub height: u64,
    pub index: u32,
    pub tx: Vec<u8>,
    pub result: TxResult,
}
