use cosmwasm_std::{DepsMut, Env, Response};
use farthing_types::kyc::MigrateMsg;

use crate::{ContractResult, CONTRACT_NAME, CONTRACT_VERSION};

/// Refuses, changing nothing, storage of another contract (`wrong_contract`), of a newer
/// release (`newer_version`, by semver) or with a version that is not semver
/// (`invalid_version`); then records the new version. No stored data has changed shape since 0.1.0; a future
/// change adds a `migrations/vX_Y_Z.rs` step here.
pub fn migrate(deps: DepsMut, _env: Env, _msg: MigrateMsg) -> ContractResult {
    let stored = cw2::get_contract_version(deps.storage)?;
    let from = farthing_types::migrate::upgrade_from(
        &stored.contract,
        &stored.version,
        CONTRACT_NAME,
        CONTRACT_VERSION,
    )?;
    if stored.version != CONTRACT_VERSION {
        cw2::set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    }
    Ok(Response::new()
        .add_attribute("action", "migrate")
        .add_attribute("from_version", from.to_string())
        .add_attribute("to_version", CONTRACT_VERSION))
}
