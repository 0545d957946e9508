//! Every balance-moving message of the token, as data, so that tests can run each
//! rule against each path.

use cosmwasm_std::{to_json_binary, Addr, HexBinary, Uint128};
use farthing_testing::Suite;
use farthing_types::token::{ExecuteMsg, Payout};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Path {
    Transfer,
    Send,
    TransferFrom,
    SendFrom,
    Burn,
    BurnFrom,
    Mint,
    BatchTransfer,
    Pay,
    ForcedTransfer,
    Recover,
    OpenChannel,
    TopUpChannel,
    Claim,
    ClaimMany,
    CloseChannel,
}

pub const ALL_PATHS: [Path; 16] = [
    Path::Transfer,
    Path::Send,
    Path::TransferFrom,
    Path::SendFrom,
    Path::Burn,
    Path::BurnFrom,
    Path::Mint,
    Path::BatchTransfer,
    Path::Pay,
    Path::ForcedTransfer,
    Path::Recover,
    Path::OpenChannel,
    Path::TopUpChannel,
    Path::Claim,
    Path::ClaimMany,
    Path::CloseChannel,
];

/// Which balance path a message takes, if any. The match has no catch-all arm: a new
/// message does not compile until it is classified here, and a new path is then in
/// `ALL_PATHS` and in every table below.
pub fn path_of(msg: &ExecuteMsg) -> Option<Path> {
    match msg {
        ExecuteMsg::Transfer { .. } => Some(Path::Transfer),
        ExecuteMsg::Send { .. } => Some(Path::Send),
        ExecuteMsg::TransferFrom { .. } => Some(Path::TransferFrom),
        ExecuteMsg::SendFrom { .. } => Some(Path::SendFrom),
        ExecuteMsg::Burn { .. } => Some(Path::Burn),
        ExecuteMsg::BurnFrom { .. } => Some(Path::BurnFrom),
        ExecuteMsg::Mint { .. } => Some(Path::Mint),
        ExecuteMsg::BatchTransfer { .. } => Some(Path::BatchTransfer),
        ExecuteMsg::Pay { .. } => Some(Path::Pay),
        ExecuteMsg::ForcedTransfer { .. } => Some(Path::ForcedTransfer),
        ExecuteMsg::Recover { .. } => Some(Path::Recover),
        ExecuteMsg::OpenChannel { .. } => Some(Path::OpenChannel),
        ExecuteMsg::TopUpChannel { .. } => Some(Path::TopUpChannel),
        ExecuteMsg::Claim { .. } => Some(Path::Claim),
        ExecuteMsg::ClaimMany { .. } => Some(Path::ClaimMany),
        ExecuteMsg::CloseChannel { .. } => Some(Path::CloseChannel),
        ExecuteMsg::IncreaseAllowance { .. }
        | ExecuteMsg::DecreaseAllowance { .. }
        | ExecuteMsg::UpdateMinter { .. }
        | ExecuteMsg::UpdateMarketing { .. }
        | ExecuteMsg::UploadLogo(_)
        | ExecuteMsg::Pause { .. }
        | ExecuteMsg::Unpause { .. }
        | ExecuteMsg::Freeze { .. }
        | ExecuteMsg::Unfreeze { .. }
        | ExecuteMsg::FreezeTokens { .. }
        | ExecuteMsg::UnfreezeTokens { .. }
        | ExecuteMsg::GrantRole { .. }
        | ExecuteMsg::RevokeRole { .. }
        | ExecuteMsg::SetRegistry { .. }
        | ExecuteMsg::SetSettlePeriod { .. }
        | ExecuteMsg::ExtendChannel { .. }
        | ExecuteMsg::StartClose { .. }
        | ExecuteMsg::UpdateOwnership(_) => None,
    }
}

/// The party slots a path checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    /// Whose balance goes down.
    Owner,
    Recipient,
    Spender,
}

pub fn slots(path: Path) -> &'static [Slot] {
    match path {
        Path::Transfer | Path::Send | Path::BatchTransfer | Path::Pay => {
            &[Slot::Owner, Slot::Recipient]
        }
        Path::TransferFrom | Path::SendFrom => &[Slot::Owner, Slot::Recipient, Slot::Spender],
        Path::Burn => &[Slot::Owner],
        Path::BurnFrom => &[Slot::Owner, Slot::Spender],
        Path::Mint => &[Slot::Recipient],
        // The agent skips the owner's compliance on purpose; the recipient is checked.
        Path::ForcedTransfer | Path::Recover => &[Slot::Recipient],
        // A lock is checked as a transfer from the payer to the payee.
        Path::OpenChannel | Path::TopUpChannel => &[Slot::Owner, Slot::Recipient],
        // A claim checks the payee, and the payer (whose expired KYC alone does not stop
        // the payments: see `expired_payer_may_still_pay`).
        Path::Claim | Path::ClaimMany => &[Slot::Owner, Slot::Recipient],
        // What a channel did not pay returns to its payer whatever the payer's status
        // (held as frozen tokens when the payer is stopped).
        Path::CloseChannel => &[],
    }
}

