use cosmwasm_std::{DepsMut, Env, Response};
use farthing_types::token::MigrateMsg;
use semver::Version;

use crate::{migrations, ContractResult, CONTRACT_NAME, CONTRACT_VERSION};

/// Checks the stored contract name and that the stored version is not newer (semver),
/// runs the conversion of every release after the stored one, then records the new version.
pub fn migrate(mut deps: DepsMut, env: Env, _msg: MigrateMsg) -> ContractResult {
    let from = cw2::ensure_from_older_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    if from < Version::new(0, 2, 0) {
        migrations::v0_2_0::migrate(deps.branch(), &env)?;
    }
    Ok(Response::new()
        .add_attribute("action", "migrate")
        .add_attribute("from_version", from.to_string())
        .add_attribute("to_version", CONTRACT_VERSION))
}
