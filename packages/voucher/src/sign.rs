//! Off-chain signing (feature `sign`): what a payer's wallet or dApp runs.

use cosmwasm_std::HexBinary;

use crate::{SignerKey, Voucher, VoucherError};

/// Which kind of key a 32-byte secret is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyType {
    Secp256k1,
    Ed25519,
}

impl std::str::FromStr for KeyType {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "secp256k1" => Ok(KeyType::Secp256k1),
            "ed25519" => Ok(KeyType::Ed25519),
            other => Err(format!(
                "unknown key type {other:?}: use secp256k1 or ed25519"
            )),
        }
    }
}

/// The public key of a 32-byte secret.
pub fn public_key(kind: KeyType, secret: &[u8; 32]) -> Result<SignerKey, VoucherError> {
    match kind {
        KeyType::Secp256k1 => {
            let sk = k256::ecdsa::SigningKey::from_bytes(secret.into())
                .map_err(|_| VoucherError::InvalidKey { kind: "secp256k1" })?;
            let pk = sk.verifying_key().to_encoded_point(true);
            Ok(SignerKey::Secp256k1(HexBinary::from(pk.as_bytes())))
        }
        KeyType::Ed25519 => {
            let sk = ed25519_zebra::SigningKey::from(*secret);
            let vk = ed25519_zebra::VerificationKey::from(&sk);
            Ok(SignerKey::Ed25519(HexBinary::from(vk.as_ref())))
        }
    }
}

/// Signs `voucher` with a 32-byte secret: deterministic (RFC 6979 for secp256k1, always
/// low-S; Ed25519 is deterministic by design), so the test vectors are reproducible.
pub fn sign(
    kind: KeyType,
    secret: &[u8; 32],
    voucher: &Voucher,
) -> Result<HexBinary, VoucherError> {
    let digest = voucher.digest()?;
    match kind {
        KeyType::Secp256k1 => {
            use k256::ecdsa::signature::hazmat::PrehashSigner;
            let sk = k256::ecdsa::SigningKey::from_bytes(secret.into())
                .map_err(|_| VoucherError::InvalidKey { kind: "secp256k1" })?;
            let sig: k256::ecdsa::Signature = sk
                .sign_prehash(&digest)
                .map_err(|_| VoucherError::BadSignature)?;
            let sig = sig.normalize_s().unwrap_or(sig);
            let bytes: [u8; 64] = sig.to_bytes().into();
            Ok(HexBinary::from(bytes.as_slice()))
        }
        KeyType::Ed25519 => {
            let sk = ed25519_zebra::SigningKey::from(*secret);
            let sig = sk.sign(&digest);
            Ok(HexBinary::from(<[u8; 64]>::from(sig).as_slice()))
        }
    }
}

/// The high-S twin (`s' = n - s`) of a 64-byte low-S secp256k1 signature: just as valid
/// for the VM, refused by [`crate::verify`]. For tests of that rule.
pub fn high_s_form(signature: &[u8]) -> Vec<u8> {
    const N: [u8; 32] = [
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xfe, 0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36,
        0x41, 0x41,
    ];
    let mut out = signature.to_vec();
    let mut borrow = 0i16;
    for i in (0..32).rev() {
        let d = i16::from(N[i]) - i16::from(signature[32 + i]) - borrow;
        out[32 + i] = d.rem_euclid(256) as u8;
        borrow = i16::from(d < 0);
    }
    out
}
