//! `abci_query`: the gRPC query services a client reaches through CometBFT's ABCI query
//! (path = the gRPC method, data = the protobuf request), answered with protobuf
//! responses, and their errors as baseapp reports them (`gRPCErrorToSDKError`: a gRPC
//! `NotFound` as `ErrKeyNotFound` (38), `InvalidArgument` as `ErrInvalidRequest` (18), an
//! SDK or wasmd error as `ErrUnknownRequest` (6), each with the original text).

use cosmrs::proto::cosmos::auth::v1beta1::{QueryAccountRequest, QueryAccountResponse};
use cosmrs::proto::cosmos::bank::v1beta1::{
    QueryAllBalancesRequest, QueryAllBalancesResponse, QueryBalanceRequest, QueryBalanceResponse,
};
use cosmrs::proto::cosmos::base::abci::v1beta1::{GasInfo, Result as AbciResult};
use cosmrs::proto::cosmos::base::query::v1beta1::{PageRequest, PageResponse};
use cosmrs::proto::cosmos::base::v1beta1::Coin as ProtoCoin;
use cosmrs::proto::cosmos::tx::v1beta1::{SimulateRequest, SimulateResponse};
use cosmrs::proto::cosmwasm::wasm::v1::{
    AbsoluteTxPosition, AccessConfig, CodeInfoResponse, ContractInfo, QueryCodeRequest,
    QueryCodeResponse, QueryCodesRequest, QueryCodesResponse, QueryContractInfoRequest,
    QueryContractInfoResponse, QueryContractsByCodeRequest, QueryContractsByCodeResponse,
    QueryRawContractStateRequest, QueryRawContractStateResponse, QuerySmartContractStateRequest,
    QuerySmartContractStateResponse,
};
use cosmrs::proto::prost::Message;
use cosmwasm_std::{Addr, Coin, Event};
use farthing_vm::CallError;

use crate::chain::Chain;
use crate::errors::Failure;
use crate::msgs;

/// wasmd 0.54's `QueryCodeInfoRequest` (not in cosmos-sdk-proto 0.27).
#[derive(Clone, PartialEq, Message)]
pub struct QueryCodeInfoRequest {
    #[prost(uint64, tag = "1")]
    pub code_id: u64,
}

/// wasmd 0.54's `QueryCodeInfoResponse`.
#[derive(Clone, PartialEq, Message)]
pub struct QueryCodeInfoResponse {
    #[prost(uint64, tag = "1")]
    pub code_id: u64,
    #[prost(string, tag = "2")]
    pub creator: String,
    #[prost(bytes = "vec", tag = "3")]
    pub checksum: Vec<u8>,
    #[prost(message, optional, tag = "4")]
    pub instantiate_permission: Option<AccessConfig>,
}

/// The SDK's `query.DefaultLimit`.
const DEFAULT_LIMIT: u64 = 100;

/// A gRPC status error, as `gRPCErrorToSDKError` turns it into an SDK error.
fn status(code: &str, message: impl std::fmt::Display) -> Failure {
    let text = format!("rpc error: code = {code} desc = {message}");
    match code {
        "NotFound" => Failure::sdk(38, text),
        "InvalidArgument" | "FailedPrecondition" => Failure::sdk(18, text),
        "Unauthenticated" => Failure::sdk(4, text),
        _ => Failure::sdk(6, text),
    }
}

/// An SDK or wasmd error returned by a query handler: its gRPC code is `Unknown`, so it
/// comes back as `ErrUnknownRequest` wrapping its text.
fn handler_error(f: Failure) -> Failure {
    Failure::sdk(6, f.log)
}

/// A plain error (a bech32 error, a protobuf decoding error): `ErrInvalidRequest`.
fn plain_error(text: impl std::fmt::Display) -> Failure {
    Failure::sdk(18, text)
}

fn decode<M: Message + Default>(data: &[u8]) -> Result<M, Failure> {
    M::decode(data).map_err(plain_error)
}

fn address(chain: &Chain, text: &str) -> Result<String, Failure> {
    msgs::address(text, &chain.config.prefix)
        .map(|(a, _)| a)
        .map_err(|f| plain_error(f.log))
}

fn proto_coin(coin: &Coin) -> ProtoCoin {
    ProtoCoin {
        denom: coin.denom.clone(),
        amount: coin.amount.to_string(),
    }
}

