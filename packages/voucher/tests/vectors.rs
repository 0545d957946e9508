//! The committed test vectors (`test-vectors.json`): fixed keys, vouchers, encodings,
//! digests and signatures, so that a client in another language can prove it encodes and
//! signs the same bytes. `FARTHING_WRITE_VECTORS=1 cargo test -p farthing-voucher --features
//! sign` rewrites the file.

#![cfg(feature = "sign")]

use cosmwasm_std::testing::MockApi;
use cosmwasm_std::{Api, HexBinary, Uint128};
use farthing_voucher::{
    high_s_form, public_key, sign, verify, verify_many, KeyType, SignerKey, Voucher, VoucherError,
};
use serde_json::{json, Value};

const PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/test-vectors.json");

fn cases() -> Vec<(KeyType, [u8; 32], Voucher)> {
    let mut out = vec![];
    for (kind, secret) in [
        (KeyType::Secp256k1, [0x11u8; 32]),
        (KeyType::Ed25519, [0x22u8; 32]),
    ] {
        for (channel_id, cumulative) in [(1u64, 1u128), (42, 1_000_000), (u64::MAX, u128::MAX)] {
            out.push((
                kind,
                secret,
                Voucher {
                    chain_id: "farthing-1".into(),
                    token: "cosmwasm14hj2tavq8fpesdwxxcu44rty3hh90vhujrvcmstl4zr3txmfvw9s4hmalr"
                        .into(),
                    channel_id,
                    payee: "cosmwasm1vz4nx0fy3yvpd0t2xt5fvzw6xwwhsy7w7whqxvjwmy2dfhl3ztjqmx2v4n"
                        .into(),
                    cumulative: Uint128::new(cumulative),
                },
            ));
        }
    }
    out
}

fn generate() -> Value {
    let vectors: Vec<Value> = cases()
        .into_iter()
        .map(|(kind, secret, v)| {
            json!({
                "key_type": if kind == KeyType::Secp256k1 { "secp256k1" } else { "ed25519" },
                "secret": HexBinary::from(secret.as_slice()),
                "signer": public_key(kind, &secret).unwrap(),
                "voucher": v,
                "encoding": HexBinary::from(v.encode().unwrap()),
                "digest": HexBinary::from(v.digest().unwrap().as_slice()),
                "signature": sign(kind, &secret, &v).unwrap(),
            })
        })
        .collect();
    json!({
        "about": "Farthing voucher test vectors, encoding v1: see packages/voucher/src/lib.rs",
        "vectors": vectors,
    })
}

#[test]
fn the_committed_vectors_are_what_this_code_produces_and_they_verify() {
    let fresh = generate();
    if std::env::var("FARTHING_WRITE_VECTORS").is_ok() {
        std::fs::write(PATH, serde_json::to_string_pretty(&fresh).unwrap() + "\n").unwrap();
    }
    let committed: Value = serde_json::from_str(&std::fs::read_to_string(PATH).unwrap()).unwrap();
    assert_eq!(committed, fresh, "test-vectors.json is stale");
    let api = MockApi::default();
    for v in committed["vectors"].as_array().unwrap() {
        let voucher: Voucher = serde_json::from_value(v["voucher"].clone()).unwrap();
        let key: SignerKey = serde_json::from_value(v["signer"].clone()).unwrap();
        let sig = HexBinary::from_hex(v["signature"].as_str().unwrap()).unwrap();
        verify(&api, &voucher, &sig, &key).unwrap();
        // Any other amount, channel or payee fails.
        let mut other = voucher.clone();
        other.cumulative = other.cumulative.wrapping_add(Uint128::one());
        assert_eq!(
            verify(&api, &other, &sig, &key),
            Err(VoucherError::BadSignature)
        );
    }
}

#[test]
fn high_s_signatures_are_refused() {
    let (kind, secret, v) = cases().remove(0);
    let sig = sign(kind, &secret, &v).unwrap().to_vec();
    // s' = n - s: the same signature in its high-S form, which the VM would accept.
    let high = high_s_form(&sig);
    let api = MockApi::default();
    let key = public_key(kind, &secret).unwrap();
    assert!(
        api.secp256k1_verify(&v.digest().unwrap(), &high, key_bytes(&key))
            .unwrap(),
        "the VM accepts high-S"
    );
    assert_eq!(verify(&api, &v, &high, &key), Err(VoucherError::HighS));
}

fn key_bytes(k: &SignerKey) -> &[u8] {
    match k {
        SignerKey::Secp256k1(b) | SignerKey::Ed25519(b) => b.as_slice(),
    }
}

#[test]
fn verify_many_batches_ed25519_and_names_a_forgery() {
    let api = MockApi::default();
    let signed: Vec<(Voucher, HexBinary, SignerKey)> = cases()
        .into_iter()
        .map(|(k, s, v)| {
            (
                v.clone(),
                sign(k, &s, &v).unwrap(),
                public_key(k, &s).unwrap(),
            )
        })
        .collect();
    let items: Vec<(&Voucher, &[u8], &SignerKey)> = signed
        .iter()
        .map(|(v, s, k)| (v, s.as_slice(), k))
        .collect();
    verify_many(&api, &items).unwrap();
    let mut forged = signed.clone();
    forged[4].0.cumulative = Uint128::new(7);
    let items: Vec<(&Voucher, &[u8], &SignerKey)> = forged
        .iter()
        .map(|(v, s, k)| (v, s.as_slice(), k))
        .collect();
    assert_eq!(
        verify_many(&api, &items),
        Err((4, VoucherError::BadSignature))
    );
    // Malformed input is named before any crypto runs.
    let bad_key = SignerKey::Ed25519(HexBinary::from(vec![1u8; 31]));
    assert_eq!(
        verify(&api, &signed[3].0, &signed[3].1, &bad_key),
        Err(VoucherError::InvalidKey { kind: "ed25519" })
    );
    assert_eq!(
        verify(&api, &signed[0].0, &signed[0].1[..63], &signed[0].2),
        Err(VoucherError::InvalidSignatureLength { length: 63 })
    );
}
