export * from "./voucher";
