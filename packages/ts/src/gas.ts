// Suggested gas limits per message, from the benchmark (docs/BENCHMARKS.md: every row is a
// whole transaction's contract gas on the real VM, as wasmd 0.54+ charges it).
//
// limit = 1.3 x the measured contract gas + 50,000 for the transaction itself (the ante
// handler: signature check, 10 gas per transaction byte, account reads), rounded up to the
// next 10,000. A chain with other gas parameters needs other limits: simulate first where
// the chain allows it, and use these as the fallback or the ceiling.
// test/gas.test.ts recomputes every value from docs/BENCHMARKS.md, so they cannot drift.

/** Benchmark row each suggestion comes from: `operation` and `contract` columns. */
export const GAS_SOURCES = {
  transfer: ["transfer", "token (limits + window)"],
  transfer_from: ["transfer_from", "token (compliance on)"],
  pay: ["pay (with reference)", "token (compliance on)"],
  batch_transfer_100: ["batch_transfer, 100 recipients", "token (compliance on)"],
  open_channel: ["open_channel (secp256k1 key)", "token (compliance on)"],
  claim_and_close: ["claim + close, 1,000 vouchers (secp256k1)", "token (compliance on)"],
  claim_many_10: ["claim_many, 10 channels (ed25519 batch)", "token (compliance on)"],
  escrow_create_deal: ["escrow create_deal (native, 2 milestones)", "royalty-escrow"],
  escrow_release: [
    "escrow release refused by the token's gate (payout held by the reply)",
    "royalty-escrow",
  ],
  royalty_pay: ["royalty pay, 50 recipients", "royalty-escrow"],
  royalty_claim: ["royalty claim, 50 recipients", "royalty-escrow"],
  registry_upsert_100: ["registry: upsert 100 records", "kyc-registry"],
} as const;

export type GasKind = keyof typeof GAS_SOURCES;

/** The gas limit to give a transaction of one such message (see the header comment). */
export const SUGGESTED_GAS: Record<GasKind, number> = {
  transfer: 160_000,
  transfer_from: 180_000,
  pay: 160_000,
  batch_transfer_100: 1_000_000,
  open_channel: 190_000,
  claim_and_close: 190_000,
  claim_many_10: 540_000,
  escrow_create_deal: 210_000,
  escrow_release: 310_000,
  royalty_pay: 170_000,
  royalty_claim: 190_000,
  registry_upsert_100: 7_250_000,
};

/** The limit the formula gives for a measured contract gas. */
export function gasLimitFor(measuredContractGas: number): number {
  return Math.ceil((measuredContractGas * 1.3 + 50_000) / 10_000) * 10_000;
}

/** A fee for `kind` at `gasPrice` (in `denom` per unit of gas), for the generated clients' `fee` argument. */
export function suggestedFee(kind: GasKind, gasPrice: number, denom: string) {
  const gas = SUGGESTED_GAS[kind];
  return { amount: [{ denom, amount: Math.ceil(gas * gasPrice).toString() }], gas: gas.toString() };
}
