//! The micropayment token on cw-multi-test: cw20 parity with cw20-base, the compliance
//! gate on every balance path, issuer controls, micropayment features.

mod paths;
mod test_attacks;
mod test_channels;
mod test_cw20_parity;
mod test_events_exact;
mod test_gate;
mod test_issuer;
mod test_micropay;
mod test_review;

use farthing_micropay_token::ContractError;
use farthing_testing::Suite;

/// Runs a message that must fail, checks the typed error, and checks that the token's
/// balances, freezes, windows, supply and config are unchanged.
pub fn assert_token_rejected(
    suite: &mut Suite,
    run: impl FnOnce(&mut Suite) -> anyhow::Result<cw_multi_test::AppResponse>,
    expected: ContractError,
) {
    farthing_testing::assert_rejected_unchanged(suite, Suite::token_snapshot, run, expected);
}
