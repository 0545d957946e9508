//! The signing key. Its mnemonic comes only from the environment (`FARTHING_MNEMONIC`):
//! never from a file, never echoed, and the key's `Debug` prints only its address.

use std::str::FromStr;

use anyhow::{anyhow, Result};
use bip32::{DerivationPath, XPrv};
use bip39::{Language, Mnemonic};
use cosmrs::crypto::secp256k1::SigningKey;
use cosmrs::crypto::PublicKey;
use cosmrs::AccountId;

/// The environment variable holding the signer's BIP-39 mnemonic.
pub const MNEMONIC_VAR: &str = "FARTHING_MNEMONIC";

pub struct Signer {
    key: SigningKey,
    pub address: AccountId,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("address", &self.address.as_ref())
            .finish_non_exhaustive()
    }
}

impl Signer {
    /// The key at `hd_path` of `mnemonic`, with addresses under `prefix`. Errors never
    /// quote the mnemonic.
    pub fn from_mnemonic(mnemonic: &str, hd_path: &str, prefix: &str) -> Result<Signer> {
        let words = mnemonic.split_whitespace().collect::<Vec<_>>().join(" ");
        // bip39 (rust-bitcoin) rather than bip32's own `Mnemonic`, which takes 24 words
        // only: wallets hand out 12-word phrases too.
        let mnemonic = Mnemonic::parse_in(Language::English, &words).map_err(|_| {
            anyhow!("{MNEMONIC_VAR} is not a valid English BIP-39 mnemonic (words or checksum)")
        })?;
        let path = DerivationPath::from_str(hd_path)
            .map_err(|_| anyhow!("hd_path {hd_path:?} is not a BIP-32 derivation path"))?;
        let seed = mnemonic.to_seed("");
        let xprv = XPrv::derive_from_path(seed, &path)
            .map_err(|e| anyhow!("cannot derive {hd_path}: {e}"))?;
        let key = SigningKey::from_slice(&xprv.private_key().to_bytes())
            .map_err(|e| anyhow!("derived key rejected: {e}"))?;
        let address = key
            .public_key()
            .account_id(prefix)
            .map_err(|e| anyhow!("prefix {prefix:?}: {e}"))?;
        Ok(Signer { key, address })
    }

    /// The signer named by the environment; the error says which variable to set.
    pub fn from_env(hd_path: &str, prefix: &str) -> Result<Signer> {
        let mnemonic = std::env::var(MNEMONIC_VAR).map_err(|_| {
            anyhow!("no signer: set {MNEMONIC_VAR} to the mnemonic of the sending account (it is never read from a file)")
        })?;
        Signer::from_mnemonic(&mnemonic, hd_path, prefix)
    }

    pub fn public_key(&self) -> PublicKey {
        self.key.public_key()
    }

    pub fn sign(&self, bytes: &[u8]) -> Result<Vec<u8>> {
        Ok(self
            .key
            .sign(bytes)
            .map_err(|e| anyhow!("signing failed: {e}"))?
            .to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The mnemonic of wasmd's and cosmjs's test vectors ("abandon ... about").
    const ABANDON: &str = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

    #[test]
    fn derives_the_known_cosmos_address() {
        // The well-known first account of this mnemonic on coin type 118.
        let s = Signer::from_mnemonic(ABANDON, "m/44'/118'/0'/0/0", "cosmos").unwrap();
        assert_eq!(
            s.address.as_ref(),
            "cosmos19rl4cm2hmr8afy4kldpxz3fka4jguq0auqdal4"
        );
        let debug = format!("{s:?}");
        assert!(debug.contains("cosmos19rl4"), "{debug}");
        assert!(!debug.contains("abandon"));
    }

    #[test]
    fn a_bad_mnemonic_is_not_echoed() {
        let err = Signer::from_mnemonic("secret words here", "m/44'/118'/0'/0/0", "wasm")
            .unwrap_err()
            .to_string();
        assert!(err.contains("not a valid"), "{err}");
        assert!(!err.contains("secret"), "{err}");
    }
}
