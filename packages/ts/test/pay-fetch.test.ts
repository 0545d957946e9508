// payingFetch against an in-process gateway that implements DESIGN.md sections 1-4 (the
// 402, the acceptance rule on books (spent, accepted) serialized per channel, and the
// receipt), with the SDK's verifyVoucher; channels are opened by a fake opener on a fake
// chain, and, in the last test, on the real token wasm in the simulator.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterEach, beforeEach, describe, expect, it } from "vitest";

import {
  decodeHeader,
  encodeHeader,
  FARTHING_SCHEME,
  FilePayStore,
  generateSessionKey,
  KycRegistryClient,
  MemoryPayStore,
  MicropayTokenClient,
  parsePaymentPayload,
  parsePaymentRequired,
  parseSettlementResponse,
  PayFetchError,
  signVoucher,
  paymentErrorCode,
  paymentReceipt,
  payingFetch,
  tokenOpener,
  WebStoragePayStore,
  type ChannelOpener,
  type ChannelStatus,
  type PaymentPayload,
} from "../src/index";
import { createSim, deploy, kycRecord } from "./support/sim";

import {
  CHAIN,
  NETWORK,
  TOKEN,
  PAYEE,
  NOW,
  MIN_EXPIRY,
  LIFETIME,
  PRICE,
  type ChannelSource,
  type OpenerCall,
  MockGateway,
  echo,
  FakeStorage,
  codeOf,
  URL_QUOTE,
  REF,
  setup,
  ok,
} from "./support/pay";
// ---- the tests ----

describe("headers", () => {
  it("round-trip base64 JSON exactly, amounts and ids above 2^53 included", () => {
    const payload: PaymentPayload = {
      x402Version: 2,
      accepted: {
        scheme: FARTHING_SCHEME,
        network: NETWORK,
        amount: "9007199254740993",
        asset: TOKEN,
        payTo: PAYEE,
        maxTimeoutSeconds: 30,
        extra: {
          minDeposit: "340282366920938463463374607431768211455",
          minExpirySeconds: 600,
          settleSeconds: 3_600,
          signerKinds: ["ed25519", "secp256k1"],
          channel: {
            id: "9007199254740993",
            spent: "5",
            accepted: "6",
            deposit: "7",
            expiresAt: 1_700_000_000,
          },
        },
      },
      payload: { channelId: "18446744073709551615", cumulative: "18446744073709551616", signature: "01".repeat(64) },
    };
    const header = encodeHeader(payload);
    expect(header).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    // The same bytes as Node's own base64 of the JSON (what Rust's STANDARD engine reads).
    expect(header).toBe(Buffer.from(JSON.stringify(payload), "utf8").toString("base64"));
    const back = parsePaymentPayload(decodeHeader(header));
    expect(back).toEqual(payload);
    expect(back.accepted.extra.channel?.id).toBe("9007199254740993");
    expect(BigInt(back.payload.cumulative)).toBe(2n ** 64n);

    // Non-ASCII text survives too (UTF-8).
    const text = { x402Version: 2, resource: { url: "/q/€", description: "Ünïcode" }, accepts: [] };
    expect(decodeHeader(encodeHeader(text))).toEqual(text);
  });

  it("reads the Rust gateway's JSON (protocol.rs test) and its error codes", () => {
    const rust = {
      x402Version: 2,
      error: "[code=underpaid] the voucher adds 0",
      resource: { url: "/x", description: "", mimeType: "" },
      accepts: [
        {
          scheme: "farthing-channel",
          network: "cosmos:farthing-1",
          amount: "1000",
          asset: "wasm1token",
          payTo: "wasm1publisher",
          maxTimeoutSeconds: 30,
          extra: {
            minDeposit: "1000000",
            minExpirySeconds: 600,
            settleSeconds: 3600,
            signerKinds: ["ed25519", "secp256k1"],
            channel: { id: "9007199254740993", spent: "5", accepted: "6", deposit: "7", expiresAt: 1700000000 },
          },
        },
        { scheme: "exact", network: "eip155:8453", something: "else" },
      ],
    };
    const parsed = parsePaymentRequired(decodeHeader(Buffer.from(JSON.stringify(rust)).toString("base64")));
    expect(paymentErrorCode(parsed)).toBe("underpaid");
    expect(paymentErrorCode({ error: "no code" })).toBeUndefined();
    expect(parsed.accepts[0].extra.channel?.spent).toBe("5");
  });

  it("refuses what is not a header of the protocol", async () => {
    expect(() => decodeHeader("%%%")).toThrow(/invalid_header.*not base64/);
    expect(() => decodeHeader(Buffer.from("{").toString("base64"))).toThrow(/invalid_header/);
    expect(() => parsePaymentPayload({})).toThrow(PayFetchError);
    expect(() =>
      parseSettlementResponse({ success: true, transaction: "", network: NETWORK, payer: "p", channelId: "1", amount: 5, spent: "5", accepted: "5" }),
    ).toThrow(/amount is not a decimal amount/);
    const res = new Response("", { headers: { "PAYMENT-RESPONSE": "bm90IGpzb24=" } });
    expect(() => paymentReceipt(res)).toThrow(/invalid_header/);
    expect(paymentReceipt(new Response(""))).toBeUndefined();
  });
});

