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

/// The micropayment token, wrapped for cw-multi-test.
pub fn micropay_token_contract() -> Box<dyn Contract<Empty>> {
    use farthing_micropay_token::contract;
    Box::new(
        ContractWrapper::new(contract::execute, contract::instantiate, contract::query)
            .with_migrate(contract::migrate),
    )
}

/// cw20-base 2.0, the reference the token must match.
pub fn cw20_base_contract() -> Box<dyn Contract<Empty>> {
    use cw20_base::contract;
    Box::new(ContractWrapper::new(
        contract::execute,
        contract::instantiate,
        contract::query,
    ))
}

/// A contract that accepts any cw20 `Receive` callback (and refuses when the message
/// is `"fail"`), to test `Send` and `SendFrom`.
pub fn cw20_receiver_contract() -> Box<dyn Contract<Empty>> {
    use cosmwasm_std::{
        to_json_binary, Binary, Deps, DepsMut, Env, MessageInfo, Response, StdError, StdResult,
    };

    #[cosmwasm_schema::cw_serde]
    enum ReceiverMsg {
        Receive(cw20::Cw20ReceiveMsg),
    }

    fn execute(_: DepsMut, _: Env, info: MessageInfo, msg: ReceiverMsg) -> StdResult<Response> {
        let ReceiverMsg::Receive(r) = msg;
        if r.msg.as_slice() == b"\"fail\"" {
            return Err(StdError::generic_err("receiver refused"));
        }
        Ok(Response::new()
            .add_attribute("received_from", r.sender)
            .add_attribute("received_amount", r.amount)
            .add_attribute("token", info.sender))
    }
    fn instantiate(_: DepsMut, _: Env, _: MessageInfo, _: Empty) -> StdResult<Response> {
        Ok(Response::new())
    }
    fn query(_: Deps, _: Env, _: Empty) -> StdResult<Binary> {
        to_json_binary(&Empty {})
    }
    Box::new(ContractWrapper::new(execute, instantiate, query))
}

/// The royalty/escrow contract, wrapped for cw-multi-test.
pub fn royalty_escrow_contract() -> Box<dyn Contract<Empty>> {
    use farthing_royalty_escrow::contract;
    Box::new(
        ContractWrapper::new(contract::execute, contract::instantiate, contract::query)
            .with_reply(contract::reply)
            .with_migrate(contract::migrate),
    )
}
