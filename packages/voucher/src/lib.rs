//! Vouchers of Farthing payment channels.
//!
//! A voucher says "the payee of channel `channel_id` of token `token` on chain `chain_id`
//! may claim `cumulative` in total". The payer's channel key signs it off chain; the token
//! contract verifies it with [`verify`]. Both sides use [`Voucher::encode`], so they agree
//! byte for byte. Test vectors: `test-vectors.json` in this crate.
//!
//! Canonical encoding (version 1), signed as its SHA-256 digest:
//! ```text
//! "farthing-voucher/v1"               19 bytes (domain tag)
//! u16 BE length, chain_id             UTF-8
//! u16 BE length, token                contract address, UTF-8
//! u64 BE channel_id
//! u16 BE length, payee                address, UTF-8
//! u128 BE cumulative                  16 bytes
//! ```
//! secp256k1: ECDSA over the digest, 64-byte `r || s`, low-S only (BIP-62).
//! ed25519: Ed25519 signature of the 32-byte digest.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Api, HexBinary, Uint128};
use sha2::{Digest, Sha256};
use thiserror::Error;

#[cfg(feature = "sign")]
mod sign;
pub mod wire;
#[cfg(feature = "sign")]
pub use sign::{high_s_form, public_key, sign, KeyType};

pub const DOMAIN: &[u8] = b"farthing-voucher/v1";

/// The key that signs a channel's vouchers (a session key rather than the wallet key).
#[cw_serde]
pub enum SignerKey {
    /// 33-byte compressed SEC1 public key.
    Secp256k1(HexBinary),
    /// 32-byte public key.
    Ed25519(HexBinary),
}

/// A voucher. Its JSON form (the test vectors, the CLI) writes `channel_id` and
/// `cumulative` as decimal strings, so that JavaScript reads them exactly.
#[cw_serde]
pub struct Voucher {
    pub chain_id: String,
    pub token: String,
    #[serde(with = "crate::wire::u64_str")]
    #[schemars(with = "cosmwasm_std::Uint64")]
    pub channel_id: u64,
    pub payee: String,
    pub cumulative: Uint128,
}

#[derive(Error, Debug, PartialEq)]
pub enum VoucherError {
    #[error("the signer key is not a valid {kind} public key")]
    InvalidKey { kind: &'static str },
    #[error("the signature must be 64 bytes, got {length}")]
    InvalidSignatureLength { length: usize },
    #[error("high-S secp256k1 signature refused (use the low-S form)")]
    HighS,
    #[error("the signature does not match the voucher and the channel's signer")]
    BadSignature,
    #[error("a voucher field is longer than 65,535 bytes")]
    FieldTooLong,
}

impl VoucherError {
    /// Stable machine-readable code (the token's `[code=...]` for a refused voucher).
    pub const fn code(&self) -> &'static str {
        match self {
            VoucherError::InvalidKey { .. } => "invalid_key",
            VoucherError::InvalidSignatureLength { .. } => "invalid_signature_length",
            VoucherError::HighS => "high_s",
            VoucherError::BadSignature => "bad_signature",
            VoucherError::FieldTooLong => "field_too_long",
        }
    }
}

fn put_str(out: &mut Vec<u8>, s: &str) -> Result<(), VoucherError> {
    let len = u16::try_from(s.len()).map_err(|_| VoucherError::FieldTooLong)?;
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(s.as_bytes());
    Ok(())
}

impl Voucher {
    /// The canonical bytes (see the crate documentation).
    pub fn encode(&self) -> Result<Vec<u8>, VoucherError> {
        let mut out = Vec::with_capacity(DOMAIN.len() + 64 + self.token.len() + self.payee.len());
        out.extend_from_slice(DOMAIN);
        put_str(&mut out, &self.chain_id)?;
        put_str(&mut out, &self.token)?;
        out.extend_from_slice(&self.channel_id.to_be_bytes());
        put_str(&mut out, &self.payee)?;
        out.extend_from_slice(&self.cumulative.u128().to_be_bytes());
        Ok(out)
    }

    /// SHA-256 of the canonical bytes: what is signed.
    pub fn digest(&self) -> Result<[u8; 32], VoucherError> {
        Ok(Sha256::digest(self.encode()?).into())
    }
}

/// Half the order of secp256k1, big-endian: a valid low-S signature has `s <= HALF_N`.
const HALF_N: [u8; 32] = [
    0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0,
];

/// Checks that `key` has the shape of its kind: 33-byte compressed secp256k1, or 32-byte
/// ed25519. Cheap; [`check_key`] also checks the point, once, when a channel is opened.
pub fn check_key_shape(key: &SignerKey) -> Result<(), VoucherError> {
    match key {
        SignerKey::Secp256k1(k) if k.len() != 33 || !matches!(k[0], 0x02 | 0x03) => {
            Err(VoucherError::InvalidKey { kind: "secp256k1" })
        }
        SignerKey::Ed25519(k) if k.len() != 32 => Err(VoucherError::InvalidKey { kind: "ed25519" }),
        _ => Ok(()),
    }
}

