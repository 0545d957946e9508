//! The messages the node executes: decoded from a transaction's `Any`s and checked as
//! their `ValidateBasic` checks them (before the ante handler runs, as baseapp does).

use std::str::FromStr;

use cosmrs::proto::cosmos::bank::v1beta1::MsgSend;
use cosmrs::proto::cosmos::base::v1beta1::Coin as ProtoCoin;
use cosmrs::proto::cosmwasm::wasm::v1::{
    MsgClearAdmin, MsgExecuteContract, MsgInstantiateContract, MsgInstantiateContract2,
    MsgMigrateContract, MsgStoreCode, MsgUpdateAdmin,
};
use cosmrs::proto::prost::{Message, Name};
use cosmrs::{AccountId, Any};
use cosmwasm_std::Coin;

use crate::errors::Failure;

/// wasmd's `MaxWasmSize` (x/wasm/types/validation.go): 800 KiB.
pub const MAX_WASM_SIZE: usize = 819_200;
/// wasmd's `MaxLabelSize`.
pub const MAX_LABEL_SIZE: usize = 128;
/// wasmd's `MaxSaltSize`.
pub const MAX_SALT_SIZE: usize = 64;

/// One message of a transaction.
#[derive(Clone, Debug)]
pub enum Msg {
    StoreCode(MsgStoreCode),
    Instantiate(MsgInstantiateContract),
    Instantiate2(MsgInstantiateContract2),
    Execute(MsgExecuteContract),
    Migrate(MsgMigrateContract),
    UpdateAdmin(MsgUpdateAdmin),
    ClearAdmin(MsgClearAdmin),
    Send(MsgSend),
}

fn decode<M: Message + Default>(any: &Any) -> Result<M, Failure> {
    M::decode(any.value.as_slice()).map_err(|e| Failure::sdk(2, e))
}

impl Msg {
    /// The message in `any`; an unknown type is a decoding error, as the SDK's interface
    /// registry makes it.
    pub fn from_any(any: &Any) -> Result<Msg, Failure> {
        let url = any.type_url.as_str();
        Ok(match url {
            _ if url == MsgStoreCode::type_url() => Msg::StoreCode(decode(any)?),
            _ if url == MsgInstantiateContract::type_url() => Msg::Instantiate(decode(any)?),
            _ if url == MsgInstantiateContract2::type_url() => Msg::Instantiate2(decode(any)?),
            _ if url == MsgExecuteContract::type_url() => Msg::Execute(decode(any)?),
            _ if url == MsgMigrateContract::type_url() => Msg::Migrate(decode(any)?),
            _ if url == MsgUpdateAdmin::type_url() => Msg::UpdateAdmin(decode(any)?),
            _ if url == MsgClearAdmin::type_url() => Msg::ClearAdmin(decode(any)?),
            _ if url == MsgSend::type_url() => Msg::Send(decode(any)?),
            _ => return Err(Failure::sdk(2, format!("unable to resolve type URL {url}"))),
        })
    }

    pub fn type_url(&self) -> String {
        match self {
            Msg::StoreCode(_) => MsgStoreCode::type_url(),
            Msg::Instantiate(_) => MsgInstantiateContract::type_url(),
            Msg::Instantiate2(_) => MsgInstantiateContract2::type_url(),
            Msg::Execute(_) => MsgExecuteContract::type_url(),
            Msg::Migrate(_) => MsgMigrateContract::type_url(),
            Msg::UpdateAdmin(_) => MsgUpdateAdmin::type_url(),
            Msg::ClearAdmin(_) => MsgClearAdmin::type_url(),
            Msg::Send(_) => MsgSend::type_url(),
        }
    }

