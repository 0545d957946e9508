//! Payment channels: thousands of vouchers settled by one claim, replay and forgery,
//! close races, top-up and extend, a non-compliant payee.

use cosmwasm_std::{HexBinary, Uint128};
use farthing_micropay_token::ContractError;
use farthing_testing::{Suite, SuiteBuilder};
use farthing_types::kyc::{DenialCode, KycStatus, PartyRole};
use farthing_types::token::{
    Channel, ChannelClaim, ChannelsBy, ChannelsResponse, ExecuteMsg, QueryMsg, SignerKey,
};
use farthing_voucher::{high_s_form, public_key, sign, KeyType, Voucher, VoucherError};

use super::assert_token_rejected;
use super::paths::{channel_signer, voucher_signature, CHANNEL_SECRET};

fn u(n: u128) -> Uint128 {
    Uint128::new(n)
}

fn suite() -> Suite {
    SuiteBuilder::default()
        .with_funded("reader", 2, "DE", 1_000_000)
        .with_listed("publisher", 2, "FR")
        .with_listed("blog", 2, "FR")
        .build()
}

fn open(s: &mut Suite, amount: u128, signer: SignerKey) -> u64 {
    let (reader, publisher) = (s.addr("reader"), s.addr("publisher"));
    let msg = ExecuteMsg::OpenChannel {
        payee: publisher.to_string(),
        amount: u(amount),
        expires_at: s.now().plus_seconds(7 * 86_400),
        signer,
        travel_rule_ref: None,
    };
    let resp = s.execute_token(&reader, &msg).unwrap();
    let ev = resp
        .events
        .iter()
        .find(|e| e.ty == "wasm-token_channel_opened")
        .unwrap();
    ev.attributes
        .iter()
        .find(|a| a.key == "channel")
        .unwrap()
        .value
        .parse()
        .unwrap()
}

fn channel(s: &Suite, id: u64) -> Channel {
    s.query_token(&QueryMsg::Channel { channel: id })
}

fn claim(
    s: &mut Suite,
    id: u64,
    cumulative: u128,
    sig: HexBinary,
    close: bool,
) -> anyhow::Result<cw_multi_test::AppResponse> {
    let publisher = s.addr("publisher");
    s.execute_token(
        &publisher,
        &ExecuteMsg::Claim {
            channel: id,
            cumulative: u(cumulative),
            signature: sig,
            close: Some(close),
        },
    )
}

#[test]
fn a_thousand_vouchers_are_settled_by_one_claim() {
    let mut s = suite();
    let (reader, publisher) = (s.addr("reader"), s.addr("publisher"));
    let id = open(&mut s, 10_000, channel_signer());
    assert_eq!(s.balance(&reader), 990_000);
    // The reader pays 3 units per article, 1,000 times, off chain: 1,000 vouchers.
    let mut last = HexBinary::default();
    for i in 1..=1_000u128 {
        last = voucher_signature(&s, id, &publisher, 3 * i);
    }
    claim(&mut s, id, 3_000, last, true).unwrap();
    assert_eq!(s.balance(&publisher), 3_000);
    assert_eq!(s.balance(&reader), 997_000);
    let ch = channel(&s, id);
    assert_eq!((ch.claimed, ch.closed), (u(3_000), true));
    assert_eq!(s.total_supply(), 1_000_000);
}

#[test]
fn partial_claims_pay_the_difference_and_a_voucher_never_pays_twice() {
    for kind in [KeyType::Secp256k1, KeyType::Ed25519] {
        let mut s = suite();
        let publisher = s.addr("publisher");
        let secret = [0x55u8; 32];
        let id = open(&mut s, 1_000, public_key(kind, &secret).unwrap());
        let sig = |s: &Suite, c: u128| {
            let v = Voucher {
                chain_id: s.app.block_info().chain_id,
                token: s.token.to_string(),
                channel_id: id,
                payee: publisher.to_string(),
                cumulative: u(c),
            };
            sign(kind, &secret, &v).unwrap()
        };
        let v300 = sig(&s, 300);
        claim(&mut s, id, 300, v300.clone(), false).unwrap();
        let v700 = sig(&s, 700);
        claim(&mut s, id, 700, v700, false).unwrap();
        assert_eq!(s.balance(&publisher), 700);
        assert_token_rejected(
            &mut s,
            |s| claim(s, id, 300, v300, false),
            ContractError::VoucherAlreadyClaimed {
                cumulative: u(300),
                claimed: u(700),
            },
        );
        let v1001 = sig(&s, 1_001);
        assert_token_rejected(
            &mut s,
            |s| claim(s, id, 1_001, v1001, false),
            ContractError::VoucherExceedsDeposit {
                cumulative: u(1_001),
                deposit: u(1_000),
            },
        );
    }
}