/// A syntactically valid secp256k1 signature (r = s = 1): the chain's verifier parses the
/// public key only after the signature, so with it, an error means the key is off the curve.
const PROBE_SIGNATURE: [u8; 64] = {
    let mut sig = [0u8; 64];
    sig[31] = 1;
    sig[63] = 1;
    sig
};

/// Checks that `key` can sign vouchers that nobody else can forge: the right shape, a point
/// on its curve, and, for ed25519, not of small order (with the identity point or another
/// small-order point as the key, one fixed forged signature verifies every voucher).
///
/// secp256k1 points are checked by the chain's own verifier (`secp256k1_verify` answers an
/// error, not `false`, for a key that is not a point); ed25519 points with curve25519-dalek,
/// because the chain's ZIP-215 verifier accepts small-order keys.
pub fn check_key(api: &dyn Api, key: &SignerKey) -> Result<(), VoucherError> {
    check_key_shape(key)?;
    match key {
        SignerKey::Secp256k1(k) => api
            .secp256k1_verify(&[0u8; 32], &PROBE_SIGNATURE, k)
            .map(|_| ())
            .map_err(|_| VoucherError::InvalidKey { kind: "secp256k1" }),
        SignerKey::Ed25519(k) => {
            let bytes: [u8; 32] = k
                .as_slice()
                .try_into()
                .map_err(|_| VoucherError::InvalidKey { kind: "ed25519" })?;
            match curve25519_dalek::edwards::CompressedEdwardsY(bytes).decompress() {
                Some(point) if !point.is_small_order() => Ok(()),
                _ => Err(VoucherError::InvalidKey { kind: "ed25519" }),
            }
        }
    }
}

fn check_shape(key: &SignerKey, signature: &[u8]) -> Result<(), VoucherError> {
    if signature.len() != 64 {
        return Err(VoucherError::InvalidSignatureLength {
            length: signature.len(),
        });
    }
    check_key_shape(key)?;
    // The VM accepts both S forms; a voucher must have exactly one valid signature.
    if matches!(key, SignerKey::Secp256k1(_)) && signature[32..] > HALF_N[..] {
        return Err(VoucherError::HighS);
    }
    Ok(())
}

/// Verifies `signature` of `voucher` by `key` with the chain's crypto API.
pub fn verify(
    api: &dyn Api,
    voucher: &Voucher,
    signature: &[u8],
    key: &SignerKey,
) -> Result<(), VoucherError> {
    check_shape(key, signature)?;
    let digest = voucher.digest()?;
    let ok = match key {
        SignerKey::Secp256k1(k) => api.secp256k1_verify(&digest, signature, k),
        SignerKey::Ed25519(k) => api.ed25519_verify(&digest, signature, k),
    };
    match ok {
        Ok(true) => Ok(()),
        _ => Err(VoucherError::BadSignature),
    }
}

/// Verifies many vouchers: ed25519 ones in one `ed25519_batch_verify` call, secp256k1 ones
/// one by one. On failure, reports the first bad index when it can tell (a failed batch is
/// re-checked one by one to name the culprit).
pub fn verify_many(
    api: &dyn Api,
    items: &[(&Voucher, &[u8], &SignerKey)],
) -> Result<(), (usize, VoucherError)> {
    let mut digests: Vec<(usize, [u8; 32])> = Vec::with_capacity(items.len());
    for (i, (v, sig, key)) in items.iter().enumerate() {
        check_shape(key, sig).map_err(|e| (i, e))?;
        digests.push((i, v.digest().map_err(|e| (i, e))?));
    }
    let mut ed_msgs: Vec<&[u8]> = vec![];
    let mut ed_sigs: Vec<&[u8]> = vec![];
    let mut ed_keys: Vec<&[u8]> = vec![];
    for ((i, digest), (_, sig, key)) in digests.iter().zip(items) {
        match key {
            SignerKey::Ed25519(k) => {
                ed_msgs.push(digest);
                ed_sigs.push(sig);
                ed_keys.push(k.as_slice());
            }
            SignerKey::Secp256k1(k) => {
                if api.secp256k1_verify(digest, sig, k) != Ok(true) {
                    return Err((*i, VoucherError::BadSignature));
                }
            }
        }
    }
    if !ed_msgs.is_empty() && api.ed25519_batch_verify(&ed_msgs, &ed_sigs, &ed_keys) != Ok(true) {
        for (i, (v, sig, key)) in items.iter().enumerate() {
            if matches!(key, SignerKey::Ed25519(_)) {
                verify(api, v, sig, key).map_err(|e| (i, e))?;
            }
        }
        return Err((0, VoucherError::BadSignature));
    }
    Ok(())
}
