use cosmwasm_std::{DepsMut, Env, Response};
use farthing_types::escrow::MigrateMsg;
use semver::Version;

use crate::state::OWED_KEPT;
use crate::{migrations, ContractResult, CONTRACT_NAME, CONTRACT_VERSION};

/// Checks the stored contract name and that the stored version is not newer (semver),
/// runs the conversion of every release after the stored one, then records the new version.
pub fn migrate(deps: DepsMut, _env: Env, _msg: MigrateMsg) -> ContractResult {
    let from = cw2::ensure_from_older_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    // The ledger of what the escrow owes: computed once for a store that does not keep it
    // (0.1.0, and builds that stored "0.2.0" before the ledger existed).
    if from < Version::new(0, 2, 0) || !OWED_KEPT.exists(deps.storage) {
        migrations::v0_2_0::migrate(deps.storage)?;
        OWED_KEPT.save(deps.storage, &true)?;
    }
    Ok(Response::new()
        .add_attribute("action", "migrate")
        .add_attribute("from_version", from.to_string())
        .add_attribute("to_version", CONTRACT_VERSION))
}
