//! 0.2.0: channel and freeze deadlines move by the time the token is paused.
//!
//! New stored fields all default to "nothing happened yet" (`Config` without a pause clock,
//! `Account` without a freeze clock, `Channel` without a travel-rule reference or stop
//! mark), so existing data reads as it is. One case needs a write: a token paused under an
//! earlier version has no `paused_at`, and without one the pause clock would not run for
//! the rest of that pause. The clock starts at the migration.

use cosmwasm_std::{Env, Storage};

use crate::state::CONFIG;
use crate::ContractResult;

pub fn migrate(storage: &mut dyn Storage, env: &Env) -> ContractResult<()> {
    let mut config = CONFIG.load(storage)?;
    if config.paused && config.paused_at.is_none() {
        config.paused_at = Some(env.block.time.seconds());
        CONFIG.save(storage, &config)?;
    }
    Ok(())
}
