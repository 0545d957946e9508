import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { SUGGESTED_GAS } from "../src/gas";

const readme = readFileSync(resolve(__dirname, "../../../README.md"), "utf8");

function between(start: string, end: string): string {
  const a = readme.indexOf(start);
  const b = readme.indexOf(end);
  expect(a, start).toBeGreaterThanOrEqual(0);
  expect(b, end).toBeGreaterThan(a);
  return readme.slice(a + start.length, b);
}

describe("the README's dApp section", () => {
  it("shows the example that the e2e test runs, verbatim, in at most 20 lines", () => {
    const example = readFileSync(resolve(__dirname, "../examples/pay-and-open-channel.ts"), "utf8");
    expect(between("<!-- sdk-example:start -->", "<!-- sdk-example:end -->").trim()).toBe(
      "```ts\n" + example.trimEnd() + "\n```",
    );
    expect(example.trimEnd().split("\n").length).toBeLessThanOrEqual(20);
  });

  it("lists exactly the suggested gas limits of the SDK", () => {
    const rows = between("<!-- sdk-gas:start -->", "<!-- sdk-gas:end -->")
      .split("\n")
      .filter((l) => l.startsWith("| `") || /^\| [^-m]/.test(l))
      .map((l) => l.split("|").map((c) => c.trim()))
      .filter((c) => c[2]?.startsWith("`"));
    const table = Object.fromEntries(rows.map((c) => [c[2].replace(/`/g, ""), Number(c[3].replace(/,/g, ""))]));
    expect(table).toEqual(SUGGESTED_GAS);
  });
});
