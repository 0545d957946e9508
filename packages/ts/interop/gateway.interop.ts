// payingFetch against the Rust farthing-gateway (packages/gateway) on a devnode, the real VM
// with the suite deployed. Run by `cargo test -p farthing-gateway --test interop`, which
// starts the chain, the publisher's API, the gateway, and a bridge through which this
// test's opener sends the payer's OpenChannel/TopUpChannel/ExtendChannel/Channel query
// (the Rust ChainOpener: the payer's wallet). It writes what it saw to
// FARTHING_INTEROP_OUT; the Rust side then settles and checks the chain.
import { copyFile, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import {
  FilePayStore,
  paymentReceipt,
  payingFetch,
  type ChannelLife,
  type ChannelOpener,
  type SettlementResponse,
  type SignerKey,
} from "../src/index";

function env(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: this test is run by packages/gateway/tests/interop.rs`);
  return v;
}

const GATEWAY = env("FARTHING_GATEWAY_URL");
const NETWORK = env("FARTHING_NETWORK");
const TOKEN = env("FARTHING_TOKEN");
const PAYEE = env("FARTHING_PAYEE");
const BRIDGE = env("FARTHING_OPENER_URL");
const OUT = env("FARTHING_INTEROP_OUT");
const PRICE = BigInt(env("FARTHING_PRICE"));

/** The payer's wallet, over the Rust test's bridge. */
class BridgeOpener implements ChannelOpener {
  readonly calls: string[] = [];
  private async call<T>(path: string, body: unknown): Promise<T> {
    this.calls.push(path);
    const res = await fetch(`${BRIDGE}/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(text);
    return JSON.parse(text) as T;
  }
  openChannel(args: { payee: string; amount: string; expiresAt: number; signer: SignerKey }) {
    return this.call<{ channelId: string }>("open", args);
  }
  async topUp(args: { channelId: string; amount: string }) {
    await this.call("top-up", args);
  }
  async extend(args: { channelId: string; expiresAt: number }) {
    await this.call("extend", args);
  }
  channelStatus(args: { channelId: string }) {
    return this.call<ChannelLife | null>("status", args);
  }
}

async function paidOk(res: Response, body: string): Promise<SettlementResponse> {
  expect(res.status).toBe(200);
  expect(await res.text()).toBe(body);
  const receipt = paymentReceipt(res);
  expect(receipt).toBeDefined();
  expect(receipt!.success).toBe(true);
  return receipt!;
}

describe("payingFetch against farthing-gateway (Rust) on the real VM", () => {
  it("opens, pays serially and in parallel, tops up, reuses a refund's credit, and catches up after a restored backup", async () => {
    const dir = await mkdtemp(join(tmpdir(), "farthing-interop-"));
    const file = join(dir, "pay.json");
    const opener = new BridgeOpener();
    const wrap = (path: string) =>
      payingFetch({
        network: NETWORK,
        asset: TOKEN,
        budget: 1_000_000n * PRICE,
        opener,
        store: new FilePayStore(path),
        // 20 requests per deposit: the run tops up while requests are in flight.
        depositFor: () => 20n * PRICE,
      });
    const paid = wrap(file);
    const ref = { network: NETWORK, asset: TOKEN, payTo: PAYEE };

    // 10 in a row: a 402, an OpenChannel, then a voucher each.
    for (let i = 0; i < 10; i++) {
      const r = await paidOk(await paid(`${GATEWAY}/paid/a${i}`), `article a${i}`);
      expect([r.amount, r.spent, r.accepted]).toEqual([String(PRICE), String(BigInt(i + 1) * PRICE), String(BigInt(i + 1) * PRICE)]);
      expect(r.network).toBe(NETWORK);
    }
    const backup = join(dir, "backup.json");
    await copyFile(file, backup); // signed = 10 prices

    // 20 at once: distinct cumulatives, a top-up on the way (the deposit is 20 prices).
    const parallel = await Promise.all(
      Array.from({ length: 20 }, (_, i) => paid(`${GATEWAY}/paid/p${i}`).then((res) => paidOk(res, `article p${i}`))),
    );
    const spents = parallel.map((r) => BigInt(r.spent)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    expect(spents).toEqual(Array.from({ length: 20 }, (_, i) => BigInt(11 + i) * PRICE));

    // The upstream fails: not charged; the next request pays with that voucher (credit).
    const failed = await paid(`${GATEWAY}/paid/fail`);
    expect(failed.status).toBe(500);
    expect(paymentReceipt(failed)).toMatchObject({ success: false, errorReason: "upstream_failed", amount: "0", spent: String(30n * PRICE) });
    const afterFail = await paidOk(await paid(`${GATEWAY}/paid/after-fail`), "article after-fail");
    expect([afterFail.spent, afterFail.accepted]).toEqual([String(31n * PRICE), String(31n * PRICE)]);
    const record = (await new FilePayStore(file).get(ref))!;
    expect(record.signed).toBe(String(31n * PRICE));

    // A store restored from the backup (signed 10 prices): one stale voucher, the gateway's
    // proof, and one price more.
    const restored = wrap(backup);
    const r = await paidOk(await restored(`${GATEWAY}/paid/restored`), "article restored");
    expect([r.spent, r.accepted, r.channelId]).toEqual([String(32n * PRICE), String(32n * PRICE), record.channelId]);
    const caughtUp = (await new FilePayStore(backup).get(ref))!;
    expect(caughtUp.signed).toBe(String(32n * PRICE));

    // The chain's word on the channel, through the opener: open.
    expect(await opener.channelStatus({ channelId: record.channelId })).toEqual({ closed: false, closing: false, deposit: record.deposit });
    expect(await opener.channelStatus({ channelId: "987654" })).toBeNull();
    expect(opener.calls.filter((c) => c === "open")).toHaveLength(1);
    expect(opener.calls.filter((c) => c === "top-up").length).toBeGreaterThanOrEqual(1);

    const both = await new FilePayStore(file).locked();
    await writeFile(
      OUT,
      JSON.stringify({ channelId: record.channelId, signed: caughtUp.signed, deposit: caughtUp.deposit, locked: both, calls: opener.calls }),
    );
  });
});
