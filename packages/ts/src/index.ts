export * from "./voucher";
export * from "./session";
