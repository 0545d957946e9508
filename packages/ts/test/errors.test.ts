import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

import {
  DENIAL_CODES,
  ERROR_CODES,
  ESCROW_ERROR_CODES,
  REFUSAL_CODES,
  REGISTRY_ERROR_CODES,
  TOKEN_ERROR_CODES,
  VOUCHER_ERROR_CODES,
  explainVerdict,
  isDenial,
  isRefusalCode,
  parseError,
  parseTag,
  type RefusalCode,
} from "../src";

const REPO = resolve(__dirname, "../../..");
const read = (path: string) => readFileSync(resolve(REPO, path), "utf8");
const sorted = (xs: Iterable<string>) => [...new Set(xs)].sort();

/** The `[code=...]` tags of an error enum's messages (its test module excluded). */
function messageCodes(source: string): string[] {
  const body = source.split("#[cfg(test)]")[0]!;
  return [...body.matchAll(/#\[error\(\s*"\[code=([a-z0-9_]+)[\] ]/g)].map((m) => m[1]!);
}

/** The codes of a `code()` / `as_str()` table: `Variant .. => "code"` arms. */
function tableCodes(source: string, enumName: string): string[] {
  const body = source.split("#[cfg(test)]")[0]!;
  const arm = new RegExp(
    `${enumName}::\\w+(?: \\{ \\.\\. \\}| ?\\(\\.\\.\\))? => "([a-z0-9_]+)"`,
    "g"
  );
  return [...body.matchAll(arm)].map((m) => m[1]!);
}

const CONTRACT_SOURCES = {
  "kyc-registry": read("contracts/kyc-registry/src/error.rs"),
  "micropay-token": read("contracts/micropay-token/src/error.rs"),
  "royalty-escrow": read("contracts/royalty-escrow/src/error.rs"),
};

describe("the code lists are the contracts' codes", () => {
  it("each contract's list is its error enum's codes, by message and by code() table", () => {
    const lists = {
      "kyc-registry": REGISTRY_ERROR_CODES,
      "micropay-token": TOKEN_ERROR_CODES,
      "royalty-escrow": ESCROW_ERROR_CODES,
    };
    for (const [contract, source] of Object.entries(CONTRACT_SOURCES)) {
      const fromMessages = messageCodes(source);
      const fromTable = tableCodes(source, "Self");
      expect(fromMessages.length, contract).toBeGreaterThan(20);
      // The two halves of error.rs agree, and the list is exactly them.
      expect(sorted(fromTable), contract).toEqual(sorted(fromMessages));
      expect(sorted(lists[contract as keyof typeof lists]), contract).toEqual(sorted(fromMessages));
    }
  });

  it("the denial codes are DenialCode's, the voucher codes VoucherError's", () => {
    expect(sorted(DENIAL_CODES)).toEqual(
      sorted(tableCodes(read("packages/types/src/kyc/verdict.rs"), "DenialCode"))
    );
    expect(sorted(VOUCHER_ERROR_CODES)).toEqual(
      sorted(tableCodes(read("packages/voucher/src/lib.rs"), "VoucherError"))
    );
    expect(DENIAL_CODES).toHaveLength(12);
    expect(VOUCHER_ERROR_CODES).toHaveLength(5);
  });

  it("the only messages without a literal code are the denial and the voucher forms", () => {
    for (const source of Object.values(CONTRACT_SOURCES)) {
      const body = source.split("#[cfg(test)]")[0]!;
      const dynamic = [...body.matchAll(/"\[code=\{\}[^"]*"/g)].map((m) => m[0]);
      for (const d of dynamic) {
        expect([
          '"[code={} role={} party={}] refused by compliance: {}"',
          '"[code={}] invalid voucher: {0}"',
        ]).toContain(d);
      }
    }
    // The token answers both forms; the escrow only the denial one.
    expect(CONTRACT_SOURCES["micropay-token"]).toContain(
      "InvalidVoucher(#[from] farthing_voucher::VoucherError)"
    );
    expect(CONTRACT_SOURCES["royalty-escrow"]).not.toContain("InvalidVoucher");
    expect(CONTRACT_SOURCES["kyc-registry"]).not.toContain("Denied(");
  });

  it("the README's Error codes section lists each contract's codes, no more, no fewer", () => {
    const readme = read("README.md");
    const section = readme.slice(readme.indexOf("## Error codes"));
    const paragraph = (title: string) => {
      const start = section.indexOf(`**${title}**`);
      expect(start, title).toBeGreaterThan(0);
      const end = section.indexOf("\n\n", start);
      const text = section.slice(start, end < 0 ? undefined : end);
      return sorted(
        text
          .split("`")
          .filter((_, i) => i % 2 === 1)
          .filter((s) => /^[a-z0-9_]+$/.test(s))
      );
    };
    expect(paragraph("Compliance refusals")).toEqual(sorted(DENIAL_CODES));
    expect(paragraph("Token")).toEqual(sorted([...TOKEN_ERROR_CODES, ...VOUCHER_ERROR_CODES]));
    expect(paragraph("Escrow")).toEqual(sorted(ESCROW_ERROR_CODES));
    expect(paragraph("Registry")).toEqual(sorted(REGISTRY_ERROR_CODES));
  });

  it("RefusalCode is every code once", () => {
    const all = sorted([
      ...DENIAL_CODES,
      ...REGISTRY_ERROR_CODES,
      ...TOKEN_ERROR_CODES,
      ...VOUCHER_ERROR_CODES,
      ...ESCROW_ERROR_CODES,
    ]);
    expect(sorted(REFUSAL_CODES)).toEqual(all);
    expect(REFUSAL_CODES).toHaveLength(all.length);
    const code: RefusalCode = "high_s";
    expect(isRefusalCode(code)).toBe(true);
    expect(isRefusalCode("no_such_code")).toBe(false);
  });
});

// Real messages, as the contracts format them (error.rs, verdict.rs) and wasmd wraps them.
const ALICE = "wasm1alice7x5d0v3gkq8f2wz6n4c9m0e3h7t5r2y8u4p6l1s";
const BOB = "wasm1bob0q3w5e7r9t1y3u5i7o9p1a3s5d7f9g1h3j5k7l9zx";
const wrap = (error: string) =>
  `failed to execute message; message index: 0: ${error}: execute wasm contract failed`;

const travelRule =
  `[code=travel_rule role=recipient party=${BOB}] refused by compliance: amount 5000 is at or ` +
  `above the travel-rule threshold 1000; recipient ${BOB} has KYC tier 1 but tier 2 is required`;
const insufficient = `[code=insufficient_funds] address ${ALICE} has 1 available (balance minus frozen), 5 needed`;

describe("parseTag is farthing_types::errors::parse", () => {
  it("the cases of the Rust unit test", () => {
    const log =
      "failed to execute message; message index: 0: [code=insufficient_funds] " +
      "address a has 1 available: execute wasm contract failed";
    expect(parseTag(log)).toEqual({
      code: "insufficient_funds",
      message: "address a has 1 available: execute wasm contract failed",
    });
    expect(
      parseTag("[code=travel_rule role=recipient party=cosmwasm1xyz] refused by compliance: x")
    ).toEqual({
      code: "travel_rule",
      role: "recipient",
      party: "cosmwasm1xyz",
      message: "refused by compliance: x",
    });
    expect(parseTag("no tag here")).toBeUndefined();
    expect(parseTag("[code=] x")).toBeUndefined();
    expect(parseTag("[code=Bad-Code] x")).toBeUndefined();
    expect(parseTag("[code=x other=y] x")).toBeUndefined();
  });

  it("the edges: the first tag only, single spaces, an unclosed tag, Rust's whitespace", () => {
    // Only the first tag counts, even when it is invalid.
    expect(parseTag("[code=Bad] x [code=good] y")).toBeUndefined();
    expect(parseTag("[code=a] x [code=b] y")).toEqual({ code: "a", message: "x [code=b] y" });
    expect(parseTag("[code=a  role=sender] x")).toBeUndefined(); // an empty field
    expect(parseTag("[code=a role] x")).toBeUndefined(); // a field without `=`
    expect(parseTag("[code=a")).toBeUndefined();
    expect(parseTag("[code=a]")).toEqual({ code: "a", message: "" });
    expect(parseTag("[code=a=b] x")).toBeUndefined(); // `=` is not a code character
    expect(parseTag("[code=a role=x=y] m")).toEqual({ code: "a", role: "x=y", message: "m" });
    expect(parseTag("[code=a code=b] m")).toEqual({ code: "b", message: "m" }); // the last wins
    // str::trim_start: Unicode White_Space (U+0085 yes, U+FEFF no).
    expect(parseTag("[code=a]\u0085\u3000 m")?.message).toBe("m");
    expect(parseTag("[code=a]\ufeffm")?.message).toBe("\ufeffm");
  });
});

describe("parseError", () => {
  it("a compliance refusal in a failed transaction's raw log", () => {
    expect(parseError(wrap(travelRule))).toEqual({
      code: "travel_rule",
      role: "recipient",
      party: BOB,
      message:
        `refused by compliance: amount 5000 is at or above the travel-rule threshold 1000; ` +
        `recipient ${BOB} has KYC tier 1 but tier 2 is required`,
    });
  });

  it("a plain refusal names the contract whose code it is", () => {
    expect(parseError({ rawLog: wrap(insufficient) })).toEqual({
      code: "insufficient_funds",
      message: `address ${ALICE} has 1 available (balance minus frozen), 5 needed`,
      contract: "micropay-token",
    });
    expect(
      parseError(
        wrap(
          "[code=high_s] invalid voucher: high-S secp256k1 signature refused (use the low-S form)"
        )
      )
    ).toEqual({
      code: "high_s",
      message: "invalid voucher: high-S secp256k1 signature refused (use the low-S form)",
      contract: "micropay-token",
    });
    expect(
      parseError(wrap(`[code=not_officer] ${ALICE} is not a compliance officer of this registry`))
    ).toEqual({
      code: "not_officer",
      message: `${ALICE} is not a compliance officer of this registry`,
      contract: "kyc-registry",
    });
    const held =
      `[code=held_not_resolvable] held funds of ${ALICE} are not for the owner to resolve ` +
      `(suspended): only a revoked or jurisdiction-blocked address's are; the address claims them itself`;
    expect(parseError({ log: wrap(held) })?.contract).toBe("royalty-escrow");
    // Codes several contracts share name none.
    expect(parseError(wrap("[code=expired] Allowance is expired"))).toEqual({
      code: "expired",
      message: "Allowance is expired",
    });
    expect(
      parseError(wrap("[code=std] Generic error: Invalid input: human address too short"))?.contract
    ).toBe(undefined);
  });

  it("reads an Error, its cause, result objects, and a simulation failure", () => {
    const broadcast = new Error(
      `Broadcasting transaction failed with code 5 (codespace: wasm). Log: ${wrap(
        "[code=paused] the token is paused: no balance can move until it is unpaused"
      )}`
    );
    const paused = {
      code: "paused",
      message: "the token is paused: no balance can move until it is unpaused",
      contract: "micropay-token",
    };
    expect(parseError(broadcast)).toEqual(paused);
    expect(parseError(new Error("simulation failed", { cause: broadcast }))).toEqual(paused);
    expect(parseError({ txResponse: { code: 5, rawLog: wrap(insufficient) } })?.code).toBe(
      "insufficient_funds"
    );
    const simulate =
      "rpc error: code = Unknown desc = failed to execute message; message index: 0: " +
      "[code=channel_closed] channel 7 is closed: execute wasm contract failed " +
      "[CosmWasm/wasmd@v0.54.0/x/wasm/keeper/keeper.go:418] With gas wanted: '300000000' " +
      "and gas used: '112014' : unknown request";
    expect(parseError(simulate)).toEqual({
      code: "channel_closed",
      message: "channel 7 is closed",
      contract: "micropay-token",
    });
    // A refusal inside a sub-message: wasmd wraps it once per level.
    const nested =
      "failed to execute message; message index: 0: dispatch: submessages: " +
      `[code=token_not_accepted] cw20 token ${ALICE} is not accepted here: ` +
      "execute wasm contract failed: execute wasm contract failed";
    expect(parseError(nested)).toEqual({
      code: "token_not_accepted",
      message: `cw20 token ${ALICE} is not accepted here`,
      contract: "royalty-escrow",
    });
  });

  it("undefined for what is not a contract's refusal", () => {
    expect(
      parseError(
        "out of gas in location: WritePerByte; gasWanted: 200000, gasUsed: 201234: out of gas"
      )
    ).toBeUndefined();
    expect(
      parseError(
        new Error("account sequence mismatch, expected 5, got 4: incorrect account sequence")
      )
    ).toBeUndefined();
    expect(parseError(undefined)).toBeUndefined();
    expect(parseError(42)).toBeUndefined();
    expect(parseError({ code: 5 })).toBeUndefined();
  });

  it("isDenial tells the denial form from a plain error with the same code", () => {
    const denial = parseError(wrap(travelRule))!;
    const plain = parseError(wrap(insufficient))!;
    expect(isDenial(denial)).toBe(true);
    expect(isDenial(plain)).toBe(false);
    expect(isDenial("insufficient_funds")).toBe(true); // also a compliance code
    expect(isDenial("transfer_refused")).toBe(true);
    expect(isDenial("not_officer")).toBe(false);
    expect(ERROR_CODES["micropay-token"]).toContain("insufficient_funds");
  });
});

describe("explainVerdict: the dry run gives what the failed transaction would", () => {
  it("a registry verdict (check_transfer) and the token's failure in the denial form", () => {
    const denialMessage = `sender ${ALICE} is suspended by compliance`;
    const verdict = {
      allowed: false,
      denial: { party: ALICE, role: "sender", code: "suspended", message: denialMessage },
    } as const;
    const failed = wrap(
      `[code=suspended role=sender party=${ALICE}] refused by compliance: ${denialMessage}`
    );
    expect(explainVerdict(verdict)).toEqual({
      code: "suspended",
      role: "sender",
      party: ALICE,
      message: `refused by compliance: ${denialMessage}`,
    });
    expect(explainVerdict(verdict)).toEqual(parseError(failed));
  });

  it("a token-side code of can_transfer, whose denial message is the tagged error", () => {
    const error = `[code=frozen] address ${BOB} is frozen by the issuer`;
    const answer = {
      verdict: {
        allowed: false,
        denial: { party: BOB, role: "recipient", code: "frozen", message: error },
      },
      remaining_in_window: "1000",
      window_resets_at: null,
    } as const;
    const refusal = explainVerdict(answer)!;
    expect(refusal).toEqual({
      code: "frozen",
      role: "recipient",
      party: BOB,
      message: `address ${BOB} is frozen by the issuer`,
    });
    // The failed transfer has the same code and message (and no role or party).
    const failed = parseError(wrap(error))!;
    expect([failed.code, failed.message]).toEqual([refusal.code, refusal.message]);
  });

  it("undefined when the transfer is allowed", () => {
    expect(explainVerdict({ allowed: true, denial: null })).toBeUndefined();
    expect(
      explainVerdict({
        verdict: { allowed: true, denial: null },
        remaining_in_window: null,
        window_resets_at: null,
      })
    ).toBeUndefined();
  });
});
