//! 0.2.0: the escrow keeps what it owes per asset (`OWED`), so that funds sent to it outside
//! its messages can be told apart and swept (`SweepStray`).
//!
//! Earlier releases kept no such total: the migration computes it once from the stored
//! deals (what each still holds), royalty revenue less claims, and held payouts. Its cost
//! grows with the number of stored deals, splits and held payouts, once.

use std::collections::BTreeMap;

use cosmwasm_std::{Order, Storage, Uint128};

use crate::state::{deals, CLAIMED, HELD, OWED, REVENUE};
use crate::ContractResult;

pub fn migrate(storage: &mut dyn Storage) -> ContractResult<()> {
    let mut owed: BTreeMap<String, Uint128> = BTreeMap::new();
    let mut add = |key: String, amount: Uint128| -> ContractResult<()> {
        let total = owed.entry(key).or_default();
        *total = total.checked_add(amount)?;
        Ok(())
    };
    for item in deals().range(storage, None, None, Order::Ascending) {
        let (_, deal) = item?;
        add(deal.asset.key(), deal.remaining())?;
    }
    for item in REVENUE.range(storage, None, None, Order::Ascending) {
        let ((_, _, key), amount) = item?;
        add(key, amount)?;
    }
    for item in HELD.range(storage, None, None, Order::Ascending) {
        let ((_, key), amount) = item?;
        add(key, amount)?;
    }
    for item in CLAIMED.range(storage, None, None, Order::Ascending) {
        let ((_, key, _), amount) = item?;
        let total = owed.entry(key).or_default();
        *total = total.checked_sub(amount)?;
    }
    for (key, amount) in owed {
        OWED.save(storage, &key, &amount)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use cosmwasm_std::testing::mock_dependencies;
    use cosmwasm_std::{Addr, Timestamp, Uint128};
    use farthing_types::escrow::{AssetInfo, Deal, DealStatus, Milestone};

    use super::*;

    fn deal(id: u64, asset: AssetInfo, deposited: u128, to_payee: u128, to_payer: u128) -> Deal {
        Deal {
            id,
            payer: Addr::unchecked("payer"),
            payee: Addr::unchecked("payee"),
            arbiter: None,
            asset,
            deposited: Uint128::new(deposited),
            milestones: vec![Milestone {
                amount: Uint128::new(deposited),
                released: false,
            }],
            expires_at: Timestamp::from_seconds(1),
            status: DealStatus::Open,
            proposal: None,
            to_payee: Uint128::new(to_payee),
            to_payer: Uint128::new(to_payer),
        }
    }

    #[test]
    fn owed_is_deals_held_plus_revenue_less_claims_per_asset() {
        let mut deps = mock_dependencies();
        let s = deps.as_mut().storage;
        let native = AssetInfo::Native {
            denom: "ufar".into(),
        };
        let token = AssetInfo::Cw20 {
            address: Addr::unchecked("token"),
        };
        deals()
            .save(s, 1, &deal(1, native.clone(), 1_000, 300, 0))
            .unwrap();
        deals()
            .save(s, 2, &deal(2, token.clone(), 500, 0, 500))
            .unwrap();
        deals()
            .save(s, 3, &deal(3, token.clone(), 70, 0, 0))
            .unwrap();
        REVENUE
            .save(s, (1, 0, &token.key()), &Uint128::new(900))
            .unwrap();
        REVENUE
            .save(s, (1, 1, &token.key()), &Uint128::new(100))
            .unwrap();
        let a = Addr::unchecked("author");
        CLAIMED
            .save(s, ((1, 0), &token.key(), &a), &Uint128::new(450))
            .unwrap();
        HELD.save(s, (&a, &native.key()), &Uint128::new(11))
            .unwrap();
        migrate(s).unwrap();
        assert_eq!(OWED.load(s, &native.key()).unwrap(), Uint128::new(700 + 11));
        assert_eq!(
            OWED.load(s, &token.key()).unwrap(),
            Uint128::new(70 + 900 + 100 - 450)
        );
    }

    #[test]
    fn an_empty_escrow_owes_nothing() {
        let mut deps = mock_dependencies();
        migrate(deps.as_mut().storage).unwrap();
        assert_eq!(
            OWED.range(deps.as_ref().storage, None, None, Order::Ascending)
                .count(),
            0
        );
    }
}