describe("payingFetch", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "farthing-pay-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("opens a channel on the first 402 with the right deposit and expiry, and pays exactly the price", async () => {
    const s = setup();
    const post = () => s.paid(URL_QUOTE, { method: "POST", body: JSON.stringify({ symbol: "ATOM" }) });
    const res = await post();
    expect(res.status).toBe(200);
    // The body was sent again with the paid request.
    expect(await res.json()).toEqual({ path: "/v1/quote", body: '{"symbol":"ATOM"}' });
    expect(s.opener.calls).toHaveLength(1);
    const open = s.opener.calls[0] as Extract<OpenerCall, { kind: "open" }>;
    // max(minDeposit 50,000, 100 requests × 1,000); minExpirySeconds + 30 days ahead.
    expect(open).toMatchObject({ kind: "open", payee: PAYEE, amount: "100000", expiresAt: NOW + MIN_EXPIRY + LIFETIME });
    expect(Object.keys(open.signer)).toEqual(["ed25519"]);
    expect(s.gateway.accepted).toEqual([{ channelId: "1", cumulative: 1_000n, path: "/v1/quote" }]);
    expect(s.gateway.refusals).toEqual(["payment_required"]);
    expect(paymentReceipt(res)).toEqual({
      success: true,
      transaction: "",
      network: NETWORK,
      payer: "wasm1payer",
      channelId: "1",
      amount: "1000",
      spent: "1000",
      accepted: "1000",
    });
    expect(await s.store.locked()).toBe("100000");
    expect(await s.store.get(REF)).toMatchObject({
      channelId: "1",
      deposit: "100000",
      expiresAt: NOW + MIN_EXPIRY + LIFETIME,
      signed: "1000",
      signer: open.signer,
    });

    // The route's price is now known: the next request pays up front (no 402).
    await ok(post());
    expect(s.gateway.refusals).toEqual(["payment_required"]);
    expect(s.gateway.accepted.map((a) => a.cumulative)).toEqual([1_000n, 2_000n]);
  });

  it.each([
    ["in memory", () => new MemoryPayStore()],
    ["in a file", () => new FilePayStore(join(dir, "pay.json"))],
  ])("serves 100 parallel requests once each, with cumulatives exactly 1..100 × the price (store %s)", async (_name, makeStore) => {
    const s = setup({ store: makeStore() });
    const receipts = await Promise.all(Array.from({ length: 100 }, () => ok(s.paid(URL_QUOTE))));
    expect(s.opener.calls.map((c) => c.kind)).toEqual(["open"]); // one channel for all
    const cumulatives = s.gateway.accepted.map((a) => a.cumulative);
    expect(cumulatives).toEqual(Array.from({ length: 100 }, (_, i) => BigInt(i + 1) * PRICE));
    expect(s.gateway.upstreamCalls).toBe(100);
    expect(s.gateway.books.get("1")).toEqual({ spent: 100_000n, accepted: 100_000n });
    expect(receipts.every((r) => r.success && r.amount === "1000")).toBe(true);
    expect(s.gateway.refusals.filter((c) => c !== "payment_required")).toEqual([]);
    expect((await s.store.get(REF))?.signed).toBe("100000");

    // The deposit (100,000) is used up: the 101st request tops up first, by the deposit policy.
    await ok(s.paid(URL_QUOTE));
    expect(s.opener.calls.slice(1)).toEqual([
      { kind: "status", channelId: "1" }, // the chain asked first: a store behind it tops up nothing
      { kind: "topUp", channelId: "1", amount: "100000" },
    ]);
    expect(s.gateway.accepted.at(-1)?.cumulative).toBe(101_000n);
    expect(await s.store.locked()).toBe("200000");
    expect((await s.store.get(REF))?.deposit).toBe("200000");
  });

  it("serves parallel vouchers that arrive in reverse order, each request charged once", async () => {
    const s = setup({ gateway: { holdUntil: 10 } });
    const receipts = await Promise.all(Array.from({ length: 10 }, () => ok(s.paid(URL_QUOTE))));
    expect(receipts.every((r) => r.success)).toBe(true);
    // 10,000 down to 6,000 are served as they come; 5,000 too (5 served before it); 4,000 to
    // 1,000 are stale and paid once more each, from what the gateway says it spent.
    expect(s.gateway.refusals.filter((c) => c !== "payment_required")).toEqual(Array(4).fill("stale_voucher"));
    expect(s.gateway.upstreamCalls).toBe(10);
    expect(s.gateway.books.get("1")?.spent).toBe(10_000n);
    expect(s.gateway.accepted.slice(0, 6).map((a) => a.cumulative)).toEqual([10n, 9n, 8n, 7n, 6n, 5n].map((k) => k * PRICE));
    // The stale ones re-send the highest voucher signed (10,000): the gateway's credit pays
    // for them. Nothing new is signed: 10 requests, 10,000 in all.
    expect(s.gateway.accepted.slice(6).map((a) => a.cumulative)).toEqual(Array(4).fill(10_000n));
    expect((await s.store.get(REF))!.signed).toBe("10000");
    expect(s.gateway.books.get("1")).toEqual({ spent: 10_000n, accepted: 10_000n });
  });

  it("re-sends the highest voucher, not more, for stale ones while the served ones are still in flight", async () => {
    // The upstream answers nobody until all 10 requests reached it: the 6 served first are
    // charged and in flight when the 4 stale ones are paid again.
    let arrived = 0;
    let release!: () => void;
    const all = new Promise<void>((r) => (release = r));
    const s = setup({
      gateway: {
        holdUntil: 10,
        upstream: async (r) => {
          if (++arrived === 10) release();
          await all;
          return echo(r);
        },
      },
    });
    const receipts = await Promise.all(Array.from({ length: 10 }, () => ok(s.paid(URL_QUOTE))));
    expect(receipts.every((r) => r.success && r.amount === "1000")).toBe(true);
    expect(s.gateway.refusals.filter((c) => c !== "payment_required")).toEqual(Array(4).fill("stale_voucher"));
    expect(s.gateway.accepted.slice(6).map((a) => a.cumulative)).toEqual(Array(4).fill(10_000n));
    expect((await s.store.get(REF))!.signed).toBe("10000");
    expect(s.gateway.books.get("1")).toEqual({ spent: 10_000n, accepted: 10_000n });
  });

  it.each([
    ["a file (Node)", (dir: string) => () => new FilePayStore(join(dir, "pay.json"))],
    [
      "Web Storage",
      () => {
        const storage = new FakeStorage();
        return () => new WebStoragePayStore(storage);
      },
    ],
  ])("continues from the persisted signed amount after a reload (%s)", async (_name, makeStore) => {
    const open = makeStore(dir);
    const s = setup({ store: open() });
    for (let i = 0; i < 3; i++) await ok(s.paid(URL_QUOTE));
    expect((await s.store.get(REF))?.signed).toBe("3000");

    // A new wrapper over a new store object on the same storage: same channel, same key.
    const store = open();
    const again = payingFetch({
      fetch: s.gateway.fetch,
      network: NETWORK,
      asset: TOKEN,
      budget: 10_000_000n,
      opener: s.opener,
      store,
      now: () => s.clock.now,
    });
    const receipt = await ok(again(URL_QUOTE));
    expect(receipt).toMatchObject({ channelId: "1", spent: "4000", accepted: "4000" });
    expect(s.gateway.accepted.map((a) => a.cumulative)).toEqual([1_000n, 2_000n, 3_000n, 4_000n]);
    expect(s.opener.count("open")).toBe(1);
    expect(await store.locked()).toBe("100000");
    expect((await store.list()).map((r) => [r.channelId, r.signed])).toEqual([["1", "4000"]]);
  });

  it("catches up on the gateway's proof when the store is behind (a backup), and pays exactly once", async () => {
    const s = setup();
    await ok(s.paid(URL_QUOTE));
    const backup = (await s.store.get(REF))!; // signed 1000
    await ok(s.paid(URL_QUOTE));
    await ok(s.paid(URL_QUOTE));
    // The store is restored from the backup: it thinks 1000 was signed, the gateway spent 3000.
    const restored = new MemoryPayStore();
    await restored.put(backup);
    await restored.setLocked("100000");
    const paid = s.wrap({ store: restored });
    s.watched.store = restored;
    const receipt = await ok(paid(URL_QUOTE));
    // 2000 is stale; then max(signed, spent 3000 + the price) = 4000, exactly.
    expect(s.gateway.refusals).toEqual(["payment_required", "payment_required", "stale_voucher"]);
    expect(s.gateway.accepted.map((a) => a.cumulative)).toEqual([1_000n, 2_000n, 3_000n, 4_000n]);
    expect(receipt).toMatchObject({ spent: "4000", accepted: "4000" });
    expect((await restored.get(REF))?.signed).toBe("4000");
  });

  it("believes a spent above what it signed no further without a proof", async () => {
    const s = setup({ gateway: { tamper: ({ acceptedSignature: _, ...status }) => status } });
    await ok(s.paid(URL_QUOTE));
    const backup = (await s.store.get(REF))!; // signed 1000
    await ok(s.paid(URL_QUOTE));
    await ok(s.paid(URL_QUOTE));
    const restored = new MemoryPayStore();
    await restored.put(backup);
    const paid = s.wrap({ store: restored });
    s.watched.store = restored;
    // 2000 is stale (spent 3000); without a proof it believes spent only up to 2000: 3000,
    // which the gateway already holds (underpaid). Nothing above what it held is signed.
    const { code, error } = await codeOf(paid(URL_QUOTE));
    expect([code, error.gatewayCode]).toEqual(["payment_refused", "underpaid"]);
    expect(s.gateway.refusals).toEqual(["payment_required", "payment_required", "stale_voucher", "underpaid"]);
    expect(s.gateway.books.get("1")).toEqual({ spent: 3_000n, accepted: 3_000n });
    expect((await restored.get(REF))?.signed).toBe("3000");
  });

  it("signs one price more, no further, for a lying spent with a forged proof", async () => {
    const seen: bigint[] = [];
    const liar = generateSessionKey("ed25519");
    let lie = false;
    const s = setup({
      gateway: {
        onVoucher: async (p) => {
          seen.push(BigInt(p.payload.cumulative));
        },
      },
    });
    const honest = s.gateway;
    await ok(s.paid(URL_QUOTE));
    await ok(s.paid(URL_QUOTE));
    // From now on the gateway refuses everything as underpaid, claiming 5,000,000 spent
    // and "proving" it with a signature by another key.
    const forged = (status: ChannelStatus): ChannelStatus => ({
      ...status,
      spent: "5000000",
      accepted: "5000000",
      acceptedSignature: Buffer.from(
        signVoucher(
          { chain_id: CHAIN, token: TOKEN, channel_id: status.id, payee: PAYEE, cumulative: 5_000_000n },
          liar.secretKey,
          "ed25519",
        ),
      ).toString("hex"),
    });
    const liarGateway = new MockGateway({
      source: s.chain,
      now: () => s.clock.now,
      refuseWith: "underpaid",
      tamper: forged,
      onVoucher: async (p) => {
        seen.push(BigInt(p.payload.cumulative));
      },
    });
    lie = true;
    const { code } = await codeOf(s.wrap({ fetch: liarGateway.fetch })(URL_QUOTE));
    expect(lie && code).toBe("payment_refused");
    expect(seen).toEqual([1_000n, 2_000n, 3_000n, 4_000n]);
    expect((await s.store.get(REF))?.signed).toBe("4000");
    expect(s.opener.calls.map((c) => c.kind)).toEqual(["open"]);
    expect(await s.store.locked()).toBe("100000");
    expect(honest.books.get("1")).toEqual({ spent: 2_000n, accepted: 2_000n });
  });

  it("refuses to open beyond the budget, and opens nothing", async () => {
    const s = setup({ budget: 40_000n }); // below minDeposit (50,000)
    const { code, error } = await codeOf(s.paid(URL_QUOTE));
    expect(code).toBe("budget_exceeded");
    expect(error.message).toMatch(/locking 50000 more would exceed the budget 40000/);
    expect(s.opener.calls).toEqual([]);
    expect(await s.store.locked()).toBe("0");
    expect(await s.store.list()).toEqual([]);
    expect(s.gateway.accepted).toEqual([]);
  });

  it("clamps the last top-up to what is left of the budget, then refuses", async () => {
    const s = setup({ budget: 5_000n, depositFor: () => 3_000n, gateway: { minDeposit: 1_000n } });
    for (let i = 0; i < 5; i++) await ok(s.paid(URL_QUOTE));
    expect(s.opener.txs().map((c) => [c.kind, "amount" in c ? c.amount : ""])).toEqual([
      ["open", "3000"],
      ["topUp", "2000"],
    ]);
    expect(await s.store.locked()).toBe("5000");
    expect((await codeOf(s.paid(URL_QUOTE))).code).toBe("budget_exceeded");
    expect(s.opener.txs()).toHaveLength(2);
    expect(s.gateway.books.get("1")).toEqual({ spent: 5_000n, accepted: 5_000n });
  });

  it("opens a new channel when the gateway says the channel is closing", async () => {
    const s = setup();
    await ok(s.paid(URL_QUOTE));
    await ok(s.paid(URL_QUOTE));
    s.chain.channels.get("1")!.closing = true; // the payee (or the payer's wallet) started closing
    const receipt = await ok(s.paid(URL_QUOTE));
    expect(s.gateway.refusals).toEqual(["payment_required", "channel_closing"]);
    expect(receipt).toMatchObject({ channelId: "2", amount: "1000", spent: "1000" });
    // The chain is asked before the channel is given up.
    expect(s.opener.calls.map((c) => c.kind)).toEqual(["open", "status", "open"]);
    expect(s.retired.map((r) => [r.record.channelId, r.record.signed, r.reason])).toEqual([
      ["1", "3000", "channel_closing"],
    ]);
    expect(await s.store.get(REF)).toMatchObject({ channelId: "2", signed: "1000", deposit: "100000" });
    expect(await s.store.locked()).toBe("200000");
  });

  it("keeps its channel when the gateway says closing or closed but the chain does not", async () => {
    for (const liar of ["channel_closing", "channel_closed", "unknown_channel"]) {
      const s = setup();
      await ok(s.paid(URL_QUOTE));
      const lying = new MockGateway({ source: s.chain, now: () => s.clock.now, refuseWith: liar });
      const { code, error } = await codeOf(s.wrap({ fetch: lying.fetch })(URL_QUOTE));
      expect([code, error.gatewayCode]).toEqual(["payment_refused", liar]);
      expect(s.opener.calls.map((c) => c.kind)).toEqual(["open", "status"]);
      expect(s.retired).toEqual([]);
      expect(await s.store.get(REF)).toMatchObject({ channelId: "1", signed: "2000" });
      expect(await s.store.locked()).toBe("100000");
      // The honest gateway still takes the next voucher on channel 1 (the refused request
      // gave its price back: 2,000 again).
      expect(await ok(s.paid(URL_QUOTE))).toMatchObject({ channelId: "1", spent: "2000", accepted: "2000" });
    }
  });

  it("without a channel query, reports a closing answer and keeps the channel", async () => {
    const s = setup();
    const { channelStatus: _, ...noQuery } = s.opener;
    const opener: ChannelOpener = {
      openChannel: (a) => s.opener.openChannel(a),
      topUp: (a) => s.opener.topUp(a),
      extend: (a) => s.opener.extend(a),
    };
    void noQuery;
    const paid = s.wrap({ opener });
    await ok(paid(URL_QUOTE));
    s.chain.channels.get("1")!.closing = true;
    const { code, error } = await codeOf(paid(URL_QUOTE));
    expect([code, error.gatewayCode]).toEqual(["payment_refused", "channel_closing"]);
    expect(s.opener.calls.map((c) => c.kind)).toEqual(["open"]);
    expect(await s.store.get(REF)).toMatchObject({ channelId: "1" });
    expect(await s.store.locked()).toBe("100000");
  });

  it("extends and sends the same voucher again when the chain's clock says expiring", async () => {
    const s = setup({ gatewayAhead: 601 });
    await ok(s.paid(URL_QUOTE));
    const expiresAt = NOW + MIN_EXPIRY + LIFETIME;
    // By its own clock the payer is 1 s short of renewing; by the gateway's it is expiring.
    s.clock.now = expiresAt - MIN_EXPIRY - 601;
    const receipt = await ok(s.paid(URL_QUOTE));
    expect(s.gateway.refusals).toEqual(["payment_required", "channel_expiring"]);
    expect(s.opener.calls.slice(1)).toEqual([
      { kind: "extend", channelId: "1", expiresAt: s.clock.now + MIN_EXPIRY + LIFETIME },
    ]);
    expect(s.gateway.accepted.map((a) => a.cumulative)).toEqual([1_000n, 2_000n]);
    expect(receipt).toMatchObject({ channelId: "1", spent: "2000", accepted: "2000" });
    expect(s.retired).toEqual([]);
    // A gateway that keeps saying expiring gets one extension per request, then a refusal.
    const lying = new MockGateway({ source: s.chain, now: () => s.clock.now, refuseWith: "channel_expiring" });
    const { code } = await codeOf(s.wrap({ fetch: lying.fetch })(URL_QUOTE));
    expect(code).toBe("payment_refused");
    expect(s.opener.count("extend")).toBe(2);
    expect(s.opener.count("open")).toBe(1);
  });

  it("extends a channel about to expire before paying", async () => {
    const s = setup();
    await ok(s.paid(URL_QUOTE));
    const expiresAt = NOW + MIN_EXPIRY + LIFETIME;
    s.clock.now = expiresAt - MIN_EXPIRY - 600; // within the renewal margin
    await ok(s.paid(URL_QUOTE));
    expect(s.opener.calls.slice(1)).toEqual([
      { kind: "extend", channelId: "1", expiresAt: s.clock.now + MIN_EXPIRY + LIFETIME },
    ]);
    expect((await s.store.get(REF))?.expiresAt).toBe(s.clock.now + MIN_EXPIRY + LIFETIME);
    expect(s.gateway.accepted.map((a) => a.cumulative)).toEqual([1_000n, 2_000n]);
  });

  it("tops up by the right amount on over_deposit (a top-up that never landed)", async () => {
    const s = setup({ depositFor: () => 5_000n, gateway: { minDeposit: 1_000n } });
    for (let i = 0; i < 5; i++) await ok(s.paid(URL_QUOTE)); // the deposit (5,000) is used up
    s.opener.lostTopUps = 1; // the next top-up reports success but does not land
    const receipt = await ok(s.paid(URL_QUOTE));
    expect(s.gateway.refusals).toEqual(["payment_required", "over_deposit"]);
    // The chain had 5,000 for a voucher of 6,000 (asked after over_deposit): a top-up of
    // max(policy 5,000, 1,000).
    expect(s.opener.calls.slice(1)).toEqual([
      { kind: "status", channelId: "1" },
      { kind: "topUp", channelId: "1", amount: "5000" },
      { kind: "status", channelId: "1" },
      { kind: "status", channelId: "1" },
      { kind: "topUp", channelId: "1", amount: "5000" },
    ]);
    expect(s.chain.channels.get("1")?.deposit).toBe(10_000n);
    expect(receipt).toMatchObject({ channelId: "1", spent: "6000", accepted: "6000" });
    expect((await s.store.get(REF))?.deposit).toBe("10000");
    expect(await s.store.locked()).toBe("15000"); // the lost top-up stays counted
  });

  it("does not overpay after an upstream failure (success: false)", async () => {
    let fail = false;
    const s = setup({
      gateway: {
        upstream: async (r) => (fail ? new Response("boom", { status: 500 }) : echo(r)),
      },
    });
    await ok(s.paid(URL_QUOTE));
    fail = true;
    const failed = await s.paid(URL_QUOTE);
    expect(failed.status).toBe(500);
    expect(paymentReceipt(failed)).toMatchObject({
      success: false,
      errorReason: "upstream_failed",
      amount: "0",
      spent: "1000",
      accepted: "2000",
    });
    fail = false;
    // The gateway holds 2,000: the next request re-uses it instead of signing 3,000.
    expect(await ok(s.paid(URL_QUOTE))).toMatchObject({ spent: "2000", accepted: "2000" });
    expect(await ok(s.paid(URL_QUOTE))).toMatchObject({ spent: "3000", accepted: "3000" });
    expect(s.gateway.accepted.map((a) => a.cumulative)).toEqual([1_000n, 2_000n, 2_000n, 3_000n]);
    expect((await s.store.get(REF))?.signed).toBe("3000");
  });

  it("fails with no_matching_requirements on another network or token, and opens nothing", async () => {
    for (const gateway of [{ network: "cosmos:other-1" }, { asset: "wasm1othertoken" }]) {
      const s = setup({ gateway });
      const { code, error } = await codeOf(s.paid(URL_QUOTE));
      expect(code).toBe("no_matching_requirements");
      expect(error.paymentRequired?.accepts).toHaveLength(1);
      expect(s.opener.calls).toEqual([]);
    }
    const s = setup();
    expect((await codeOf(s.wrap({ maxAmount: 999n })(URL_QUOTE))).code).toBe("price_too_high");
    expect(s.opener.calls).toEqual([]);
  });

  it("reports a refusal it cannot recover from with the gateway's code", async () => {
    const s = setup();
    await ok(s.paid(URL_QUOTE));
    // The key in the store is replaced: the gateway refuses its signatures.
    const r = (await s.store.get(REF))!;
    const other = generateSessionKey("ed25519");
    await s.store.put({ ...r, secretKey: Buffer.from(other.secretKey).toString("hex"), signer: other.signer });
    const { code, error } = await codeOf(s.wrap()(URL_QUOTE));
    expect(code).toBe("payment_refused");
    expect(error.gatewayCode).toBe("bad_signature");
    expect(error.paymentRequired?.accepts[0].extra.channel?.spent).toBe("1000");
  });

  it("signs with the app's key when given one, and keeps its secret out of the store", async () => {
    const key = generateSessionKey("secp256k1");
    const s = setup();
    const paid = s.wrap({ key });
    await ok(paid(URL_QUOTE));
    const r = (await s.store.get(REF))!;
    expect(r.secretKey).toBeNull();
    expect(r.signer).toEqual(key.signer);
    await ok(s.wrap({ key })(URL_QUOTE)); // after a reload, with the same key
    const { code } = await codeOf(s.wrap({ key: generateSessionKey("secp256k1") })(URL_QUOTE));
    expect(code).toBe("key_mismatch");
    expect(s.gateway.accepted.map((a) => a.cumulative)).toEqual([1_000n, 2_000n]);
  });

  it("returns answers that are not 402 untouched", async () => {
    const s = setup();
    const plain = payingFetch({
      fetch: async () => new Response("hello", { status: 200 }),
      network: NETWORK,
      asset: TOKEN,
      budget: 1n,
      opener: s.opener,
      store: s.store,
    });
    const res = await plain("http://free.test/");
    expect(await res.text()).toBe("hello");
    expect(paymentReceipt(res)).toBeUndefined();
    expect(() => payingFetch({ network: "eip155:1", asset: TOKEN, budget: 1n, opener: s.opener, store: s.store })).toThrow(
      /invalid_options/,
    );
  });
});

