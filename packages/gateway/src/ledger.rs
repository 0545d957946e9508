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
    pub settle_seconds: u64,
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
    #[error("[code=channel_expiring] channel {id} expires at {expires_at}, too soon to be claimed after this request (needs {settle_seconds} s)")]
    Expiring {
        id: u64,
        expires_at: u64,
        settle_seconds: u64,
    },
    #[error("[code=underpaid] the voucher adds {added} to the last accepted {last}; this request costs {price}")]
    Underpaid {
        last: u128,
        added: u128,
        price: u128,
    },
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
            Reject::Underpaid { .. } => "underpaid",
            Reject::OverDeposit { .. } => "over_deposit",
            Reject::BadSignature(_) => "bad_signature",
        }
    }
}

/// Checks `voucher` (with `signature`) as payment of `price` on `channel`, whose last
/// accepted cumulative amount is `last` (at least what was claimed on chain), at `now`
/// (seconds). Cheap checks first; the signature last.
pub fn check(
    terms: &Terms,
    channel: &ChannelView,
    last: u128,
    price: u128,
    voucher: &Voucher,
    signature: &[u8],
    now: u64,
) -> Result<(), Reject> {
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
    if voucher.payee != terms.payee || channel.payee != terms.payee {
        return Err(Reject::WrongPayee {
            want: terms.payee.clone(),
            got: voucher.payee.clone(),
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
    if now.saturating_add(terms.settle_seconds) >= channel.expires_at {
        return Err(Reject::Expiring {
            id: channel.id,
            expires_at: channel.expires_at,
            settle_seconds: terms.settle_seconds,
        });
    }
    let last = last.max(channel.claimed);
    let cumulative = voucher.cumulative.u128();
    let added = cumulative.saturating_sub(last);
    if added < price || (price == 0 && cumulative <= last) {
        return Err(Reject::Underpaid { last, added, price });
    }
    if cumulative > channel.deposit {
        return Err(Reject::OverDeposit {
            cumulative,
            deposit: channel.deposit,
        });
    }
    verify(&MockApi::default(), voucher, signature, &channel.signer).map_err(Reject::BadSignature)
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
            settle_seconds: 3_600,
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

    fn run(last: u128, price: u128, v: &Voucher, now: u64) -> Result<(), Reject> {
        let sig = sign(KeyType::Ed25519, &SEED, v).expect("sign");
        check(&terms(), &channel(), last, price, v, &sig, now)
    }

    #[test]
    fn exactly_the_price_and_exactly_the_deposit_are_accepted() {
        assert_eq!(run(0, 10, &voucher(10), 0), Ok(()));
        assert_eq!(run(990, 10, &voucher(1_000), 0), Ok(()));
        assert_eq!(
            run(991, 10, &voucher(1_000), 0).map_err(|e| e.code()),
            Err("underpaid")
        );
        assert_eq!(
            run(991, 10, &voucher(1_001), 0).map_err(|e| e.code()),
            Err("over_deposit")
        );
    }

    #[test]
    fn a_replayed_cumulative_is_underpaid() {
        assert_eq!(
            run(10, 10, &voucher(10), 0),
            Err(Reject::Underpaid {
                last: 10,
                added: 0,
                price: 10
            })
        );
    }

    #[test]
    fn expiry_leaves_the_settle_period() {
        assert_eq!(run(0, 10, &voucher(10), 100_000 - 3_601), Ok(()));
        assert_eq!(
            run(0, 10, &voucher(10), 100_000 - 3_600).map_err(|e| e.code()),
            Err("channel_expiring")
        );
    }

    #[test]
    fn another_chain_token_or_payee_is_refused_before_the_signature() {
        let mut v = voucher(10);
        v.chain_id = "other-1".into();
        assert_eq!(run(0, 10, &v, 0).map_err(|e| e.code()), Err("wrong_chain"));
        let mut v = voucher(10);
        v.payee = "wasm1thief".into();
        assert_eq!(run(0, 10, &v, 0).map_err(|e| e.code()), Err("wrong_payee"));
    }

    #[test]
    fn a_forged_signature_is_refused() {
        let v = voucher(10);
        let forged = sign(KeyType::Ed25519, &[8; 32], &v).expect("sign");
        assert_eq!(
            check(&terms(), &channel(), 0, 10, &v, &forged, 0).map_err(|e| e.code()),
            Err("bad_signature")
        );
    }
}
