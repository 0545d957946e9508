use cosmwasm_std::{DepsMut, Env, Response};
use farthing_types::escrow::MigrateMsg;

use crate::state::OWED_KEPT;
use crate::{migrations, ContractResult, CONTRACT_NAME, CONTRACT_VERSION};

/// Refuses, changing nothing, storage of another contract (`wrong_contract`), of a newer
/// release (`newer_version`, by semver) or with a version that is not semver
/// (`invalid_version`); runs the conversion of every release after the stored one, then
/// records the new version.
pub fn migrate(deps: DepsMut, _env: Env, _msg: MigrateMsg) -> ContractResult {
    let stored = cw2::get_contract_version(deps.storage)?;
    let from = farthing_types::migrate::upgrade_from(
        &stored.contract,
        &stored.version,
        CONTRACT_NAME,
        CONTRACT_VERSION,
    )?;
    // The ledger of what the escrow owes: computed once for a store that does not keep it
    // (0.1.0, and builds that stored "0.2.0" before the ledger existed). The marker, not the
    // version, decides: no release before the ledger wrote it.
    if !OWED_KEPT.exists(deps.storage) {
        migrations::v0_2_0::migrate(deps.storage)?;
        OWED_KEPT.save(deps.storage, &true)?;
    }
    if stored.version != CONTRACT_VERSION {
        cw2::set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    }
    Ok(Response::new()
        .add_attribute("action", "migrate")
        .add_attribute("from_version", from.to_string())
        .add_attribute("to_version", CONTRACT_VERSION))
}