    /// The module of the message (the SDK's `GetModuleNameFromTypeURL`: the second part).
    pub fn module(&self) -> &'static str {
        match self {
            Msg::Send(_) => "bank",
            _ => "wasm",
        }
    }

    /// The message's signer (its `cosmos.msg.v1.signer` field) as written in it.
    pub fn signer(&self) -> &str {
        match self {
            Msg::StoreCode(m) => &m.sender,
            Msg::Instantiate(m) => &m.sender,
            Msg::Instantiate2(m) => &m.sender,
            Msg::Execute(m) => &m.sender,
            Msg::Migrate(m) => &m.sender,
            Msg::UpdateAdmin(m) => &m.sender,
            Msg::ClearAdmin(m) => &m.sender,
            Msg::Send(m) => &m.from_address,
        }
    }

    /// The message's `ValidateBasic` (wasmd x/wasm/types/tx.go, the bank's MsgSend).
    pub fn validate_basic(&self, prefix: &str) -> Result<(), Failure> {
        let sender = |s: &str| address(s, prefix).map_err(|e| e.context("sender"));
        match self {
            Msg::StoreCode(m) => {
                sender(&m.sender)?;
                validate_wasm(&m.wasm_byte_code)?;
            }
            Msg::Instantiate(m) => {
                sender(&m.sender)?;
                validate_instantiate(prefix, m.code_id, &m.label, &m.admin, &m.msg, &m.funds)?;
            }
            Msg::Instantiate2(m) => {
                sender(&m.sender)?;
                validate_instantiate(prefix, m.code_id, &m.label, &m.admin, &m.msg, &m.funds)?;
                if m.salt.is_empty() {
                    return Err(Failure::wasm(12, "salt"));
                }
                if m.salt.len() > MAX_SALT_SIZE {
                    return Err(Failure::wasm(
                        13,
                        format!("salt: cannot be longer than {MAX_SALT_SIZE} bytes"),
                    ));
                }
            }
            Msg::Execute(m) => {
                sender(&m.sender)?;
                address(&m.contract, prefix).map_err(|e| e.context("contract"))?;
                coins(&m.funds).map_err(|_| Failure::sdk(10, ""))?;
                validate_json(&m.msg)?;
            }
            Msg::Migrate(m) => {
                sender(&m.sender)?;
                if m.code_id == 0 {
                    return Err(Failure::wasm(12, "code id is required"));
                }
                address(&m.contract, prefix).map_err(|e| e.context("contract"))?;
                validate_json(&m.msg)?;
            }
            Msg::UpdateAdmin(m) => {
                sender(&m.sender)?;
                address(&m.contract, prefix).map_err(|e| e.context("contract"))?;
                address(&m.new_admin, prefix).map_err(|e| e.context("new admin"))?;
                if m.sender == m.new_admin {
                    return Err(Failure::wasm(14, "new admin is the same as the old"));
                }
            }
            Msg::ClearAdmin(m) => {
                sender(&m.sender)?;
                address(&m.contract, prefix).map_err(|e| e.context("contract"))?;
            }
            Msg::Send(m) => {
                address(&m.from_address, prefix).map_err(|e| e.context("invalid from address"))?;
                address(&m.to_address, prefix).map_err(|e| e.context("invalid to address"))?;
                let amount = coins(&m.amount).map_err(|e| Failure::sdk(10, e))?;
                if amount.is_empty() {
                    return Err(Failure::sdk(10, ""));
                }
            }
        }
        Ok(())
    }
}

/// An account address as the SDK's `AccAddressFromBech32` reads it: its canonical bytes
/// and its normalized (lowercase) text.
pub fn address(text: &str, prefix: &str) -> Result<(String, Vec<u8>), Failure> {
    if text.trim().is_empty() {
        return Err(Failure::undefined("empty address string is not allowed"));
    }
    let id = AccountId::from_str(text)
        .map_err(|e| Failure::undefined(format!("decoding bech32 failed: {e}")))?;
    if id.prefix() != prefix {
        return Err(Failure::undefined(format!(
            "invalid Bech32 prefix; expected {prefix}, got {}",
            id.prefix()
        )));
    }
    Ok((id.to_string(), id.to_bytes()))
}

/// Coins as the SDK's `Coins.Validate` accepts them: valid denoms, positive amounts,
/// sorted by denom without duplicates.
pub fn coins(coins: &[ProtoCoin]) -> Result<Vec<Coin>, String> {
    let mut out: Vec<Coin> = Vec::with_capacity(coins.len());
    for c in coins {
        if !valid_denom(&c.denom) {
            return Err(format!("invalid denom: {}", c.denom));
        }
        let amount: u128 = c
            .amount
            .parse()
            .map_err(|_| format!("invalid amount {:?}", c.amount))?;
        if amount == 0 {
            return Err(format!(
                "coin {}{} amount is not positive",
                c.amount, c.denom
            ));
        }
        if let Some(last) = out.last() {
            if last.denom == c.denom {
                return Err(format!("duplicate denomination {}", c.denom));
            }
            if last.denom > c.denom {
                return Err(format!("denomination {} is not sorted", c.denom));
            }
        }
        out.push(Coin::new(amount, c.denom.clone()));
    }
    Ok(out)
}

/// The SDK's default denom regex: `[a-zA-Z][a-zA-Z0-9/:._-]{2,127}`.
fn valid_denom(denom: &str) -> bool {
    let bytes = denom.as_bytes();
    (3..=128).contains(&bytes.len())
        && bytes[0].is_ascii_alphabetic()
        && bytes[1..]
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || b"/:._-".contains(b))
}

