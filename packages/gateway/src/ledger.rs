//! Whether a voucher pays for one request on a channel: the rule, apart from the server.
//!
//! A voucher is accepted only when it is for this chain, this token and this payee, its
//! signature is the channel signer's (checked with the same `farthing-voucher` code the
//! token contract runs), the channel is open, not closing and far enough from its expiry
//! for the payee to claim, and its cumulative amount is at least the last accepted one
//! plus the price and at most the deposit.

use cosmwasm_std::testing::MockApi;
use farthing_voucher::{verify, SignerKey, Voucher, VoucherError};

/// What the gateway knows of a channel (read from the chain, cached).
#[derive(Clone, Debug, PartialEq)]
pub struct ChannelView {
    pub id: u64,
    pub payee: String,
    pub signer: SignerKey,
    pub deposit: u128,
    /// Claimed on chain so far.
    pub claimed: u128,
    /// Seconds since the epoch.
    pub expires_at: u64,
    pub closing: bool,
    pub closed: bool,
}

/// Who the gateway is paid as.
#[derive(Clone, Debug, PartialEq)]
pub struct Terms {
    pub chain_id: String,
    pub token: String,
    pub payee: String,
    /// A channel must stay open this long after a request, for the settler to claim it.
    pub min_expiry_seconds: u64,
}

/// The gateway's books on one channel: `spent` is the value of the requests served (at
/// least what was claimed on chain), `accepted` the highest voucher held. Always
/// `spent <= accepted <= deposit` once a request was served.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Books {
    pub spent: u128,
    pub accepted: u128,
}

/// Why a voucher is refused (a stable code each, for the 402 answer and the metrics).
#[derive(Debug, PartialEq, thiserror::Error)]
pub enum Reject {
    #[error("[code=wrong_chain] the voucher is for chain {got}, this gateway is paid on {want}")]
    WrongChain { want: String, got: String },
    #[error("[code=wrong_token] the voucher is for token {got}, this gateway is paid in {want}")]
    WrongToken { want: String, got: String },
    #[error("[code=wrong_payee] the voucher pays {got}, this gateway is paid as {want}")]
    WrongPayee { want: String, got: String },
    #[error("[code=wrong_channel] the voucher is for channel {got}, not {want}")]
    WrongChannel { want: u64, got: u64 },
    #[error("[code=channel_closed] channel {0} is closed")]
    Closed(u64),
    #[error("[code=channel_closing] channel {0} is closing: open a new one")]
    Closing(u64),
    #[error("[code=channel_expiring] channel {id} expires at {expires_at}, too soon to be claimed after this request (needs {min_expiry_seconds} s): extend it")]
    Expiring {
        id: u64,
        expires_at: u64,
        min_expiry_seconds: u64,
    },
    #[error("[code=stale_voucher] the voucher's cumulative {cumulative} is below what the channel has spent ({spent}): sign at least {spent} plus the price")]
    Stale { cumulative: u128, spent: u128 },
    #[error("[code=underpaid] this request needs a voucher of at least {needed}; the best held is {best}")]
    Underpaid { needed: u128, best: u128 },
    #[error("[code=over_deposit] the voucher's cumulative {cumulative} is above the deposit {deposit}: top the channel up")]
    OverDeposit { cumulative: u128, deposit: u128 },
    #[error("[code=bad_signature] {0}")]
    BadSignature(VoucherError),
}

impl Reject {
    /// The stable code (`wrong_chain`, ...).
    pub fn code(&self) -> &'static str {
        match self {
            Reject::WrongChain { .. } => "wrong_chain",
            Reject::WrongToken { .. } => "wrong_token",
            Reject::WrongPayee { .. } => "wrong_payee",
            Reject::WrongChannel { .. } => "wrong_channel",
            Reject::Closed(_) => "channel_closed",
            Reject::Closing(_) => "channel_closing",
            Reject::Expiring { .. } => "channel_expiring",
            Reject::Stale { .. } => "stale_voucher",
            Reject::Underpaid { .. } => "underpaid",
            Reject::OverDeposit { .. } => "over_deposit",
            Reject::BadSignature(_) => "bad_signature",
        }
    }

    /// Every code, for the metrics' labels.
    pub const CODES: [&'static str; 11] = [
        "wrong_chain",
        "wrong_token",
        "wrong_payee",
        "wrong_channel",
        "channel_closed",
        "channel_closing",
        "channel_expiring",
        "stale_voucher",
        "underpaid",
        "over_deposit",
        "bad_signature",
    ];
}

