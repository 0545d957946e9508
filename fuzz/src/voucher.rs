//! The voucher package: decoding (JSON of vouchers and signer keys; the canonical bytes)
//! and verification (`verify`, `verify_many`, `check_key`).

use arbitrary::{Arbitrary, Unstructured};
use cosmwasm_std::testing::MockApi;
use cosmwasm_std::{from_json, to_json_vec, Uint128};
use farthing_voucher::{
    check_key, check_key_shape, high_s_form, sign, verify, verify_many, KeyType, SignerKey,
    Voucher, VoucherError, DOMAIN,
};
use sha2::{Digest, Sha256};

use crate::common::{signer, KeyIn, KEYS};

/// Reads the canonical encoding back (the inverse of `Voucher::encode`, written here from
/// the layout in the crate documentation): `None` unless `bytes` is exactly one encoding.
pub fn parse_canonical(bytes: &[u8]) -> Option<Voucher> {
    let mut rest = bytes.strip_prefix(DOMAIN)?;
    fn take<'a>(rest: &mut &'a [u8], n: usize) -> Option<&'a [u8]> {
        if rest.len() < n {
            return None;
        }
        let (head, tail) = rest.split_at(n);
        *rest = tail;
        Some(head)
    }
    fn string(rest: &mut &[u8]) -> Option<String> {
        let len = u16::from_be_bytes(take(rest, 2)?.try_into().ok()?);
        String::from_utf8(take(rest, len as usize)?.to_vec()).ok()
    }
    let chain_id = string(&mut rest)?;
    let token = string(&mut rest)?;
    let channel_id = u64::from_be_bytes(take(&mut rest, 8)?.try_into().ok()?);
    let payee = string(&mut rest)?;
    let cumulative = u128::from_be_bytes(take(&mut rest, 16)?.try_into().ok()?);
    if !rest.is_empty() {
        return None;
    }
    Some(Voucher {
        chain_id,
        token,
        channel_id,
        payee,
        cumulative: Uint128::new(cumulative),
    })
}

/// `encode` is canonical: it reads back as the same voucher, its digest is the SHA-256 of
/// it, and it fails only on a field longer than 65,535 bytes.
fn check_encoding(v: &Voucher) {
    let too_long = [&v.chain_id, &v.token, &v.payee]
        .iter()
        .any(|s| s.len() > usize::from(u16::MAX));
    match v.encode() {
        Ok(bytes) => {
            assert!(!too_long);
            assert_eq!(parse_canonical(&bytes).as_ref(), Some(v));
            let digest: [u8; 32] = Sha256::digest(&bytes).into();
            assert_eq!(v.digest(), Ok(digest));
        }
        Err(e) => {
            assert_eq!(e, VoucherError::FieldTooLong);
            assert!(too_long);
        }
    }
}

#[derive(Debug, Arbitrary)]
struct VoucherIn {
    chain_id: String,
    token: String,
    channel_id: u64,
    payee: String,
    cumulative: u128,
    /// Pads a field past the 65,535-byte limit.
    long: Option<u8>,
}

impl VoucherIn {
    fn voucher(self) -> Voucher {
        let mut v = Voucher {
            chain_id: self.chain_id,
            token: self.token,
            channel_id: self.channel_id,
            payee: self.payee,
            cumulative: Uint128::new(self.cumulative),
        };
        if let Some(f) = self.long {
            let pad = "p".repeat(usize::from(u16::MAX) + 1 - usize::from(f % 2));
            match f % 3 {
                0 => v.chain_id.push_str(&pad),
                1 => v.token.push_str(&pad),
                _ => v.payee.push_str(&pad),
            }
        }
        v
    }
}

pub fn fuzz_decode(data: &[u8]) {
    let api = MockApi::default();
    if let Ok(v) = from_json::<Voucher>(data) {
        check_encoding(&v);
    }
    if let Ok(k) = from_json::<SignerKey>(data) {
        let shape = check_key_shape(&k);
        let point = check_key(&api, &k);
        // The full check implies the shape check.
        if point.is_ok() {
            assert!(shape.is_ok());
        }
    }
    if let Some(v) = parse_canonical(data) {
        assert_eq!(v.encode().as_deref(), Ok(data));
    }
    if let Ok(v) = VoucherIn::arbitrary(&mut Unstructured::new(data)) {
        check_encoding(&v.voucher());
    }
}

#[derive(Debug, Arbitrary)]
enum SigIn {
    /// Signed by the key's own secret (pool keys only).
    Valid,
    /// A valid signature with one bit flipped.
    Flipped(u8),
    /// The high-S twin of a valid signature.
    HighS,
    /// Signed for another amount.
    OtherAmount(u128),
    Raw(Vec<u8>),
}

#[derive(Debug, Arbitrary)]
struct ItemIn {
    voucher: VoucherIn,
    key: KeyIn,
    sig: SigIn,
}