pub struct Parties<'a> {
    pub owner: &'a Addr,
    pub recipient: &'a Addr,
    pub spender: &'a Addr,
}

/// Secret of the session key that signs every test channel's vouchers.
pub const CHANNEL_SECRET: [u8; 32] = [0x44; 32];

/// A voucher of `channel` to `payee` for `cumulative`, signed with `CHANNEL_SECRET`.
pub fn voucher_signature(suite: &Suite, channel: u64, payee: &Addr, cumulative: u128) -> HexBinary {
    let v = farthing_voucher::Voucher {
        chain_id: suite.app.block_info().chain_id,
        token: suite.token.to_string(),
        channel_id: channel,
        payee: payee.to_string(),
        cumulative: Uint128::new(cumulative),
    };
    farthing_voucher::sign(farthing_voucher::KeyType::Ed25519, &CHANNEL_SECRET, &v).unwrap()
}

pub fn channel_signer() -> farthing_voucher::SignerKey {
    farthing_voucher::public_key(farthing_voucher::KeyType::Ed25519, &CHANNEL_SECRET).unwrap()
}

/// The id of the open channel from `payer` to `payee` (the first one).
pub fn channel_between(suite: &Suite, payer: &Addr, payee: &Addr) -> u64 {
    let r: farthing_types::token::ChannelsResponse =
        suite.query_token(&farthing_types::token::QueryMsg::Channels {
            by: farthing_types::token::ChannelsBy::Payer(payer.to_string()),
            start_after: None,
            limit: Some(30),
        });
    r.channels
        .into_iter()
        .find(|c| c.payee == *payee && !c.closed)
        .map(|c| c.id)
        .unwrap_or(0)
}

/// The executor and the message for `path`, moving `amount` of `owner`'s funds.
pub fn message(suite: &Suite, path: Path, p: &Parties, amount: u128) -> (Addr, ExecuteMsg) {
    let amount = Uint128::new(amount);
    let (owner, recipient) = (p.owner.to_string(), p.recipient.to_string());
    let reason = "court_order".to_string();
    let msg = match path {
        Path::Transfer => ExecuteMsg::Transfer { recipient, amount },
        Path::Send => ExecuteMsg::Send {
            contract: recipient,
            amount,
            msg: to_json_binary(&"pay").unwrap(),
        },
        Path::TransferFrom => ExecuteMsg::TransferFrom {
            owner,
            recipient,
            amount,
        },
        Path::SendFrom => ExecuteMsg::SendFrom {
            owner,
            contract: recipient,
            amount,
            msg: to_json_binary(&"pay").unwrap(),
        },
        Path::Burn => ExecuteMsg::Burn { amount },
        Path::BurnFrom => ExecuteMsg::BurnFrom { owner, amount },
        Path::Mint => ExecuteMsg::Mint { recipient, amount },
        Path::BatchTransfer => ExecuteMsg::BatchTransfer {
            transfers: vec![Payout { recipient, amount }],
        },
        Path::Pay => ExecuteMsg::Pay {
            recipient,
            amount,
            reference: "invoice-42".into(),
            travel_rule_ref: None::<HexBinary>,
        },
        Path::ForcedTransfer => ExecuteMsg::ForcedTransfer {
            from: owner,
            to: recipient,
            amount,
            reason,
            unfreeze: false,
        },
        Path::Recover => ExecuteMsg::Recover {
            lost: owner,
            new_address: recipient,
            reason,
        },
        Path::OpenChannel => ExecuteMsg::OpenChannel {
            payee: recipient,
            amount,
            expires_at: suite.now().plus_seconds(86_400),
            signer: channel_signer(),
            travel_rule_ref: None,
        },
        Path::TopUpChannel => ExecuteMsg::TopUpChannel {
            channel: channel_between(suite, p.owner, p.recipient),
            amount,
        },
        Path::Claim | Path::ClaimMany => {
            let channel = channel_between(suite, p.owner, p.recipient);
            let claimed: farthing_types::token::Channel =
                suite.query_token(&farthing_types::token::QueryMsg::Channel { channel });
            let cumulative = claimed.claimed + amount;
            let signature = voucher_signature(suite, channel, p.recipient, cumulative.u128());
            if path == Path::Claim {
                ExecuteMsg::Claim {
                    channel,
                    cumulative,
                    signature,
                    close: None,
                }
            } else {
                ExecuteMsg::ClaimMany {
                    claims: vec![farthing_types::token::ChannelClaim {
                        channel,
                        cumulative,
                        signature,
                    }],
                }
            }
        }
        Path::CloseChannel => ExecuteMsg::CloseChannel {
            channel: channel_between(suite, p.owner, p.recipient),
        },
    };
    assert_eq!(path_of(&msg), Some(path));
    let executor = match path {
        Path::TransferFrom | Path::SendFrom | Path::BurnFrom => p.spender.clone(),
        Path::Mint => suite.addr("minter"),
        Path::ForcedTransfer | Path::Recover => suite.addr("agent"),
        Path::Claim | Path::ClaimMany | Path::CloseChannel => p.recipient.clone(),
        _ => p.owner.clone(),
    };
    (executor, msg)
}