#[test]
fn forged_and_misdirected_vouchers_fail() {
    let mut s = suite();
    let (reader, publisher, blog) = (s.addr("reader"), s.addr("publisher"), s.addr("blog"));
    let id = open(&mut s, 1_000, channel_signer());
    let other = open(&mut s, 1_000, channel_signer());
    let base = Voucher {
        chain_id: s.app.block_info().chain_id,
        token: s.token.to_string(),
        channel_id: id,
        payee: publisher.to_string(),
        cumulative: u(100),
    };
    let signed = |v: &Voucher| sign(KeyType::Ed25519, &CHANNEL_SECRET, v).unwrap();
    let bad = || ContractError::InvalidVoucher(VoucherError::BadSignature);
    let cases = [
        Voucher {
            chain_id: "another-chain-1".into(),
            ..base.clone()
        },
        Voucher {
            token: s.registry.to_string(),
            ..base.clone()
        },
        Voucher {
            channel_id: other,
            ..base.clone()
        },
        Voucher {
            payee: blog.to_string(),
            ..base.clone()
        },
        Voucher {
            cumulative: u(99),
            ..base.clone()
        },
    ];
    for v in cases {
        let sig = signed(&v);
        assert_token_rejected(&mut s, |s| claim(s, id, 100, sig, false), bad());
    }
    // Signed by another key (the reader's wallet, not the channel's session key).
    let wrong = sign(KeyType::Ed25519, &[0x99; 32], &base).unwrap();
    assert_token_rejected(&mut s, |s| claim(s, id, 100, wrong, false), bad());
    // Only the payee claims.
    let good = signed(&base);
    assert_token_rejected(
        &mut s,
        |s| {
            s.execute_token(
                &reader,
                &ExecuteMsg::Claim {
                    channel: id,
                    cumulative: u(100),
                    signature: good.clone(),
                    close: None,
                },
            )
        },
        ContractError::NotChannelParty {
            sender: reader.to_string(),
            channel: id,
        },
    );
    claim(&mut s, id, 100, good, false).unwrap();
}

#[test]
fn high_s_secp256k1_vouchers_are_refused() {
    let mut s = suite();
    let publisher = s.addr("publisher");
    let secret = [0x66u8; 32];
    let id = open(
        &mut s,
        1_000,
        public_key(KeyType::Secp256k1, &secret).unwrap(),
    );
    let v = Voucher {
        chain_id: s.app.block_info().chain_id,
        token: s.token.to_string(),
        channel_id: id,
        payee: publisher.to_string(),
        cumulative: u(10),
    };
    let low = sign(KeyType::Secp256k1, &secret, &v).unwrap().to_vec();
    let high = high_s_form(&low);
    assert_token_rejected(
        &mut s,
        |s| claim(s, id, 10, HexBinary::from(high), false),
        ContractError::InvalidVoucher(VoucherError::HighS),
    );
    claim(&mut s, id, 10, HexBinary::from(low), false).unwrap();
}

#[test]
fn claim_many_settles_several_channels_at_once() {
    let mut s = suite();
    let publisher = s.addr("publisher");
    let ids: Vec<u64> = (0..10)
        .map(|_| open(&mut s, 1_000, channel_signer()))
        .collect();
    let claims: Vec<ChannelClaim> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| ChannelClaim {
            channel: *id,
            cumulative: u(10 * (i as u128 + 1)),
            signature: voucher_signature(&s, *id, &publisher, 10 * (i as u128 + 1)),
        })
        .collect();
    // One forged signature fails the whole batch and names nothing paid.
    let mut forged = claims.clone();
    forged[7].cumulative = u(999);
    assert_token_rejected(
        &mut s,
        |s| s.execute_token(&publisher, &ExecuteMsg::ClaimMany { claims: forged }),
        ContractError::InvalidVoucher(VoucherError::BadSignature),
    );
    s.execute_token(&publisher, &ExecuteMsg::ClaimMany { claims })
        .unwrap();
    assert_eq!(
        s.balance(&publisher),
        (1..=10).map(|i| 10 * i).sum::<u128>()
    );
}

