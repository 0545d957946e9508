import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { GAS_SOURCES, SUGGESTED_GAS, gasLimitFor, suggestedFee, type GasKind } from "../src/gas";

const benchmarks = readFileSync(resolve(__dirname, "../../../docs/BENCHMARKS.md"), "utf8");

/** The "est. SDK gas" column of the benchmark row with this operation and contract. */
function measured(operation: string, contract: string): number {
  const header = benchmarks.split("\n").find((l) => l.startsWith("| operation |"));
  if (!header) throw new Error("no benchmark table in docs/BENCHMARKS.md");
  const column = header.split("|").map((c) => c.trim()).indexOf("est. SDK gas");
  const row = benchmarks
    .split("\n")
    .map((l) => l.split("|").map((c) => c.trim()))
    .find((cells) => cells[1] === operation && cells[2] === contract);
  if (!row) throw new Error(`no benchmark row "${operation}" / "${contract}"`);
  return Number(row[column].replace(/,/g, ""));
}

describe("suggested gas limits", () => {
  it("are the formula applied to the benchmark's current numbers", () => {
    for (const [kind, [operation, contract]] of Object.entries(GAS_SOURCES)) {
      const gas = measured(operation, contract);
      expect(gas, `${operation} / ${contract}`).toBeGreaterThan(50_000);
      expect(SUGGESTED_GAS[kind as GasKind], kind).toBe(gasLimitFor(gas));
    }
    expect(Object.keys(SUGGESTED_GAS).sort()).toEqual(Object.keys(GAS_SOURCES).sort());
  });

  it("round up to the next 10,000 after the margin", () => {
    expect(gasLimitFor(0)).toBe(50_000);
    expect(gasLimitFor(100_000)).toBe(180_000);
    expect(gasLimitFor(100_001)).toBe(190_000);
  });

  it("build a fee for the generated clients", () => {
    expect(suggestedFee("transfer", 0.025, "ufar")).toEqual({
      amount: [{ denom: "ufar", amount: String(Math.ceil(SUGGESTED_GAS.transfer * 0.025)) }],
      gas: String(SUGGESTED_GAS.transfer),
    });
  });
});