/// Coins as the SDK prints them: `100ustake,5uatom`.
pub fn coins_string(coins: &[Coin]) -> String {
    coins
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

fn validate_wasm(code: &[u8]) -> Result<(), Failure> {
    if code.is_empty() {
        return Err(Failure::wasm(12, "wasm byte code: is required"));
    }
    if code.len() > MAX_WASM_SIZE {
        return Err(Failure::wasm(
            13,
            format!("wasm byte code: cannot be longer than {MAX_WASM_SIZE} bytes"),
        ));
    }
    Ok(())
}

fn validate_instantiate(
    prefix: &str,
    code_id: u64,
    label: &str,
    admin: &str,
    msg: &[u8],
    funds: &[ProtoCoin],
) -> Result<(), Failure> {
    if code_id == 0 {
        return Err(Failure::wasm(12, "code id is required"));
    }
    if label.trim().is_empty() {
        return Err(Failure::wasm(12, "label: is required"));
    }
    if label.len() > MAX_LABEL_SIZE {
        return Err(Failure::wasm(
            13,
            format!("label: cannot be longer than {MAX_LABEL_SIZE} characters"),
        ));
    }
    coins(funds).map_err(|_| Failure::sdk(10, ""))?;
    if !admin.is_empty() {
        address(admin, prefix).map_err(|e| e.context("admin"))?;
    }
    validate_json(msg)
}

/// wasmd's `RawContractMessage.ValidateBasic`: the message must be valid JSON.
fn validate_json(msg: &[u8]) -> Result<(), Failure> {
    if serde_json::from_slice::<serde::de::IgnoredAny>(msg).is_err() {
        return Err(Failure::wasm(14, "payload msg"));
    }
    Ok(())
}

/// wasmd's `BuildContractAddressPredictable` (instantiate2): the SDK's
/// `address.Module("wasm", key)` ([`farthing_vm::wasm_module_address`]) where key is the
/// length-prefixed (big-endian u64) checksum, creator, salt and, with `fix_msg`, the
/// message. Without the message this is `cosmwasm_std::instantiate2_address`, which has
/// no `fix_msg` form.
pub fn instantiate2_address(checksum: &[u8], creator: &[u8], salt: &[u8], msg: &[u8]) -> Vec<u8> {
    let mut key = vec![];
    for part in [checksum, creator, salt, msg] {
        key.extend_from_slice(&(part.len() as u64).to_be_bytes());
        key.extend_from_slice(part);
    }
    farthing_vm::wasm_module_address(&key)
}

/// A message response as an `Any` (`<message type>Response`).
pub fn response_any<M: Message + Name>(response: &M) -> Any {
    Any {
        type_url: M::type_url(),
        value: response.encode_to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instantiate2_addresses_are_cosmwasm_std_s() {
        let checksum = [7u8; 32];
        let creator = [9u8; 20];
        let salt = b"farthing";
        let ours = instantiate2_address(&checksum, &creator, salt, b"");
        let std = cosmwasm_std::instantiate2_address(
            &checksum,
            &cosmwasm_std::CanonicalAddr::from(creator.to_vec()),
            salt,
        )
        .unwrap();
        assert_eq!(ours, std.to_vec());
    }

    #[test]
    fn coins_are_validated_as_the_sdk_validates_them() {
        let c = |a: &str, d: &str| ProtoCoin {
            denom: d.into(),
            amount: a.into(),
        };
        assert_eq!(coins(&[c("5", "ustake")]).unwrap().len(), 1);
        assert!(coins(&[c("0", "ustake")]).is_err());
        assert!(coins(&[c("5", "x")]).is_err());
        assert!(coins(&[c("5", "ustake"), c("5", "uatom")]).is_err());
        assert!(coins(&[c("5", "uatom"), c("5", "uatom")]).is_err());
        assert!(coins(&[c("5", "uatom"), c("5", "ustake")]).is_ok());
    }

    #[test]
    fn addresses_need_the_chain_s_prefix() {
        let id = AccountId::new("wasm", &[1u8; 20]).unwrap().to_string();
        assert!(address(&id, "wasm").is_ok());
        let e = address(&id, "juno").unwrap_err();
        assert_eq!(e.log, "invalid Bech32 prefix; expected juno, got wasm");
        assert_eq!((e.codespace.as_str(), e.code), ("undefined", 1));
        assert!(address("wasm1xyz", "wasm").is_err());
    }
}
