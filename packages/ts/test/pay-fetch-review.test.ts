// Adversarial review of payingFetch (a malicious or unlucky gateway, races, reloads), on
// the test bench of test/support/pay.ts. The first group are the holes the review found,
// each a failing test before its fix; tests named `probe:` are attacks it withstood.

import { describe, expect, it } from "vitest";

import {
  decodeHeader,
  encodeHeader,
  generateSessionKey,
  MemoryPayStore,
  signVoucher,
  WebStoragePayStore,
  type FetchLike,
  type SettlementResponse,
} from "../src/index";

import {
  TOKEN,
  PAYEE,
  type GatewayOptions,
  MockGateway,
  FakeStorage,
  codeOf,
  URL_QUOTE,
  REF,
  type Setup,
  setup,
  ok,
} from "./support/pay";
function liar(s: Setup, extra: Partial<GatewayOptions>): MockGateway {
  return new MockGateway({ source: s.chain, now: () => s.clock.now, ...extra });
}

describe("payingFetch review: the holes found (fixed)", () => {
  it("pays the gateway's lowered price, not the stale up-front one, on every later request", async () => {
    // An honest gateway lowers the route's price from 1,000 to 100. The wrapper pays the
    // known (old) price up front; the gateway serves, charges 100 and says so in the
    // receipt (amount 100, spent, accepted). The wrapper ignores the receipt and keeps
    // signing +1,000 per request: the settlement claims the best voucher held.
    const prices: Record<string, bigint> = { "/v1/quote": 1_000n };
    const s = setup({ gateway: { prices } });
    await ok(s.paid(URL_QUOTE));
    prices["/v1/quote"] = 100n;
    const receipts: SettlementResponse[] = [];
    for (let i = 0; i < 10; i++) receipts.push(await ok(s.paid(URL_QUOTE)));
    expect(receipts.every((r) => r.amount === "100")).toBe(true);
    // Served and charged: 1,000 + 10 × 100 = 2,000.
    expect(s.gateway.books.get("1")?.spent).toBe(2_000n);
    // At most one request's stale price difference (900) may be left signed ahead.
    const signed = BigInt((await s.store.get(REF))!.signed);
    expect(signed).toBeLessThanOrEqual(2_900n); // actual: 11,000 (9,000 paid for nothing)
  });

  it("does not pay for a request that never reached the gateway (transport error / abort)", async () => {
    // The second request fails before it reaches the gateway (a dropped connection, an
    // AbortSignal). The wrapper counts it as charged; the next voucher is 3,000 for 2
    // served requests, and the 1,000 credit it leaves at the gateway is never reused.
    let drop = false;
    const s = setup();
    const paid = s.wrap({
      fetch: async (input, init) => {
        const r = new Request(input, init);
        if (drop && r.headers.has("PAYMENT-SIGNATURE")) {
          drop = false;
          throw new TypeError("fetch failed");
        }
        return s.gateway.fetch(r);
      },
    });
    await ok(paid(URL_QUOTE));
    drop = true;
    await expect(paid(URL_QUOTE)).rejects.toThrow(/fetch failed/);
    await ok(paid(URL_QUOTE));
    await ok(paid(URL_QUOTE));
    expect(s.gateway.books.get("1")?.spent).toBe(3_000n);
    // The gateway holds a voucher for 1,000 more than it served (a credit nobody reuses).
    expect(s.gateway.books.get("1")?.accepted).toBe(3_000n); // actual: 4,000
  });

  it("locks nothing when a lying gateway says over_deposit with a deposit of 0", async () => {
    // Guarantee 3: nothing is locked on the gateway's word alone. The chain has 100,000 in
    // the channel; a liar answers each paid request `over_deposit` with `deposit: "0"`.
    // Each request tops up by the deposit policy (100,000), on that word alone.
    const s = setup();
    await ok(s.paid(URL_QUOTE));
    const lying = liar(s, { refuseWith: "over_deposit", tamper: (st) => ({ ...st, deposit: "0" }) });
    const paid = s.wrap({ fetch: lying.fetch });
    for (let i = 0; i < 3; i++) {
      const { code, error } = await codeOf(paid(URL_QUOTE));
      expect([code, error.gatewayCode]).toEqual(["payment_refused", "over_deposit"]);
    }
    expect(s.chain.channels.get("1")!.deposit).toBe(100_000n + BigInt(s.opener.count("topUp")) * 100_000n);
    expect(s.opener.count("topUp")).toBe(0); // actual: 3
    expect(await s.store.locked()).toBe("100000"); // actual: 400000
  });

  it("a liar refusing 10 parallel requests as underpaid gets at most 2 prices per request", async () => {
    // Serially, a liar that refuses everything as `underpaid` (spent 5,000,000, no valid
    // proof) gets the request's own price plus one more (pay-fetch.test.ts: "signs one
    // price more, no further"). In parallel, each resync raises `expected` to
    // min(spent, signed) + inflight, and `signed` was just raised by the previous resync:
    // every refused request adds the 10 in-flight prices again (quadratic).
    const s = setup();
    await ok(s.paid(URL_QUOTE));
    await ok(s.paid(URL_QUOTE)); // served: 2,000
    const lying = liar(s, {
      refuseWith: "underpaid",
      holdUntil: 10,
      tamper: (st) => ({ ...st, spent: "5000000", accepted: "5000000" }),
    });
    const paid = s.wrap({ fetch: lying.fetch });
    const results = await Promise.all(Array.from({ length: 10 }, () => codeOf(paid(URL_QUOTE))));
    expect(results.map((r) => r.code)).toEqual(Array(10).fill("payment_refused"));
    const signed = BigInt((await s.store.get(REF))!.signed);
    // 2,000 served + 10 requests × (their price + one more) = 22,000.
    expect(signed).toBeLessThanOrEqual(22_000n); // actual: 67,000
  });

  it("two tabs on one localStorage never lock more than the budget together", async () => {
    // Two wrappers over one Web Storage (two tabs of the page, each its own
    // WebStoragePayStore) reserve the budget with a read-modify-write of `locked` that is
    // not atomic across stores: both read 0, both lock 100,000, and `locked` says 100,000.
    const storage = new FakeStorage();
    const s = setup({ budget: 150_000n });
    const other = new MockGateway({ source: s.chain, now: () => s.clock.now, payTo: "wasm1otherpublisher" });
    const storeA = new WebStoragePayStore(storage);
    s.watched.store = storeA;
    const tabA = s.wrap({ store: storeA });
    const tabB = s.wrap({ store: new WebStoragePayStore(storage), fetch: other.fetch });
    const [a, b] = await Promise.all([ok(tabA(URL_QUOTE)), ok(tabB("http://other.test/v1/quote"))]);
    expect([a.channelId, b.channelId]).toEqual(["1", "2"]);
    const opened = s.opener.calls.filter((c) => c.kind === "open").reduce((t, c) => t + BigInt((c as { amount: string }).amount), 0n);
    expect(opened).toBeLessThanOrEqual(150_000n); // actual: 200,000
    expect(await new WebStoragePayStore(storage).locked()).toBe(String(opened)); // actual: "100000"
  });

  it("a store restored from a backup does not lock beyond the budget (a top-up made after the backup)", async () => {
    // The commit supports a store restored from a backup (catch-up on the gateway's proof).
    // The backup's `deposit` and `locked` are behind too: after catching up to 101,000 the
    // wrapper thinks the deposit is 100,000 and tops up again, and its `locked` counts
    // 200,000 while 300,000 went into the channel. The 402's status said deposit 200,000.
    const s = setup({ budget: 250_000n });
    await ok(s.paid(URL_QUOTE));
    const backup = (await s.store.get(REF))!; // channel 1, deposit 100,000, signed 1,000
    const backupLocked = await s.store.locked(); // 100,000
    for (let i = 0; i < 100; i++) await ok(s.paid(URL_QUOTE)); // the 101st tops up 100,000
    expect(await s.store.locked()).toBe("200000");
    const restored = new MemoryPayStore();
    await restored.put(backup);
    await restored.setLocked(backupLocked);
    s.watched.store = restored;
    const receipt = await ok(s.wrap({ store: restored })(URL_QUOTE));
    expect(receipt).toMatchObject({ channelId: "1", spent: "102000", accepted: "102000" });
    const lockedOnChain = s.opener.calls.reduce((t, c) => t + ("amount" in c ? BigInt(c.amount) : 0n), 0n);
    expect(lockedOnChain).toBeLessThanOrEqual(250_000n); // actual: 300,000
    expect(s.opener.count("topUp")).toBe(1); // actual: 2 (the second one not needed)
  });
  it("a u128-max price is a typed PayFetchError (budget_exceeded), not a VoucherError", async () => {
    // Guarantee 7. The gateway's 402 names a price of 2^128 - 1 (a valid u128). The default
    // deposit policy (100 x the price) overflows u128 and parseAmount throws an untyped
    // VoucherError [code=invalid_amount] out of payingFetch (Payer.depositFor in open()).
    const s = setup({ gateway: { prices: { "/v1/quote": 2n ** 128n - 1n } } });
    expect((await codeOf(s.paid(URL_QUOTE))).code).toBe("budget_exceeded");
    expect(s.opener.calls).toEqual([]);
    expect(await s.store.locked()).toBe("0");
    expect(await s.store.list()).toEqual([]);
  });

});

