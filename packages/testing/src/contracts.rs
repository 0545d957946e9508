use cosmwasm_std::Empty;
use cw_multi_test::{Contract, ContractWrapper};

/// The KYC registry, wrapped for cw-multi-test.
pub fn kyc_registry_contract() -> Box<dyn Contract<Empty>> {
    use farthing_kyc_registry::contract;
    Box::new(
        ContractWrapper::new(contract::execute, contract::instantiate, contract::query)
            .with_migrate(contract::migrate),
    )
}