#[test]
fn close_races_the_settle_period_and_expiry() {
    let mut s = suite();
    let (reader, publisher, owner) = (s.addr("reader"), s.addr("publisher"), s.owner.clone());
    s.execute_token(&owner, &ExecuteMsg::SetSettlePeriod { seconds: 3_600 })
        .unwrap();
    assert_token_rejected(
        &mut s,
        |s| s.execute_token(&owner, &ExecuteMsg::SetSettlePeriod { seconds: 60 }),
        ContractError::SettlePeriodTooShort { min: 3_600 },
    );
    let id = open(&mut s, 1_000, channel_signer());
    let expires_at = channel(&s, id).expires_at;
    assert_token_rejected(
        &mut s,
        |s| s.execute_token(&reader, &ExecuteMsg::CloseChannel { channel: id }),
        ContractError::CloseTooEarly {
            channel: id,
            after: expires_at,
        },
    );
    s.execute_token(&reader, &ExecuteMsg::StartClose { channel: id })
        .unwrap();
    let closing_at = channel(&s, id).closing_at.unwrap();
    assert_token_rejected(
        &mut s,
        |s| {
            s.execute_token(
                &reader,
                &ExecuteMsg::TopUpChannel {
                    channel: id,
                    amount: u(5),
                },
            )
        },
        ContractError::ChannelClosing { channel: id },
    );
    // The payee submits its last voucher during the settle period.
    s.advance_seconds(3_599);
    let v = voucher_signature(&s, id, &publisher, 400);
    claim(&mut s, id, 400, v, false).unwrap();
    assert_token_rejected(
        &mut s,
        |s| s.execute_token(&reader, &ExecuteMsg::CloseChannel { channel: id }),
        ContractError::CloseTooEarly {
            channel: id,
            after: closing_at,
        },
    );
    // After it, no more claims; the payer closes and gets the rest.
    s.advance_seconds(1);
    let v = voucher_signature(&s, id, &publisher, 500);
    assert_token_rejected(
        &mut s,
        |s| claim(s, id, 500, v, false),
        ContractError::SettlePeriodOver {
            channel: id,
            closing_at,
        },
    );
    s.execute_token(&reader, &ExecuteMsg::CloseChannel { channel: id })
        .unwrap();
    assert_eq!((s.balance(&reader), s.balance(&publisher)), (999_600, 400));
    assert_token_rejected(
        &mut s,
        |s| s.execute_token(&reader, &ExecuteMsg::CloseChannel { channel: id }),
        ContractError::ChannelClosed { channel: id },
    );

    // Expiry: the payer reclaims at once; the payee may close any time.
    let id2 = open(&mut s, 1_000, channel_signer());
    let id3 = open(&mut s, 1_000, channel_signer());
    s.execute_token(&publisher, &ExecuteMsg::CloseChannel { channel: id3 })
        .unwrap();
    s.advance_seconds(7 * 86_400);
    s.execute_token(&reader, &ExecuteMsg::CloseChannel { channel: id2 })
        .unwrap();
    assert_eq!(s.balance(&reader), 999_600);
}

#[test]
fn top_up_and_extend() {
    let mut s = suite();
    let (reader, publisher) = (s.addr("reader"), s.addr("publisher"));
    let id = open(&mut s, 100, channel_signer());
    s.execute_token(
        &reader,
        &ExecuteMsg::TopUpChannel {
            channel: id,
            amount: u(400),
        },
    )
    .unwrap();
    let old = channel(&s, id).expires_at;
    assert_token_rejected(
        &mut s,
        |s| {
            s.execute_token(
                &reader,
                &ExecuteMsg::ExtendChannel {
                    channel: id,
                    expires_at: old,
                },
            )
        },
        ContractError::ExpiryTooEarly {
            expires_at: old,
            after: old,
        },
    );
    s.execute_token(
        &reader,
        &ExecuteMsg::ExtendChannel {
            channel: id,
            expires_at: old.plus_seconds(86_400),
        },
    )
    .unwrap();
    assert_token_rejected(
        &mut s,
        |s| {
            s.execute_token(
                &publisher,
                &ExecuteMsg::TopUpChannel {
                    channel: id,
                    amount: u(1),
                },
            )
        },
        ContractError::NotChannelParty {
            sender: publisher.to_string(),
            channel: id,
        },
    );
    let ch = channel(&s, id);
    assert_eq!(
        (ch.deposit, ch.expires_at),
        (u(500), old.plus_seconds(86_400))
    );
    let v = voucher_signature(&s, id, &publisher, 450);
    claim(&mut s, id, 450, v, true).unwrap();
    assert_eq!((s.balance(&publisher), s.balance(&reader)), (450, 999_550));
}

