//! The SDK gas a transaction is charged, as a wasmd chain (Cosmos SDK 0.50, wasmd 0.5x,
//! default parameters) charges it.
//!
//! - The ante handler: `TxSizeCostPerByte` (10) per byte of the transaction
//!   (`ConsumeGasForTxSizeDecorator`; in a simulation whose signature is empty, the size
//!   of a secp256k1 `StdSignature` is added, as the SDK does), `SigVerifyCostSecp256k1`
//!   (1,000), and the store operations of the decorators at the SDK's `KVGasConfig`: the
//!   auth parameters read three times, the signer's account read five times and written
//!   once (twice the first time, when its public key is set), and the fee's bank transfer
//!   to the fee collector.
//! - Each message: what farthing-vm measures for the contract calls
//!   (`Executed::sdk_gas`: instance setup, VM gas, contract storage, events, bank moves of
//!   attached funds) plus wasmd's own bookkeeping around them (code and contract infos
//!   read and written, the instance sequence, the contract history with its message,
//!   the secondary indexes, the new contract's account), estimated from the byte sizes of
//!   what it stores. A `MsgStoreCode` costs wasmd's `CompileCost` (3 per byte of the
//!   uncompressed wasm) and `UncompressCost` (0.15 per gzip byte) plus the code info. A
//!   `MsgSend` costs the bank transfer as farthing-vm models it
//!   ([`farthing_vm::KvStats::bank_send`]).

use farthing_vm::gas::{
    DELETE_FLAT, HAS_FLAT, READ_FLAT, READ_PER_BYTE, WRITE_FLAT, WRITE_PER_BYTE,
};
use farthing_vm::KvStats;

/// `TxSizeCostPerByte` (x/auth DefaultParams).
pub const TX_SIZE_COST_PER_BYTE: u64 = 10;
/// `SigVerifyCostSecp256k1` (x/auth DefaultParams).
pub const SIG_VERIFY_COST_SECP256K1: u64 = 1_000;
/// Bytes a simulation adds for a missing signature: the amino `StdSignature` of a
/// secp256k1 key and a 64-byte signature (106 bytes), plus 6.
pub const SIMULATED_SIGNATURE_BYTES: u64 = 112;
/// wasmd `DefaultCompileCost`, per byte of the uncompressed wasm.
pub const COMPILE_COST_PER_BYTE: u64 = 3;
/// wasmd's uncompress cost: 0.15 per byte of the gzip archive (15 per 100 bytes).
pub const UNCOMPRESS_COST_PER_100_BYTES: u64 = 15;
/// The auth module's parameters as stored (key and value bytes).
const AUTH_PARAMS_BYTES: u64 = 1 + 20;
/// A key of the account store: the prefix and a 20-byte address.
const ACCOUNT_KEY_BYTES: u64 = 1 + 20;

/// SDK gas of reading `bytes` (key and value) from a store.
pub fn read(bytes: u64) -> u64 {
    READ_FLAT + READ_PER_BYTE * bytes
}

/// SDK gas of writing `bytes` (key and value) to a store.
pub fn write(bytes: u64) -> u64 {
    WRITE_FLAT + WRITE_PER_BYTE * bytes
}

/// SDK gas of checking that a key exists.
pub fn has() -> u64 {
    HAS_FLAT
}

/// SDK gas of a bank transfer of one coin as farthing-vm models the bank's store
/// operations: from an account of `from_len` canonical bytes to one of `to_len`, each
/// balance before and after.
pub fn bank_move(from_len: u64, to_len: u64, moves: &[(&str, u128, u128, u128, u128)]) -> u64 {
    KvStats::bank_send(from_len, Some(to_len), moves).bank_gas()
}

/// What the ante handler charges besides the fee's bank transfer: the transaction's
/// bytes, the signature check, and the auth store operations. `account_bytes` is the
/// size of the signer's stored account (with its public key); `sets_pubkey` when this
/// transaction sets it.
pub fn ante(
    tx_bytes: u64,
    simulated_signature: bool,
    account_bytes: u64,
    sets_pubkey: bool,
) -> u64 {
    let mut gas = TX_SIZE_COST_PER_BYTE * tx_bytes;
    if simulated_signature {
        gas += TX_SIZE_COST_PER_BYTE * SIMULATED_SIGNATURE_BYTES;
    }
    gas += SIG_VERIFY_COST_SECP256K1;
    gas += 3 * read(AUTH_PARAMS_BYTES);
    gas += 5 * read(ACCOUNT_KEY_BYTES + account_bytes);
    let writes = if sets_pubkey { 2 } else { 1 };
    gas += writes * write(ACCOUNT_KEY_BYTES + account_bytes);
    gas
}

/// A code info as wasmd stores it: the checksum, the creator, the access config.
fn code_info_bytes(creator: &str) -> u64 {
    9 + 2 + 32 + 2 + creator.len() as u64 + 4
}

/// A contract info as wasmd stores it.
pub fn contract_info_bytes(creator: &str, admin: &str, label: &str) -> u64 {
    33 + 2 + 8 + 2 + creator.len() as u64 + 2 + admin.len() as u64 + 2 + label.len() as u64 + 12
}

/// `MsgStoreCode`: the uncompression, the compilation, the code sequence and the code
/// info.
pub fn store_code(gzip_len: Option<u64>, wasm_len: u64, creator: &str) -> u64 {
    let uncompress = gzip_len.map_or(0, |n| n * UNCOMPRESS_COST_PER_100_BYTES / 100);
    uncompress
        + COMPILE_COST_PER_BYTE * wasm_len
        + read(11 + 8)
        + write(11 + 8)
        + write(code_info_bytes(creator))
}

/// Instantiation's bookkeeping: the code info read, the instance sequence (classic
/// addresses), the contract's account, the history entry with the message, the secondary
/// indexes and the contract info.
pub fn instantiate(classic: bool, creator: &str, admin: &str, label: &str, msg_len: u64) -> u64 {
    let mut gas = read(code_info_bytes(creator)) + has();
    if classic {
        gas += read(15 + 8) + write(15 + 8);
    }
    gas += read(1 + 32) + write(1 + 32 + 60);
    gas += write(1 + 32 + 8 + 30 + msg_len); // history entry
    gas += write(1 + 8 + 17 + 32) + write(1 + 20 + 17 + 32); // code and creator indexes
    gas += write(contract_info_bytes(creator, admin, label));
    gas
}

/// Execution's bookkeeping: the contract info and code info read, the pinned check.
pub fn execute(contract_info: u64) -> u64 {
    read(contract_info) + read(9 + 80) + has()
}

/// Migration's bookkeeping: the contract info, both code infos, the history (read, then
/// the new entry with the message), the code index moved, the contract info written.
pub fn migrate(contract_info: u64, msg_len: u64) -> u64 {
    read(contract_info)
        + 2 * read(9 + 80)
        + has()
        + read(1 + 32 + 8 + 60)
        + DELETE_FLAT // the old code index entry deleted
        + write(1 + 8 + 17 + 32)
        + write(1 + 32 + 8 + 30 + msg_len)
        + write(contract_info)
}

/// An admin change: the contract info read and written.
pub fn update_admin(contract_info: u64) -> u64 {
    read(contract_info) + write(contract_info)
}

/// A new account (a contract's, or the recipient of a first transfer).
pub fn new_account() -> u64 {
    read(15 + 8) + write(15 + 8) + write(ACCOUNT_KEY_BYTES + 60)
}
