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
}

pub const ALL_PATHS: [Path; 11] = [
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
    }
}

pub struct Parties<'a> {
    pub owner: &'a Addr,
    pub recipient: &'a Addr,
    pub spender: &'a Addr,
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
    };
    assert_eq!(path_of(&msg), Some(path));
    let executor = match path {
        Path::TransferFrom | Path::SendFrom | Path::BurnFrom => p.spender.clone(),
        Path::Mint => suite.addr("minter"),
        Path::ForcedTransfer | Path::Recover => suite.addr("agent"),
        _ => p.owner.clone(),
    };
    (executor, msg)
}