#[test]
fn a_non_compliant_payee_cannot_claim_and_the_payer_still_gets_out() {
    let mut s = suite();
    let (reader, publisher, officer) = (s.addr("reader"), s.addr("publisher"), s.officer.clone());
    let id = open(&mut s, 1_000, channel_signer());
    s.set_status(&officer, &[&publisher], KycStatus::Suspended, "aml_review")
        .unwrap();
    let v = voucher_signature(&s, id, &publisher, 100);
    let err = claim(&mut s, id, 100, v, false)
        .unwrap_err()
        .downcast::<ContractError>()
        .unwrap();
    let ContractError::Denied(d) = err else {
        panic!("{err:?}")
    };
    assert_eq!(
        (d.party, d.role, d.code),
        (
            publisher.clone(),
            PartyRole::Recipient,
            DenialCode::Suspended
        )
    );
    s.execute_token(&reader, &ExecuteMsg::StartClose { channel: id })
        .unwrap();
    s.advance_seconds(86_400);
    s.execute_token(&reader, &ExecuteMsg::CloseChannel { channel: id })
        .unwrap();
    assert_eq!(s.balance(&reader), 1_000_000);
}

#[test]
fn channels_page_by_payer_and_by_payee() {
    let mut s = suite();
    let (reader, publisher, blog) = (s.addr("reader"), s.addr("publisher"), s.addr("blog"));
    let ids: Vec<u64> = (0..3).map(|_| open(&mut s, 10, channel_signer())).collect();
    let to_blog = ExecuteMsg::OpenChannel {
        payee: blog.to_string(),
        amount: u(10),
        expires_at: s.now().plus_seconds(100),
        signer: channel_signer(),
        travel_rule_ref: None,
    };
    s.execute_token(&reader, &to_blog).unwrap();
    let page =
        |s: &Suite, by: ChannelsBy, start_after: Option<u64>, limit: Option<u32>| -> Vec<u64> {
            let r: ChannelsResponse = s.query_token(&QueryMsg::Channels {
                by,
                start_after,
                limit,
            });
            r.channels.into_iter().map(|c| c.id).collect()
        };
    assert_eq!(
        page(&s, ChannelsBy::Payer(reader.to_string()), None, None),
        vec![1, 2, 3, 4]
    );
    assert_eq!(
        page(&s, ChannelsBy::Payee(publisher.to_string()), None, None),
        ids
    );
    assert_eq!(
        page(
            &s,
            ChannelsBy::Payee(publisher.to_string()),
            Some(1),
            Some(1)
        ),
        vec![2]
    );
    assert_eq!(
        page(&s, ChannelsBy::Payee(blog.to_string()), None, None),
        vec![4]
    );
    assert_eq!(
        page(&s, ChannelsBy::Payer(blog.to_string()), None, None),
        Vec::<u64>::new()
    );
}

#[test]
fn open_channel_rejections_change_nothing() {
    let mut s = suite();
    let (reader, publisher) = (s.addr("reader"), s.addr("publisher"));
    let msg = |payee: &cosmwasm_std::Addr, amount: u128, ttl: u64, signer: SignerKey, s: &Suite| {
        ExecuteMsg::OpenChannel {
            payee: payee.to_string(),
            amount: u(amount),
            expires_at: s.now().plus_seconds(ttl),
            signer,
            travel_rule_ref: None,
        }
    };
    let to_self = msg(&reader, 10, 100, channel_signer(), &s);
    assert_token_rejected(
        &mut s,
        |s| s.execute_token(&reader, &to_self),
        ContractError::ChannelToSelf,
    );
    let bad_key = msg(
        &publisher,
        10,
        100,
        SignerKey::Secp256k1(HexBinary::from(vec![4u8; 65])),
        &s,
    );
    assert_token_rejected(
        &mut s,
        |s| s.execute_token(&reader, &bad_key),
        ContractError::InvalidVoucher(VoucherError::InvalidKey { kind: "secp256k1" }),
    );
    let now = s.now();
    let past = msg(&publisher, 10, 0, channel_signer(), &s);
    assert_token_rejected(
        &mut s,
        |s| s.execute_token(&reader, &past),
        ContractError::ExpiryTooEarly {
            expires_at: now,
            after: now,
        },
    );
    let zero = msg(&publisher, 0, 100, channel_signer(), &s);
    assert_token_rejected(
        &mut s,
        |s| s.execute_token(&reader, &zero),
        ContractError::ZeroAmount,
    );
    let too_much = msg(&publisher, 2_000_000, 100, channel_signer(), &s);
    assert_token_rejected(
        &mut s,
        |s| s.execute_token(&reader, &too_much),
        ContractError::InsufficientFunds {
            address: reader.to_string(),
            available: u(1_000_000),
            needed: u(2_000_000),
        },
    );
}
