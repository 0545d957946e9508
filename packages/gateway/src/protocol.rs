//! The wire format: x402 version 2 shapes, in the `farthing-channel` scheme.
//!
//! - The gateway answers an unpaid request with `402` and a [`PaymentRequired`], base64
//!   JSON in the `PAYMENT-REQUIRED` header (and plain JSON in the body).
//! - The client pays with a [`PaymentPayload`], base64 JSON in the `PAYMENT-SIGNATURE`
//!   header: the channel, the new cumulative amount and the voucher's signature.
//! - Every answer to a paid request carries a [`SettlementResponse`], base64 JSON in the
//!   `PAYMENT-RESPONSE` header: the receipt.
//!
//! Amounts are decimal strings (`Uint128`), channel ids too (JavaScript reads them
//! exactly); seconds are numbers.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use cosmwasm_std::{HexBinary, Uint128};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

pub const X402_VERSION: u32 = 2;
/// The scheme: a voucher on a Farthing payment channel.
pub const SCHEME: &str = "farthing-channel";
pub const PAYMENT_REQUIRED: &str = "payment-required";
pub const PAYMENT_SIGNATURE: &str = "payment-signature";
pub const PAYMENT_RESPONSE: &str = "payment-response";
/// Told to the upstream with each paid request: who paid, on which channel.
pub const FORWARDED_PAYER: &str = "x-farthing-payer";
pub const FORWARDED_CHANNEL: &str = "x-farthing-channel";

/// The CAIP-2 network of a Cosmos chain.
pub fn network(chain_id: &str) -> String {
    format!("cosmos:{chain_id}")
}

/// The chain id of a `cosmos:<chain-id>` network.
pub fn chain_of(network: &str) -> Option<&str> {
    network.strip_prefix("cosmos:")
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Resource {
    pub url: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub mime_type: String,
}

/// The `402` answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentRequired {
    pub x402_version: u32,
    /// Why the request was not served: `[code=...] message` (x402 has a free string here).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub resource: Resource,
    pub accepts: Vec<PaymentRequirements>,
}

impl PaymentRequired {
    /// The stable code of `error` (`underpaid`, `channel_closing`, ...).
    pub fn code(&self) -> Option<&str> {
        let e = self.error.as_deref()?;
        let rest = e.strip_prefix("[code=")?;
        rest.split_once(']').map(|(c, _)| c)
    }
}

/// One way to pay: this scheme, on this chain, in this token, to this payee.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentRequirements {
    /// `farthing-channel`.
    pub scheme: String,
    /// `cosmos:<chain-id>`.
    pub network: String,
    /// The price of this request, in the token's smallest unit.
    pub amount: Uint128,
    /// The token contract's address.
    pub asset: String,
    /// The payee: channels must be opened to this address.
    pub pay_to: String,
    /// How long the gateway waits for the upstream's answer.
    pub max_timeout_seconds: u64,
    pub extra: ChannelTerms,
}

/// What a channel must look like for this gateway to accept its vouchers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChannelTerms {
    /// The smallest deposit of a new channel.
    pub min_deposit: Uint128,
    /// A channel's expiry must stay at least this far ahead of a request: the time the
    /// settler keeps to claim it.
    pub min_expiry_seconds: u64,
    /// The token's settle period (after the payer's `StartClose`), for information.
    pub settle_seconds: u64,
    /// The voucher keys the token accepts: `ed25519`, `secp256k1`.
    pub signer_kinds: Vec<String>,
    /// When the request named a channel: where the gateway stands on it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<ChannelStatus>,
}

/// The gateway's books on one channel. The next voucher must be at least `spent +
/// amount` (it may be more: what is above `spent` is credit for later requests).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChannelStatus {
    #[serde(with = "farthing_voucher::wire::u64_str")]
    pub id: u64,
    /// The value of the requests served (and of what was claimed before the gateway
    /// first saw the channel).
    pub spent: Uint128,
    /// The highest voucher the gateway holds.
    pub accepted: Uint128,
    /// The signature of that voucher (`accepted` on this channel, to this payee), when
    /// the gateway still has it: a client whose store is behind (restored from a backup)
    /// checks it with its own key and catches up to `accepted`. Without it a client
    /// believes `spent` only up to what it knows it signed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepted_signature: Option<HexBinary>,
    pub deposit: Uint128,
    /// Seconds since the epoch.
    pub expires_at: u64,
}

/// The client's payment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentPayload {
    pub x402_version: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<Resource>,
    /// The requirements the client chose (from the `402`): chain, token and payee are
    /// read from here into the voucher, so a voucher signed for another chain, token or
    /// payee is told apart from a forged one.
    pub accepted: PaymentRequirements,
    pub payload: ChannelPayment,
}