/// Answers one query: the protobuf response, or the failure.
pub fn query(chain: &mut Chain, path: &str, data: &[u8]) -> Result<Vec<u8>, Failure> {
    match path {
        "/cosmos.auth.v1beta1.Query/Account" => {
            let req: QueryAccountRequest = decode(data)?;
            if req.address.is_empty() {
                return Err(status("InvalidArgument", "Address cannot be empty"));
            }
            let address = msgs::address(&req.address, &chain.config.prefix)
                .map_err(|f| status("InvalidArgument", format!("invalid address: {}", f.log)))?
                .0;
            let Some(account) = chain.state.accounts.get(&address) else {
                return Err(status(
                    "NotFound",
                    format!("account {} not found", req.address),
                ));
            };
            Ok(QueryAccountResponse {
                account: Some(account.to_any(&address)),
            }
            .encode_to_vec())
        }
        "/cosmos.bank.v1beta1.Query/Balance" => {
            let req: QueryBalanceRequest = decode(data)?;
            let address = msgs::address(&req.address, &chain.config.prefix)
                .map_err(|f| status("InvalidArgument", format!("invalid address: {}", f.log)))?
                .0;
            if req.denom.is_empty() {
                return Err(status("InvalidArgument", "invalid denom"));
            }
            let amount = chain
                .vm
                .balances(&Addr::unchecked(&address))
                .into_iter()
                .find(|c| c.denom == req.denom)
                .map_or(0, |c| c.amount.u128());
            Ok(QueryBalanceResponse {
                balance: Some(ProtoCoin {
                    denom: req.denom,
                    amount: amount.to_string(),
                }),
            }
            .encode_to_vec())
        }
        "/cosmos.bank.v1beta1.Query/AllBalances" => {
            let req: QueryAllBalancesRequest = decode(data)?;
            let address = msgs::address(&req.address, &chain.config.prefix)
                .map_err(|f| status("InvalidArgument", format!("invalid address: {}", f.log)))?
                .0;
            let balances: Vec<(Vec<u8>, ProtoCoin)> = chain
                .vm
                .balances(&Addr::unchecked(&address))
                .iter()
                .map(|c| (c.denom.as_bytes().to_vec(), proto_coin(c)))
                .collect();
            let (balances, pagination) = paginate(&balances, req.pagination)?;
            Ok(QueryAllBalancesResponse {
                balances,
                pagination: Some(pagination),
            }
            .encode_to_vec())
        }
        "/cosmos.tx.v1beta1.Service/Simulate" => {
            let req: SimulateRequest = decode(data)?;
            #[allow(deprecated)]
            let tx_bytes = if req.tx_bytes.is_empty() {
                match req.tx {
                    Some(tx) => tx.encode_to_vec(),
                    None => return Err(status("InvalidArgument", "empty txBytes is not allowed")),
                }
            } else {
                req.tx_bytes
            };
            match chain.simulate(&tx_bytes) {
                Ok(result) => Ok(SimulateResponse {
                    gas_info: Some(GasInfo {
                        gas_wanted: result.gas_wanted,
                        gas_used: result.gas_used,
                    }),
                    result: Some(AbciResult {
                        #[allow(deprecated)]
                        data: vec![],
                        log: String::new(),
                        events: result.events.iter().map(proto_event).collect(),
                        msg_responses: result.msg_responses,
                    }),
                }
                .encode_to_vec()),
                Err((failure, gas_used)) => Err(status(
                    "Unknown",
                    format!(
                        "{} With gas wanted: '{}' and gas used: '{gas_used}' ",
                        failure.log,
                        u64::MAX
                    ),
                )),
            }
        }
        "/cosmwasm.wasm.v1.Query/SmartContractState" => {
            let req: QuerySmartContractStateRequest = decode(data)?;
            if serde_json::from_slice::<serde::de::IgnoredAny>(&req.query_data).is_err() {
                return Err(status("InvalidArgument", "invalid query data"));
            }
            let contract = address(chain, &req.address)?;
            if !chain.state.contracts.contains_key(&contract) {
                return Err(handler_error(Failure::wasm(
                    22,
                    format!("address {contract}"),
                )));
            }
            let answer = chain
                .vm
                .query_raw_with_gas(&Addr::unchecked(&contract), &req.query_data);
            match answer {
                Ok((data, _)) => Ok(QuerySmartContractStateResponse {
                    data: data.to_vec(),
                }
                .encode_to_vec()),
                Err(CallError::Contract(m)) => Err(handler_error(Failure::wasm(9, m))),
                Err(CallError::Vm(m)) if m.contains("Ran out of gas") => {
                    Err(handler_error(Failure::sdk(
                        11,
                        format!(
                            "out of gas in location: wasm contract; gasWanted: {}",
                            crate::chain::QUERY_GAS_LIMIT
                        ),
                    )))
                }
                Err(e) => Err(handler_error(Failure::wasm(29, e.message()))),
            }
        }
        "/cosmwasm.wasm.v1.Query/RawContractState" => {
            let req: QueryRawContractStateRequest = decode(data)?;
            let contract = address(chain, &req.address)?;
            if !chain.state.contracts.contains_key(&contract) {
                return Err(handler_error(Failure::wasm(
                    22,
                    format!("address {contract}"),
                )));
            }
            let value = chain
                .vm
                .raw(&Addr::unchecked(&contract), &req.query_data)
                .map_err(|e| handler_error(Failure::wasm(29, e.message())))?
                .unwrap_or_default();
            Ok(QueryRawContractStateResponse { data: value }.encode_to_vec())
        }
        "/cosmwasm.wasm.v1.Query/ContractInfo" => {
            let req: QueryContractInfoRequest = decode(data)?;
            let contract = address(chain, &req.address)?;
            let Some(meta) = chain.state.contracts.get(&contract) else {
                return Err(handler_error(Failure::wasm(
                    22,
                    format!("address {contract}"),
                )));
            };
            Ok(QueryContractInfoResponse {
                address: contract.clone(),
                contract_info: Some(ContractInfo {
                    code_id: meta.code_id,
                    creator: meta.creator.clone(),
                    admin: meta.admin.clone(),
                    label: meta.label.clone(),
                    created: Some(AbsoluteTxPosition {
                        block_height: meta.created.0,
                        tx_index: meta.created.1,
                    }),
                    ibc_port_id: String::new(),
                    extension: None,
                }),
            }
            .encode_to_vec())
        }
        "/cosmwasm.wasm.v1.Query/Code" => {
            let req: QueryCodeRequest = decode(data)?;
            let info = code_info(chain, req.code_id)?;
            let wasm = chain
                .vm
                .code_bytes(req.code_id)
                .map_err(|e| handler_error(Failure::wasm(29, e.message())))?;
            Ok(QueryCodeResponse {
                code_info: Some(info),
                data: wasm,
            }
            .encode_to_vec())
        }
        "/cosmwasm.wasm.v1.Query/CodeInfo" => {
            let req: QueryCodeInfoRequest = decode(data)?;
            let info = code_info(chain, req.code_id)?;
            Ok(QueryCodeInfoResponse {
                code_id: info.code_id,
                creator: info.creator,
                checksum: info.data_hash,
                instantiate_permission: info.instantiate_permission,
            }
            .encode_to_vec())
        }
        "/cosmwasm.wasm.v1.Query/Codes" => {
            let req: QueryCodesRequest = decode(data)?;
            let codes: Vec<(Vec<u8>, u64)> = (1..=chain.state.codes.len() as u64)
                .map(|id| (id.to_be_bytes().to_vec(), id))
                .collect();
            let (ids, pagination) = paginate(&codes, req.pagination)?;
            let code_infos = ids
                .into_iter()
                .map(|id| code_info(chain, id))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(QueryCodesResponse {
                code_infos,
                pagination: Some(pagination),
            }
            .encode_to_vec())
        }
        "/cosmwasm.wasm.v1.Query/ContractsByCode" => {
            let req: QueryContractsByCodeRequest = decode(data)?;
            if req.code_id == 0 {
                return Err(handler_error(Failure::wasm(14, "code id")));
            }
            let mut contracts: Vec<(Vec<u8>, String)> = chain
                .state
                .contracts
                .iter()
                .filter(|(_, m)| m.code_id == req.code_id)
                .map(|(a, m)| {
                    let mut key = m.order.to_be_bytes().to_vec();
                    key.extend_from_slice(a.as_bytes());
                    (key, a.clone())
                })
                .collect();
            contracts.sort();
            let (contracts, pagination) = paginate(&contracts, req.pagination)?;
            Ok(QueryContractsByCodeResponse {
                contracts,
                pagination: Some(pagination),
            }
            .encode_to_vec())
        }
        _ => Err(Failure::sdk(6, "unknown query path")),
    }
}

