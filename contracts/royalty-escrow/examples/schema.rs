use cosmwasm_schema::{export_schema, schema_for, write_api};
use farthing_types::escrow::{ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg, ReceiveMsg};

fn main() {
    write_api! {
        instantiate: InstantiateMsg,
        execute: ExecuteMsg,
        query: QueryMsg,
        migrate: MigrateMsg,
    }
    // The cw20 hook: the `msg` of a token's `Send` to the escrow (base64 JSON). The API
    // file has no slot for it, so it is written beside the other raw message schemas.
    let raw = std::env::current_dir()
        .expect("current dir")
        .join("schema")
        .join("raw");
    export_schema(&schema_for!(ReceiveMsg), &raw);
}
