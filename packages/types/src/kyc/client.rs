use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Addr, CustomQuery, QuerierWrapper, StdResult, Timestamp, Uint128};

use super::state::{POLICY, RECORDS};
use super::{
    check_recipient, check_sender, evaluate_transfer, Denial, GateRecord, PartyRole, Policy,
    QueryMsg, Verdict,
};

/// Typed client of a KYC registry.
///
/// The checks read the registry's storage with `WasmQuery::Raw` (one storage read per
/// party and one for the policy), never a contract call, in the manner of cw4's
/// `Cw4Contract::is_member`. They evaluate the same function as the registry's own
/// `CheckTransfer` query, so both give the same verdict.
#[cw_serde]
pub struct KycRegistry(pub Addr);

impl KycRegistry {
    pub fn addr(&self) -> &Addr {
        &self.0
    }

    /// Raw read of one record.
    pub fn record<Q: CustomQuery>(
        &self,
        querier: &QuerierWrapper<Q>,
        address: &Addr,
    ) -> StdResult<Option<GateRecord>> {
        RECORDS.query(querier, self.0.clone(), address)
    }

    /// Raw read of the policy.
    pub fn policy<Q: CustomQuery>(&self, querier: &QuerierWrapper<Q>) -> StdResult<Policy> {
        POLICY.query(querier, self.0.clone()).map(|p| p.0)
    }

    /// Verdict on a transfer, from raw reads (policy, sender, recipient).
    pub fn check_transfer<Q: CustomQuery>(
        &self,
        querier: &QuerierWrapper<Q>,
        now: Timestamp,
        from: &Addr,
        to: &Addr,
        amount: Uint128,
    ) -> StdResult<Verdict> {
        let policy = self.policy(querier)?;
        let from_rec = self.record(querier, from)?;
        let to_rec = self.record(querier, to)?;
        Ok(evaluate_transfer(
            &policy,
            now,
            from,
            from_rec.as_ref(),
            to,
            to_rec.as_ref(),
            amount,
        )
        .into())
    }

    /// May `party` send (or spend, with `role` = `Spender`) now? Raw reads.
    pub fn check_sender<Q: CustomQuery>(
        &self,
        querier: &QuerierWrapper<Q>,
        policy: &Policy,
        now: Timestamp,
        party: &Addr,
        role: PartyRole,
    ) -> StdResult<Result<GateRecord, Denial>> {
        let rec = self.record(querier, party)?;
        Ok(check_sender(policy, now, party, rec.as_ref(), role).cloned())
    }

    /// May `party` receive now? Raw reads.
    pub fn check_recipient<Q: CustomQuery>(
        &self,
        querier: &QuerierWrapper<Q>,
        policy: &Policy,
        now: Timestamp,
        party: &Addr,
    ) -> StdResult<Result<GateRecord, Denial>> {
        let rec = self.record(querier, party)?;
        Ok(check_recipient(policy, now, party, rec.as_ref()).cloned())
    }

    /// The registry's own `CheckTransfer` smart query (a contract call; costs more gas).
    pub fn query_check_transfer<Q: CustomQuery>(
        &self,
        querier: &QuerierWrapper<Q>,
        from: impl Into<String>,
        to: impl Into<String>,
        amount: Uint128,
    ) -> StdResult<Verdict> {
        querier.query_wasm_smart(
            self.0.clone(),
            &QueryMsg::CheckTransfer {
                from: from.into(),
                to: to.into(),
                amount,
            },
        )
    }
}