fn code_info(chain: &Chain, code_id: u64) -> Result<CodeInfoResponse, Failure> {
    if code_id == 0 {
        return Err(handler_error(Failure::wasm(14, "code id")));
    }
    let Some(code) = chain.state.codes.get(code_id as usize - 1) else {
        return Err(handler_error(Failure::wasm(
            28,
            format!("code id {code_id}"),
        )));
    };
    Ok(CodeInfoResponse {
        code_id,
        creator: code.creator.clone(),
        data_hash: code.checksum.to_vec(),
        instantiate_permission: Some(code.permission.clone()),
    })
}

/// The SDK's `query.Paginate` over items sorted by key: a key or an offset (not both), a
/// limit (100 when none, and then the total is counted), reverse order.
fn paginate<T: Clone>(
    items: &[(Vec<u8>, T)],
    page: Option<PageRequest>,
) -> Result<(Vec<T>, PageResponse), Failure> {
    let page = page.unwrap_or_default();
    if !page.key.is_empty() && page.offset > 0 {
        return Err(status(
            "InvalidArgument",
            "invalid request, either offset or key is expected, got both",
        ));
    }
    let (mut limit, mut count_total) = (page.limit, page.count_total);
    if limit == 0 {
        limit = DEFAULT_LIMIT;
        count_total = true;
    }
    let ordered: Vec<&(Vec<u8>, T)> = if page.reverse {
        items.iter().rev().collect()
    } else {
        items.iter().collect()
    };
    let start = if page.key.is_empty() {
        page.offset as usize
    } else if page.reverse {
        ordered
            .iter()
            .position(|(k, _)| *k <= page.key)
            .unwrap_or(ordered.len())
    } else {
        ordered
            .iter()
            .position(|(k, _)| *k >= page.key)
            .unwrap_or(ordered.len())
    };
    let end = start.saturating_add(limit as usize).min(ordered.len());
    let start = start.min(end);
    let chosen = ordered[start..end].iter().map(|(_, v)| v.clone()).collect();
    let next_key = ordered.get(end).map(|(k, _)| k.clone()).unwrap_or_default();
    let total = if count_total && page.key.is_empty() {
        items.len() as u64
    } else {
        0
    };
    Ok((chosen, PageResponse { next_key, total }))
}