describe("tokenOpener on the real token (simulator)", () => {
  it("opens a channel the gateway accepts vouchers on, and the payee claims the last one", async () => {
    const sim = await createSim();
    const d = await deploy(sim);
    const alice = sim.account("alice");
    const shop = sim.account("shop");
    const officer = new KycRegistryClient(sim.client, d.accounts.officer, d.registry);
    await officer.upsertRecords({
      records: [kycRecord(sim, alice), kycRecord(sim, shop, { kind: "business" })],
    });
    const far = (sender: string) => new MicropayTokenClient(sim.client, sender, d.token);
    await far(d.accounts.issuer).mint({ recipient: alice, amount: "100000" });

    const network = `cosmos:${sim.app.chainId}`;
    const source: ChannelSource = {
      async channel(id) {
        const c = await far(shop).channel({ channel: id });
        return {
          id: c.id,
          payee: c.payee,
          signer: c.signer,
          deposit: BigInt(c.deposit),
          claimed: BigInt(c.claimed),
          expiresAt: Number(BigInt(c.expires_at) / 1_000_000_000n),
          closing: c.closing_at != null,
          closed: c.closed,
        };
      },
    };
    const now = () => sim.client.now();
    const gateway = new MockGateway({ source, now, network, asset: d.token, payTo: shop, prices: { "/v1/quote": 7n }, minDeposit: 100n });
    const store = new MemoryPayStore();
    const paid = payingFetch({
      fetch: gateway.fetch,
      network,
      asset: d.token,
      budget: 1_000n,
      opener: tokenOpener(far(alice)),
      store,
      now,
    });
    for (let i = 0; i < 3; i++) await ok(paid(URL_QUOTE));
    const record = (await store.get({ network, asset: d.token, payTo: shop }))!;
    const onChain = await far(shop).channel({ channel: record.channelId });
    // max(minDeposit 100, 100 × 7) = 700, minExpirySeconds + 30 days after the wrapper's now.
    expect(onChain).toMatchObject({ payee: shop, deposit: "700", claimed: "0", closed: false });
    expect(onChain.signer).toEqual(record.signer);
    expect(Number(BigInt(onChain.expires_at) / 1_000_000_000n)).toBe(record.expiresAt);
    expect(gateway.accepted.map((a) => a.cumulative)).toEqual([7n, 14n, 21n]);

    // The payee claims the last voucher on chain: the token accepts the SDK's signature.
    const last = gateway.lastPayload;
    expect(last?.payload.cumulative).toBe("21");
    await far(shop).claim({
      channel: last!.payload.channelId,
      cumulative: last!.payload.cumulative,
      signature: last!.payload.signature,
    });
    expect((await far(shop).balance({ address: shop })).balance).toBe("21");
    expect((await far(shop).channel({ channel: record.channelId })).claimed).toBe("21");

    // The opener's top-up and extension go through the token too.
    const opener = tokenOpener(far(alice));
    await opener.topUp({ channelId: record.channelId, amount: "50" });
    await opener.extend({ channelId: record.channelId, expiresAt: record.expiresAt + 60 });
    expect(await far(shop).channel({ channel: record.channelId })).toMatchObject({
      deposit: "750",
      expires_at: String(BigInt(record.expiresAt + 60) * 1_000_000_000n),
    });

    // Its channel query: open, then closing after the payer's StartClose, and unknown ids.
    expect(await opener.channelStatus!({ channelId: record.channelId })).toEqual({ closed: false, closing: false, deposit: "750" });
    expect(await opener.channelStatus!({ channelId: "999" })).toBeNull();
    await far(alice).startClose({ channel: record.channelId });
    expect(await opener.channelStatus!({ channelId: record.channelId })).toEqual({ closed: false, closing: true, deposit: "750" });
  });
});