/// Checks `voucher` (with `signature`) as payment of `price` on `channel` with the books
/// `books`, at `now` (seconds); returns the books after serving the request. Cheap checks
/// first; the signature last.
///
/// The rule: the voucher is not below what was spent (an old voucher replayed is
/// refused), the best voucher held afterwards covers `spent + price`, and it is within
/// the deposit. A voucher above `spent + price` leaves credit: requests that were sent in
/// parallel and arrive out of order are all served, and each is charged once.
pub fn check(
    terms: &Terms,
    channel: &ChannelView,
    books: Books,
    price: u128,
    voucher: &Voucher,
    signature: &[u8],
    now: u64,
) -> Result<Books, Reject> {
    if voucher.chain_id != terms.chain_id {
        return Err(Reject::WrongChain {
            want: terms.chain_id.clone(),
            got: voucher.chain_id.clone(),
        });
    }
    if voucher.token != terms.token {
        return Err(Reject::WrongToken {
            want: terms.token.clone(),
            got: voucher.token.clone(),
        });
    }
    if voucher.payee != terms.payee {
        return Err(Reject::WrongPayee {
            want: terms.payee.clone(),
            got: voucher.payee.clone(),
        });
    }
    if channel.payee != terms.payee {
        return Err(Reject::WrongPayee {
            want: terms.payee.clone(),
            got: channel.payee.clone(),
        });
    }
    if voucher.channel_id != channel.id {
        return Err(Reject::WrongChannel {
            want: channel.id,
            got: voucher.channel_id,
        });
    }
    if channel.closed {
        return Err(Reject::Closed(channel.id));
    }
    if channel.closing {
        return Err(Reject::Closing(channel.id));
    }
    if now.saturating_add(terms.min_expiry_seconds) >= channel.expires_at {
        return Err(Reject::Expiring {
            id: channel.id,
            expires_at: channel.expires_at,
            min_expiry_seconds: terms.min_expiry_seconds,
        });
    }
    let spent = books.spent.max(channel.claimed);
    let cumulative = voucher.cumulative.u128();
    if cumulative < spent {
        return Err(Reject::Stale { cumulative, spent });
    }
    let best = books.accepted.max(cumulative);
    let needed = spent.checked_add(price).ok_or(Reject::Underpaid {
        needed: u128::MAX,
        best,
    })?;
    if best < needed {
        return Err(Reject::Underpaid { needed, best });
    }
    if cumulative > channel.deposit {
        return Err(Reject::OverDeposit {
            cumulative,
            deposit: channel.deposit,
        });
    }
    verify(&MockApi::default(), voucher, signature, &channel.signer)
        .map_err(Reject::BadSignature)?;
    Ok(Books {
        spent: needed,
        accepted: best,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::Uint128;
    use farthing_voucher::{public_key, sign, KeyType};

    const SEED: [u8; 32] = [7; 32];

    fn terms() -> Terms {
        Terms {
            chain_id: "farthing-1".into(),
            token: "wasm1token".into(),
            payee: "wasm1publisher".into(),
            min_expiry_seconds: 3_600,
        }
    }

    fn channel() -> ChannelView {
        ChannelView {
            id: 7,
            payee: "wasm1publisher".into(),
            signer: public_key(KeyType::Ed25519, &SEED).expect("key"),
            deposit: 1_000,
            claimed: 0,
            expires_at: 100_000,
            closing: false,
            closed: false,
        }
    }

    fn voucher(cumulative: u128) -> Voucher {
        Voucher {
            chain_id: "farthing-1".into(),
            token: "wasm1token".into(),
            channel_id: 7,
            payee: "wasm1publisher".into(),
            cumulative: Uint128::new(cumulative),
        }
    }

    fn books(spent: u128, accepted: u128) -> Books {
        Books { spent, accepted }
    }

    fn run(b: Books, price: u128, v: &Voucher, now: u64) -> Result<Books, Reject> {
        let sig = sign(KeyType::Ed25519, &SEED, v).expect("sign");
        check(&terms(), &channel(), b, price, v, &sig, now)
    }

    fn code(r: Result<Books, Reject>) -> Result<Books, &'static str> {
        r.map_err(|e| e.code())
    }

    #[test]
    fn exactly_the_price_and_exactly_the_deposit_are_accepted() {
        assert_eq!(run(books(0, 0), 10, &voucher(10), 0), Ok(books(10, 10)));
        assert_eq!(
            run(books(990, 990), 10, &voucher(1_000), 0),
            Ok(books(1_000, 1_000))
        );
        assert_eq!(
            run(books(991, 991), 10, &voucher(1_000), 0),
            Err(Reject::Underpaid {
                needed: 1_001,
                best: 1_000
            })
        );
        assert_eq!(
            code(run(books(991, 991), 10, &voucher(1_001), 0)),
            Err("over_deposit")
        );
    }

    #[test]
    fn a_replayed_voucher_is_refused_once_spent() {
        // Served once: spent 10. The same voucher again pays nothing more.
        assert_eq!(
            run(books(10, 10), 10, &voucher(10), 0),
            Err(Reject::Underpaid {
                needed: 20,
                best: 10
            })
        );
        // An older one is stale.
        assert_eq!(
            run(books(20, 20), 10, &voucher(10), 0),
            Err(Reject::Stale {
                cumulative: 10,
                spent: 20
            })
        );
    }

    #[test]
    fn out_of_order_parallel_vouchers_are_each_served_once() {
        // 20 arrives before 10: it pays for itself and leaves 10 of credit.
        let after = run(books(0, 0), 10, &voucher(20), 0).expect("20");
        assert_eq!(after, books(10, 20));
        // Then 10 is served from the credit...
        let after = run(after, 10, &voucher(10), 0).expect("10");
        assert_eq!(after, books(20, 20));
        // ...and neither can be used again.
        assert_eq!(code(run(after, 10, &voucher(10), 0)), Err("stale_voucher"));
        assert_eq!(code(run(after, 10, &voucher(20), 0)), Err("underpaid"));
    }

    #[test]
    fn what_was_claimed_on_chain_counts_as_spent() {
        let mut ch = channel();
        ch.claimed = 500;
        let v = voucher(500);
        let sig = sign(KeyType::Ed25519, &SEED, &v).expect("sign");
        assert_eq!(
            check(&terms(), &ch, books(0, 0), 10, &v, &sig, 0),
            Err(Reject::Underpaid {
                needed: 510,
                best: 500
            })
        );
        let v = voucher(510);
        let sig = sign(KeyType::Ed25519, &SEED, &v).expect("sign");
        assert_eq!(
            check(&terms(), &ch, books(0, 0), 10, &v, &sig, 0),
            Ok(books(510, 510))
        );
    }

    #[test]
    fn a_closed_or_closing_channel_is_refused() {
        let v = voucher(10);
        let sig = sign(KeyType::Ed25519, &SEED, &v).expect("sign");
        let mut ch = channel();
        ch.closing = true;
        assert_eq!(
            check(&terms(), &ch, books(0, 0), 10, &v, &sig, 0),
            Err(Reject::Closing(7))
        );
        ch.closed = true;
        assert_eq!(
            check(&terms(), &ch, books(0, 0), 10, &v, &sig, 0),
            Err(Reject::Closed(7))
        );
        let mut ch = channel();
        ch.payee = "wasm1other".into();
        assert_eq!(
            check(&terms(), &ch, books(0, 0), 10, &v, &sig, 0).map_err(|e| e.code()),
            Err("wrong_payee")
        );
        let mut ch = channel();
        ch.id = 8;
        assert_eq!(
            check(&terms(), &ch, books(0, 0), 10, &v, &sig, 0),
            Err(Reject::WrongChannel { want: 8, got: 7 })
        );
    }

    #[test]
    fn expiry_leaves_the_settle_margin() {
        assert_eq!(
            run(books(0, 0), 10, &voucher(10), 100_000 - 3_601),
            Ok(books(10, 10))
        );
        assert_eq!(
            code(run(books(0, 0), 10, &voucher(10), 100_000 - 3_600)),
            Err("channel_expiring")
        );
    }

    #[test]
    fn another_chain_token_or_payee_is_refused_before_the_signature() {
        let mut v = voucher(10);
        v.chain_id = "other-1".into();
        assert_eq!(code(run(books(0, 0), 10, &v, 0)), Err("wrong_chain"));
        let mut v = voucher(10);
        v.token = "wasm1fake".into();
        assert_eq!(code(run(books(0, 0), 10, &v, 0)), Err("wrong_token"));
        let mut v = voucher(10);
        v.payee = "wasm1thief".into();
        assert_eq!(code(run(books(0, 0), 10, &v, 0)), Err("wrong_payee"));
    }

    #[test]
    fn a_forged_signature_is_refused() {
        let v = voucher(10);
        let forged = sign(KeyType::Ed25519, &[8; 32], &v).expect("sign");
        assert_eq!(
            check(&terms(), &channel(), books(0, 0), 10, &v, &forged, 0).map_err(|e| e.code()),
            Err("bad_signature")
        );
        // A signature of another amount does not pay this one.
        let other = sign(KeyType::Ed25519, &SEED, &voucher(11)).expect("sign");
        assert_eq!(
            check(&terms(), &channel(), books(0, 0), 10, &v, &other, 0).map_err(|e| e.code()),
            Err("bad_signature")
        );
    }

    #[test]
    fn a_price_that_would_overflow_is_underpaid() {
        assert_eq!(
            code(run(books(1, 1), u128::MAX, &voucher(10), 0)),
            Err("underpaid")
        );
    }
}