/// An event as the ABCI protobuf carries it (CometBFT 0.38: strings, indexed).
pub fn proto_event(e: &Event) -> cosmrs::proto::tendermint::abci::Event {
    cosmrs::proto::tendermint::abci::Event {
        r#type: e.ty.clone(),
        attributes: e
            .attributes
            .iter()
            .map(|a| cosmrs::proto::tendermint::abci::EventAttribute {
                key: a.key.clone(),
                value: a.value.clone(),
                index: true,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(n: u64) -> Vec<(Vec<u8>, u64)> {
        (1..=n).map(|i| (i.to_be_bytes().to_vec(), i)).collect()
    }

    #[test]
    fn pages_follow_the_sdk() {
        let all = items(5);
        let (first, page) = paginate(
            &all,
            Some(PageRequest {
                limit: 2,
                ..PageRequest::default()
            }),
        )
        .unwrap();
        assert_eq!(first, vec![1, 2]);
        assert_eq!(page.next_key, 3u64.to_be_bytes().to_vec());
        assert_eq!(page.total, 0);
        let (second, page) = paginate(
            &all,
            Some(PageRequest {
                key: page.next_key,
                limit: 2,
                ..PageRequest::default()
            }),
        )
        .unwrap();
        assert_eq!(second, vec![3, 4]);
        let (last, page) = paginate(
            &all,
            Some(PageRequest {
                key: page.next_key,
                limit: 2,
                ..PageRequest::default()
            }),
        )
        .unwrap();
        assert_eq!(last, vec![5]);
        assert!(page.next_key.is_empty());
        let (everything, page) = paginate(&all, None).unwrap();
        assert_eq!(everything.len(), 5);
        assert_eq!(page.total, 5);
        let (reversed, _) = paginate(
            &all,
            Some(PageRequest {
                limit: 2,
                reverse: true,
                offset: 1,
                ..PageRequest::default()
            }),
        )
        .unwrap();
        assert_eq!(reversed, vec![4, 3]);
    }
}
