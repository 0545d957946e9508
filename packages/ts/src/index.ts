// @farthing/sdk: typed clients for the three Farthing contracts (generated from the
// committed schema by @cosmwasm/ts-codegen 1.14.1, on interchainjs), vouchers, session
// keys, the escrow's cw20 hook, suggested gas limits, parsed errors and event decoders, and
// payingFetch (the payer's side of farthing-gateway).

// Generated clients and message composers, and each contract's types as a namespace
// (the three contracts share type names such as ExecuteMsg and QueryMsg).
export * from "./generated/baseClient";
export * from "./generated/KycRegistry.client";
export * from "./generated/KycRegistry.message-composer";
export * from "./generated/MicropayToken.client";
export * from "./generated/MicropayToken.message-composer";
export * from "./generated/RoyaltyEscrow.client";
export * from "./generated/RoyaltyEscrow.message-composer";
export * as KycRegistryTypes from "./generated/KycRegistry.types";
export * as MicropayTokenTypes from "./generated/MicropayToken.types";
export * as RoyaltyEscrowTypes from "./generated/RoyaltyEscrow.types";
export * as RoyaltyEscrowHookTypes from "./generated/RoyaltyEscrowHook.types";

export * from "./voucher";
export * from "./session";
export * from "./hook";
export * from "./gas";
export * from "./events";
export * from "./errors";
export * from "./pay-fetch";
