import { describe, expect, it } from "vitest";
import { decodeEscrowHookPayload, escrowHookPayload, sendToEscrow } from "../src/hook";

describe("the escrow's cw20 hook payload", () => {
  it("is the hook message as base64 JSON, with ids as strings", () => {
    const payload = escrowHookPayload({ top_up: { deal_id: "18446744073709551615" } });
    expect(payload).toBe(Buffer.from('{"top_up":{"deal_id":"18446744073709551615"}}').toString("base64"));
    expect(decodeEscrowHookPayload(payload)).toEqual({ top_up: { deal_id: "18446744073709551615" } });
  });

  it("keeps non-ASCII text intact (UTF-8, not Latin-1)", () => {
    const msg = { create_deal: { payee: "wasm1ä€😀", milestones: ["1"], expires_at: "1", arbiter: null } };
    expect(decodeEscrowHookPayload(escrowHookPayload(msg))).toEqual(msg);
    expect(Buffer.from(escrowHookPayload(msg), "base64").toString("utf8")).toBe(JSON.stringify(msg));
  });

  it("builds the token's send message", () => {
    expect(sendToEscrow("wasm1escrow", 3000n, { pay: { work_id: "1" } })).toEqual({
      send: {
        contract: "wasm1escrow",
        amount: "3000",
        msg: Buffer.from('{"pay":{"work_id":"1"}}').toString("base64"),
      },
    });
  });

  it("refuses payloads that are not hook messages", () => {
    const b64 = (s: string) => Buffer.from(s).toString("base64");
    expect(() => decodeEscrowHookPayload(b64("[]"))).toThrow(/expected a JSON object/);
    expect(() => decodeEscrowHookPayload(b64('{"transfer":{}}'))).toThrow(/got transfer/);
    expect(() => decodeEscrowHookPayload(b64('{"pay":{},"top_up":{}}'))).toThrow(/expected one of/);
  });
});
