use cosmwasm_std::{DepsMut, Env, Response};
use farthing_types::escrow::MigrateMsg;

use crate::{ContractResult, CONTRACT_NAME, CONTRACT_VERSION};

/// Checks the stored contract name and that the stored version is not newer (semver),
/// then records the new version. No stored data has changed shape since 0.1.0.
pub fn migrate(deps: DepsMut, _env: Env, _msg: MigrateMsg) -> ContractResult {
    let from = cw2::ensure_from_older_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    Ok(Response::new()
        .add_attribute("action", "migrate")
        .add_attribute("from_version", from.to_string())
        .add_attribute("to_version", CONTRACT_VERSION))
}