struct Item {
    voucher: Voucher,
    key: SignerKey,
    sig: Vec<u8>,
    /// What `verify` must answer, when the input says (a pool key and a made signature).
    expect_ok: Option<bool>,
    /// A high-S secp256k1 signature: refused as such.
    high_s: bool,
}

impl ItemIn {
    fn item(self) -> Item {
        let mut voucher = self.voucher.voucher();
        if voucher.encode().is_err() {
            // Too long to sign: keep the fields short (the error path is `fuzz_decode`'s).
            for s in [
                &mut voucher.chain_id,
                &mut voucher.token,
                &mut voucher.payee,
            ] {
                while s.len() > 64 {
                    s.pop();
                }
            }
        }
        let key = self.key.key();
        let pool = match self.key {
            KeyIn::Pool(i) => Some(KEYS[i as usize % KEYS.len()]),
            _ => None,
        };
        let signed = |v: &Voucher| -> Vec<u8> {
            let (kind, secret) = pool.unwrap_or(KEYS[0]);
            sign(kind, &secret, v)
                .map(|s| s.to_vec())
                .unwrap_or_default()
        };
        let secp = matches!(key, SignerKey::Secp256k1(_));
        let (sig, expect_ok, high_s) = match self.sig {
            SigIn::Valid => (signed(&voucher), pool.map(|_| true), false),
            SigIn::Flipped(bit) => {
                let mut s = signed(&voucher);
                if let Some(b) = s.get_mut(usize::from(bit / 8) % 64) {
                    *b ^= 1 << (bit % 8);
                }
                (s, pool.map(|_| false), false)
            }
            SigIn::HighS => {
                let s = high_s_form(&signed(&voucher));
                (s, pool.map(|_| false), pool.is_some() && secp)
            }
            SigIn::OtherAmount(a) => {
                let mut other = voucher.clone();
                other.cumulative = Uint128::new(a);
                let same = other == voucher;
                (signed(&other), pool.map(|_| same), false)
            }
            SigIn::Raw(b) => (b, pool.map(|_| false), false),
        };
        Item {
            voucher,
            key,
            sig,
            expect_ok,
            high_s,
        }
    }
}

pub fn fuzz_verify(data: &[u8]) {
    let api = MockApi::default();
    let mut u = Unstructured::new(data);
    let mut items = vec![];
    while items.len() < 4 && !u.is_empty() {
        match ItemIn::arbitrary(&mut u) {
            Ok(i) => items.push(i.item()),
            Err(_) => break,
        }
    }
    let mut all_ok = true;
    for it in &items {
        let res = verify(&api, &it.voucher, &it.sig, &it.key);
        if let Some(ok) = it.expect_ok {
            assert_eq!(res.is_ok(), ok, "{res:?}");
        }
        if it.high_s {
            assert_eq!(res, Err(VoucherError::HighS));
        }
        all_ok &= res.is_ok();
        let _ = check_key(&api, &it.key);
    }
    let batch: Vec<(&Voucher, &[u8], &SignerKey)> = items
        .iter()
        .map(|it| (&it.voucher, it.sig.as_slice(), &it.key))
        .collect();
    match verify_many(&api, &batch) {
        Ok(()) => assert!(all_ok, "verify_many accepted what verify refuses"),
        Err((i, _)) => {
            assert!(!all_ok, "verify_many refused what verify accepts");
            assert!(i < items.len());
        }
    }
}

/// Every pool key passes the full key check (the harnesses open channels with them).
pub fn pool_keys_are_valid() -> bool {
    let api = MockApi::default();
    (0..KEYS.len()).all(|i| check_key(&api, &signer(i)).is_ok())
        && KEYS.iter().any(|(k, _)| *k == KeyType::Secp256k1)
}

/// Seeds: a voucher and signer keys as JSON, a canonical encoding; for `voucher_verify`, a
/// few bytes (its input is all `arbitrary`).
pub fn seeds() -> Vec<(&'static str, String, Vec<u8>)> {
    let v = Voucher {
        chain_id: "farthing-1".into(),
        token: crate::common::addr(crate::common::SELF).into_string(),
        channel_id: 7,
        payee: crate::common::addr(crate::common::BOB).into_string(),
        cumulative: Uint128::new(1_500),
    };
    let json = |r: cosmwasm_std::StdResult<Vec<u8>>| r.expect("serializable");
    vec![
        ("voucher_decode", "voucher".into(), json(to_json_vec(&v))),
        (
            "voucher_decode",
            "key_ed25519".into(),
            json(to_json_vec(&signer(0))),
        ),
        (
            "voucher_decode",
            "key_secp256k1".into(),
            json(to_json_vec(&signer(2))),
        ),
        (
            "voucher_decode",
            "encoding".into(),
            v.encode().expect("short fields"),
        ),
        (
            "voucher_verify",
            "one".into(),
            vec![0x80, 1, 2, 3, 4, 5, 6, 7, 8],
        ),
    ]
}