/// A voucher: "the payee may claim `cumulative` in total from channel `channel_id`".
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChannelPayment {
    #[serde(with = "farthing_voucher::wire::u64_str")]
    pub channel_id: u64,
    pub cumulative: Uint128,
    /// 64 bytes, hex (ed25519, or secp256k1 `r || s` low-S).
    pub signature: HexBinary,
}

/// The receipt of a paid request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SettlementResponse {
    /// Whether the request was charged (false: the upstream failed and nothing was
    /// charged).
    pub success: bool,
    /// The settlement transaction: empty, as a voucher settles later, in a batch.
    pub transaction: String,
    pub network: String,
    /// The channel's payer.
    pub payer: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_reason: Option<String>,
    #[serde(with = "farthing_voucher::wire::u64_str")]
    pub channel_id: u64,
    /// What this request cost (0 when not charged).
    pub amount: Uint128,
    /// The channel's books after this request.
    pub spent: Uint128,
    pub accepted: Uint128,
}

/// Base64 JSON, as every x402 header carries.
pub fn encode_header<T: Serialize>(value: &T) -> String {
    // Serializing these plain structs cannot fail.
    STANDARD.encode(serde_json::to_vec(value).unwrap_or_default())
}

pub fn decode_header<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    let bytes = STANDARD
        .decode(text.trim())
        .map_err(|e| format!("not base64: {e}"))?;
    serde_json::from_slice(&bytes).map_err(|e| format!("not the expected JSON: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn requirements() -> PaymentRequirements {
        PaymentRequirements {
            scheme: SCHEME.into(),
            network: network("farthing-1"),
            amount: Uint128::new(1_000),
            asset: "wasm1token".into(),
            pay_to: "wasm1publisher".into(),
            max_timeout_seconds: 30,
            extra: ChannelTerms {
                min_deposit: Uint128::new(1_000_000),
                min_expiry_seconds: 600,
                settle_seconds: 3_600,
                signer_kinds: vec!["ed25519".into(), "secp256k1".into()],
                channel: Some(ChannelStatus {
                    id: 9_007_199_254_740_993,
                    spent: Uint128::new(5),
                    accepted: Uint128::new(6),
                    accepted_signature: Some(HexBinary::from(vec![0xab, 0x01])),
                    deposit: Uint128::new(7),
                    expires_at: 1_700_000_000,
                }),
            },
        }
    }

    #[test]
    fn the_json_is_x402_v2_camel_case_with_string_amounts_and_ids() {
        let json = serde_json::to_value(requirements()).expect("json");
        assert_eq!(
            json,
            serde_json::json!({
                "scheme": "farthing-channel",
                "network": "cosmos:farthing-1",
                "amount": "1000",
                "asset": "wasm1token",
                "payTo": "wasm1publisher",
                "maxTimeoutSeconds": 30,
                "extra": {
                    "minDeposit": "1000000",
                    "minExpirySeconds": 600,
                    "settleSeconds": 3600,
                    "signerKinds": ["ed25519", "secp256k1"],
                    "channel": {
                        "id": "9007199254740993",
                        "spent": "5",
                        "accepted": "6",
                        "acceptedSignature": "ab01",
                        "deposit": "7",
                        "expiresAt": 1700000000
                    }
                }
            })
        );
    }

    #[test]
    fn headers_round_trip_and_garbage_is_refused() {
        let p = PaymentPayload {
            x402_version: X402_VERSION,
            resource: None,
            accepted: requirements(),
            payload: ChannelPayment {
                channel_id: 3,
                cumulative: Uint128::new(2_000),
                signature: HexBinary::from(vec![1; 64]),
            },
        };
        let h = encode_header(&p);
        assert_eq!(decode_header::<PaymentPayload>(&h), Ok(p));
        assert!(decode_header::<PaymentPayload>("%%%")
            .unwrap_err()
            .starts_with("not base64"));
        assert!(decode_header::<PaymentPayload>(&STANDARD.encode(b"{}"))
            .unwrap_err()
            .starts_with("not the expected JSON"));
    }

    #[test]
    fn the_code_of_an_error_is_read_from_its_prefix() {
        let mut r = PaymentRequired {
            x402_version: 2,
            error: Some("[code=underpaid] the voucher adds 0".into()),
            resource: Resource {
                url: "/x".into(),
                description: String::new(),
                mime_type: String::new(),
            },
            accepts: vec![],
        };
        assert_eq!(r.code(), Some("underpaid"));
        r.error = Some("no code".into());
        assert_eq!(r.code(), None);
        assert_eq!(chain_of("cosmos:farthing-1"), Some("farthing-1"));
        assert_eq!(chain_of("eip155:8453"), None);
    }
}