describe("payingFetch review: probes (attacks withstood)", () => {
  it("probe: a proof replayed from the same key's channel to another payee is not believed", async () => {
    const key = generateSessionKey("ed25519");
    const s = setup();
    const paid = s.wrap({ key });
    await ok(paid(URL_QUOTE));
    await ok(paid(URL_QUOTE)); // channel 1 to PAYEE, signed 2,000
    const OTHER = "wasm1otherpublisher";
    const other = new MockGateway({ source: s.chain, now: () => s.clock.now, payTo: OTHER });
    const paidOther = s.wrap({ key, fetch: other.fetch });
    for (let i = 0; i < 10; i++) await ok(paidOther("http://other.test/v1/quote"));
    const replayed = other.proofs.get("2")!; // the payer's real signature of 10,000 on channel 2
    const lying = liar(s, {
      refuseWith: "underpaid",
      tamper: (st) => ({ ...st, id: "1", spent: "10000", accepted: "10000", acceptedSignature: replayed }),
    });
    const { code } = await codeOf(s.wrap({ key, fetch: lying.fetch })(URL_QUOTE));
    expect(code).toBe("payment_refused");
    // Its own price (3,000) and one more (4,000): not 10,000 + 1,000.
    expect((await s.store.get(REF))?.signed).toBe("4000");
  });

  it("probe: a secp256k1 proof by the channel's own key for another chain id is not believed", async () => {
    const s = setup();
    const paid = s.wrap({ keyType: "secp256k1" });
    await ok(paid(URL_QUOTE));
    const r = (await s.store.get(REF))!;
    expect(Object.keys(r.signer)).toEqual(["secp256k1"]);
    const forged = bytesHex(
      signVoucher({ chain_id: "other-1", token: TOKEN, channel_id: "1", payee: PAYEE, cumulative: 5_000_000n }, r.secretKey!, "secp256k1"),
    );
    const lying = liar(s, {
      refuseWith: "stale_voucher",
      tamper: (st) => ({ ...st, spent: "5000000", accepted: "5000000", acceptedSignature: forged }),
    });
    const { code } = await codeOf(s.wrap({ keyType: "secp256k1", fetch: lying.fetch })(URL_QUOTE));
    expect(code).toBe("payment_refused");
    expect((await s.store.get(REF))?.signed).toBe("3000");
    expect(s.opener.calls.map((c) => c.kind)).toEqual(["open"]);
  });

  it("probe: receipts that lie `success: false` after charging do not make the payer pay twice", async () => {
    const s = setup();
    const lyingReceipts: FetchLike = async (input, init) => {
      const res = await s.gateway.fetch(input, init);
      const text = res.headers.get("PAYMENT-RESPONSE");
      if (text === null) return res;
      const r = decodeHeader<SettlementResponse>(text);
      const headers = new Headers(res.headers);
      headers.set("PAYMENT-RESPONSE", encodeHeader({ ...r, success: false, amount: "0", errorReason: "upstream_failed" }));
      return new Response(await res.text(), { status: res.status, headers });
    };
    const paid = s.wrap({ fetch: lyingReceipts });
    for (let i = 0; i < 3; i++) expect((await paid(URL_QUOTE)).status).toBe(200);
    expect(s.gateway.books.get("1")).toEqual({ spent: 3_000n, accepted: 3_000n });
    expect((await s.store.get(REF))?.signed).toBe("3000");
  });

  it("probe: a price raised above maxAmount in the retry's 402 is refused and its price given back", async () => {
    const prices: Record<string, bigint> = { "/v1/quote": 1_000n };
    const s = setup({ gateway: { prices } });
    const paid = s.wrap({ maxAmount: 1_500n });
    await ok(paid(URL_QUOTE));
    prices["/v1/quote"] = 2_000n;
    expect((await codeOf(paid(URL_QUOTE))).code).toBe("price_too_high");
    prices["/v1/quote"] = 1_000n;
    // choose() refused the 2,000 entry before caching it: the up-front price stays 1,000.
    expect(await ok(paid(URL_QUOTE))).toMatchObject({ spent: "2000", accepted: "2000" });
    expect((await s.store.get(REF))?.signed).toBe("2000");
  });

  it("probe: a lying over_deposit with a deposit above the chain's locks nothing", async () => {
    const s = setup();
    await ok(s.paid(URL_QUOTE));
    const lying = liar(s, { refuseWith: "over_deposit", tamper: (st) => ({ ...st, deposit: "999999999" }) });
    const { code } = await codeOf(s.wrap({ fetch: lying.fetch })(URL_QUOTE));
    expect(code).toBe("payment_refused");
    expect(s.opener.calls.map((c) => c.kind)).toEqual(["open", "status"]);
    expect(await s.store.locked()).toBe("100000");
  });

  it("probe: the route moving to another payee on a retry is paid once, its first ticket given back", async () => {
    const s = setup();
    await ok(s.paid(URL_QUOTE)); // channel 1, signed 1,000
    const OTHER = "wasm1otherpublisher";
    const moved = new MockGateway({ source: s.chain, now: () => s.clock.now, payTo: OTHER });
    // The same wrapper now reaches a gateway paid to OTHER: its up-front voucher on channel 1
    // is refused (wrong_payee), and the request is paid on a new channel to OTHER.
    const paid = s.wrap({ fetch: (i, n) => (sw ? moved.fetch(i, n) : s.gateway.fetch(i, n)) });
    let sw = false;
    await ok(paid(URL_QUOTE));
    sw = true;
    const receipt = await ok(paid(URL_QUOTE));
    expect(receipt).toMatchObject({ channelId: "2", spent: "1000" });
    expect(moved.accepted.map((a) => a.cumulative)).toEqual([1_000n]);
    expect(moved.refusals).toEqual(["wrong_payee"]);
    // Channel 1 keeps its record (3,000 signed for the refused voucher); one new deposit.
    expect((await s.store.get(REF))?.signed).toBe("3000");
    expect((await s.store.get({ ...REF, payTo: OTHER }))?.signed).toBe("1000");
    expect(await s.store.locked()).toBe("200000");
  });
});

function bytesHex(b: Uint8Array): string {
  return Buffer.from(b).toString("hex");
}
