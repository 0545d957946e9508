//! The token's hand-written account codec (`[balance, frozen_amount, frozen, window_start,
//! window_used, frozen_at, frozen_seconds]`, trailing zeros dropped), against a reference
//! encoder written here from that description.

use arbitrary::{Arbitrary, Unstructured};
use cosmwasm_std::{from_json, to_json_vec, Uint128};
use farthing_micropay_token::state::Account;

/// The reference encoding: the seven fields as JSON numbers, trailing zeros dropped, at
/// least one number.
pub fn reference(a: &Account) -> Vec<u8> {
    let fields = [
        a.balance.u128(),
        a.frozen_amount.u128(),
        u128::from(a.frozen),
        u128::from(a.window_start),
        a.window_used.u128(),
        u128::from(a.frozen_at),
        u128::from(a.frozen_seconds),
    ];
    let len = fields.iter().rposition(|f| *f != 0).map_or(1, |i| i + 1);
    let body: Vec<String> = fields[..len].iter().map(u128::to_string).collect();
    format!("[{}]", body.join(",")).into_bytes()
}

#[derive(Debug, Arbitrary)]
struct AccountIn {
    balance: u128,
    frozen_amount: u128,
    frozen: bool,
    window_start: u64,
    window_used: u128,
    frozen_at: u64,
    frozen_seconds: u64,
    /// How many trailing fields are zero (exercises the trimming).
    zeros: u8,
}

impl AccountIn {
    fn account(self) -> Account {
        let mut a = Account {
            balance: Uint128::new(self.balance),
            frozen_amount: Uint128::new(self.frozen_amount),
            frozen: self.frozen,
            window_start: self.window_start,
            window_used: Uint128::new(self.window_used),
            frozen_at: self.frozen_at,
            frozen_seconds: self.frozen_seconds,
        };
        let z = self.zeros % 8;
        if z >= 1 {
            a.frozen_seconds = 0;
        }
        if z >= 2 {
            a.frozen_at = 0;
        }
        if z >= 3 {
            a.window_used = Uint128::zero();
        }
        if z >= 4 {
            a.window_start = 0;
        }
        if z >= 5 {
            a.frozen = false;
        }
        if z >= 6 {
            a.frozen_amount = Uint128::zero();
        }
        if z >= 7 {
            a.balance = Uint128::zero();
        }
        a
    }
}

pub fn fuzz(data: &[u8]) {
    // decode(x), then encode: a fixed point after one round, equal to the reference.
    if let Ok(a) = from_json::<Account>(data) {
        let enc = to_json_vec(&a).expect("an account encodes");
        assert_eq!(enc, reference(&a));
        let b: Account = from_json(&enc).expect("an encoded account decodes");
        assert_eq!(a, b);
        // Canonical input (what the contract writes) comes back byte for byte.
        if data == reference(&a).as_slice() {
            assert_eq!(enc, data);
        }
    }
    // encode(acct), then decode: the same account.
    if let Ok(a) = AccountIn::arbitrary(&mut Unstructured::new(data)) {
        let a = a.account();
        let enc = to_json_vec(&a).expect("an account encodes");
        assert_eq!(enc, reference(&a));
        assert_eq!(from_json::<Account>(&enc).expect("decodes"), a);
    }
}

/// Seeds: accounts as the contract stores them.
pub fn seeds() -> Vec<(&'static str, String, Vec<u8>)> {
    [
        ("plain", "[1000]"),
        ("windowed", "[5,0,0,9]"),
        ("frozen", "[5,0,1,0,0,1700000000,3600]"),
        (
            "max",
            "[340282366920938463463374607431768211455,7,1,1700000000,1,1700000100,3600]",
        ),
    ]
    .into_iter()
    .map(|(n, j)| ("account_codec", n.to_string(), j.as_bytes().to_vec()))
    .collect()
}
