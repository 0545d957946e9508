//! Micropayment messages: batch payouts and referenced payments.

use cosmwasm_std::{Addr, DepsMut, Env, HexBinary, MessageInfo, Response, Uint128};
use farthing_types::token::{
    events, Payout, MAX_BATCH_TRANSFERS, MAX_REFERENCE_LEN, TRAVEL_RULE_REF_LEN,
};

use super::cw20::transfer_own;
use crate::error::{ContractError, ContractResult};
use crate::ledger::{self, Movement};

pub fn batch_transfer(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    transfers: Vec<Payout>,
) -> ContractResult {
    if transfers.is_empty() {
        return Err(ContractError::EmptyBatch);
    }
    if transfers.len() > MAX_BATCH_TRANSFERS {
        return Err(ContractError::BatchTooLarge {
            size: transfers.len(),
            max: MAX_BATCH_TRANSFERS,
        });
    }
    let payouts = transfers
        .iter()
        .map(|p| Ok((deps.api.addr_validate(&p.recipient)?, p.amount)))
        .collect::<ContractResult<Vec<(Addr, Uint128)>>>()?;
    ledger::apply(
        deps,
        &env,
        Movement::Batch {
            from: &info.sender,
            payouts: &payouts,
        },
    )?;
    let total = payouts
        .iter()
        .try_fold(Uint128::zero(), |t, (_, a)| t.checked_add(*a))?;
    Ok(Response::new()
        .add_event(events::batch_transfer(&info.sender, payouts.len(), total))
        .add_attribute("action", "batch_transfer")
        .add_attribute("from", &info.sender)
        .add_attribute("count", payouts.len().to_string())
        .add_attribute("amount", total))
}

pub fn pay(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    recipient: String,
    amount: Uint128,
    reference: String,
    travel_rule_ref: Option<HexBinary>,
) -> ContractResult {
    if reference.is_empty() || reference.len() > MAX_REFERENCE_LEN {
        return Err(ContractError::InvalidReference {
            length: reference.len(),
            max: MAX_REFERENCE_LEN,
        });
    }
    if let Some(r) = &travel_rule_ref {
        check_travel_rule_ref(r)?;
    }
    let to = transfer_own(
        deps,
        &env,
        &info.sender,
        &recipient,
        amount,
        travel_rule_ref.is_some(),
    )?;
    Ok(Response::new()
        .add_event(events::payment(
            &info.sender,
            &to,
            amount,
            &reference,
            travel_rule_ref.as_ref(),
        ))
        .add_attribute("action", "pay")
        .add_attribute("from", info.sender)
        .add_attribute("to", recipient)
        .add_attribute("amount", amount))
}

/// A travel-rule reference is the 32-byte hash of the off-chain travel-rule message.
pub fn check_travel_rule_ref(r: &HexBinary) -> ContractResult<()> {
    if r.len() != TRAVEL_RULE_REF_LEN {
        return Err(ContractError::InvalidTravelRuleRef {
            length: r.len(),
            expected: TRAVEL_RULE_REF_LEN,
        });
    }
    Ok(())
}
