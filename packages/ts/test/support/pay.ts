// The payer's test bench for payingFetch: a fake chain and opener, and a gateway in
// TypeScript that implements packages/gateway/DESIGN.md sections 1-4 (the 402, the
// acceptance rule on books (spent, accepted) serialized per channel, and the receipt),
// with the SDK's verifyVoucher. Used by pay-fetch.test.ts and pay-fetch-review.test.ts.
import { expect } from "vitest";

import {
  decodeHeader,
  encodeHeader,
  FARTHING_SCHEME,
  MemoryPayStore,
  parsePaymentPayload,
  PayFetchError,
  paymentReceipt,
  payingFetch,
  verifyVoucher,
  type ChannelOpener,
  type ChannelStatus,
  type FetchLike,
  type PaidChannelRecord,
  type PaymentPayload,
  type PaymentRequired,
  type PaymentRequirements,
  type PayStore,
  type SettlementResponse,
  type SignerKey,
} from "../../src/index";

export const CHAIN = "farthing-1";
export const NETWORK = `cosmos:${CHAIN}`;
export const TOKEN = "wasm1token0000000000000000000000000000000000000000000000000000";
export const PAYEE = "wasm1publisher00000000000000000000000000000000000000000000000";
export const NOW = 1_790_000_000;
export const MIN_EXPIRY = 7_200;
export const LIFETIME = 30 * 86_400;
export const PRICE = 1_000n;

// ---- a fake chain and opener ----

export interface ChainChannel {
  id: string;
  payee: string;
  signer: SignerKey;
  deposit: bigint;
  claimed: bigint;
  expiresAt: number;
  closing: boolean;
  closed: boolean;
}

/** Where the gateway reads channels from (a fake chain, or the token in the simulator). */
export interface ChannelSource {
  channel(id: string): Promise<ChainChannel | undefined>;
}

export class FakeChain implements ChannelSource {
  readonly channels = new Map<string, ChainChannel>();
  async channel(id: string): Promise<ChainChannel | undefined> {
    const c = this.channels.get(id);
    return c && { ...c };
  }
}

export type OpenerCall =
  | { kind: "open"; payee: string; amount: string; expiresAt: number; signer: SignerKey }
  | { kind: "topUp"; channelId: string; amount: string }
  | { kind: "extend"; channelId: string; expiresAt: number }
  | { kind: "status"; channelId: string };

export class FakeOpener implements ChannelOpener {
  readonly calls: OpenerCall[] = [];
  private next = 1;
  /** How many of the next top-ups report success without landing (a lost transaction). */
  lostTopUps = 0;
  constructor(private readonly chain: FakeChain) {}

  async openChannel(args: { payee: string; amount: string; expiresAt: number; signer: SignerKey }) {
    this.calls.push({ kind: "open", ...args });
    const id = String(this.next++);
    this.chain.channels.set(id, {
      id,
      payee: args.payee,
      signer: args.signer,
      deposit: BigInt(args.amount),
      claimed: 0n,
      expiresAt: args.expiresAt,
      closing: false,
      closed: false,
    });
    return { channelId: id };
  }
  async topUp(args: { channelId: string; amount: string }) {
    this.calls.push({ kind: "topUp", ...args });
    if (this.lostTopUps > 0) {
      this.lostTopUps--;
      return;
    }
    this.chain.channels.get(args.channelId)!.deposit += BigInt(args.amount);
  }
  async extend(args: { channelId: string; expiresAt: number }) {
    this.calls.push({ kind: "extend", ...args });
    this.chain.channels.get(args.channelId)!.expiresAt = args.expiresAt;
  }
  async channelStatus({ channelId }: { channelId: string }) {
    this.calls.push({ kind: "status", channelId });
    const c = this.chain.channels.get(channelId);
    return c ? { closed: c.closed, closing: c.closing, deposit: String(c.deposit) } : null;
  }
  /** The transactions (the calls but the Channel queries). */
  txs(): OpenerCall[] {
    return this.calls.filter((c) => c.kind !== "status");
  }
  count(kind: OpenerCall["kind"]): number {
    return this.calls.filter((c) => c.kind === kind).length;
  }
}

// ---- the gateway (DESIGN.md sections 1-4) ----

export interface GatewayOptions {
  source: ChannelSource;
  now: () => number;
  prices?: Record<string, bigint>;
  minDeposit?: bigint;
  network?: string;
  asset?: string;
  payTo?: string;
  /** The upstream API; default: 200 with `{ path, body }`. */
  upstream?: (request: Request) => Promise<Response>;
  /** Called with each paid request's voucher before it is checked. */
  onVoucher?: (payload: PaymentPayload) => Promise<void>;
  /** Holds the first `holdUntil` paid requests until they all arrived, then checks them in reverse. */
  holdUntil?: number;
  /** Rewrites the channel status of each refusal (a lying gateway). */
  tamper?: (status: ChannelStatus) => ChannelStatus;
  /** Refuses every paid request with this code (a lying gateway), after checking nothing. */
  refuseWith?: string;
}

export interface Books {
  spent: bigint;
  accepted: bigint;
}

export class Refusal extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(`[code=${code}] ${message}`);
  }
}

export class MockGateway {
  readonly books = new Map<string, Books>();
  /** The signature of each channel's `accepted` voucher. */
  readonly proofs = new Map<string, string>();
  /** Every voucher accepted, in the order checked. */
  readonly accepted: { channelId: string; cumulative: bigint; path: string }[] = [];
  /** The code of every 402. */
  readonly refusals: string[] = [];
  upstreamCalls = 0;
  /** The last payment accepted. */
  lastPayload: PaymentPayload | undefined;
  private readonly locks = new Map<string, Promise<unknown>>();
  private held: (() => void)[] = [];
  private heldTotal = 0;
  readonly network: string;
  readonly asset: string;
  readonly payTo: string;

  constructor(private readonly o: GatewayOptions) {
    this.network = o.network ?? NETWORK;
    this.asset = o.asset ?? TOKEN;
    this.payTo = o.payTo ?? PAYEE;
  }

  requirements(path: string, channel?: ChannelStatus): PaymentRequirements {
    return {
      scheme: FARTHING_SCHEME,
      network: this.network,
      amount: String(this.o.prices?.[path] ?? PRICE),
      asset: this.asset,
      payTo: this.payTo,
      maxTimeoutSeconds: 30,
      extra: {
        minDeposit: String(this.o.minDeposit ?? 50_000n),
        minExpirySeconds: MIN_EXPIRY,
        settleSeconds: 3_600,
        signerKinds: ["ed25519", "secp256k1"],
        ...(channel ? { channel } : {}),
      },
    };
  }

  private required(path: string, code: string, message: string, channel?: ChannelStatus): Response {
    this.refusals.push(code);
    const body: PaymentRequired = {
      x402Version: 2,
      error: `[code=${code}] ${message}`,
      resource: { url: path, description: "Quote", mimeType: "application/json" },
      accepts: [this.requirements(path, channel)],
    };
    return new Response(JSON.stringify(body), {
      status: 402,
      headers: { "content-type": "application/json", "PAYMENT-REQUIRED": encodeHeader(body) },
    });
  }

  private serialized<T>(channel: string, work: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(channel) ?? Promise.resolve();
    const next = prev.then(work, work);
    this.locks.set(
      channel,
      next.then(
        () => undefined,
        () => undefined,
      ),
    );
    return next;
  }

  private status(ch: ChainChannel, b: Books): ChannelStatus {
    const proof = this.proofs.get(ch.id);
    const status: ChannelStatus = {
      id: ch.id,
      spent: String(b.spent > ch.claimed ? b.spent : ch.claimed),
      accepted: String(b.accepted),
      ...(proof === undefined ? {} : { acceptedSignature: proof }),
      deposit: String(ch.deposit),
      expiresAt: ch.expiresAt,
    };
    return this.o.tamper ? this.o.tamper(status) : status;
  }

  /** The acceptance rule (section 3): the books after this request, or a refusal. */
  private check(ch: ChainChannel, price: bigint, p: PaymentPayload): Books {
    const a = p.accepted;
    if (a.network !== this.network) throw new Refusal("wrong_chain", a.network);
    if (a.asset !== this.asset) throw new Refusal("wrong_token", a.asset);
    if (a.payTo !== this.payTo || ch.payee !== this.payTo) throw new Refusal("wrong_payee", a.payTo);
    if (ch.closed) throw new Refusal("channel_closed", ch.id);
    if (ch.closing) throw new Refusal("channel_closing", ch.id);
    if (this.o.now() + MIN_EXPIRY >= ch.expiresAt) throw new Refusal("channel_expiring", ch.id);
    const b = this.books.get(ch.id) ?? { spent: 0n, accepted: 0n };
    const spent = b.spent > ch.claimed ? b.spent : ch.claimed;
    const v = BigInt(p.payload.cumulative);
    if (v < spent) throw new Refusal("stale_voucher", `${v} < ${spent}`);
    const best = b.accepted > v ? b.accepted : v;
    if (best < spent + price) throw new Refusal("underpaid", `needs ${spent + price}`);
    if (v > ch.deposit) throw new Refusal("over_deposit", `${v} > ${ch.deposit}`);
    const voucher = {
      chain_id: a.network.slice("cosmos:".length),
      token: a.asset,
      channel_id: p.payload.channelId,
      payee: a.payTo,
      cumulative: p.payload.cumulative,
    };
    try {
      verifyVoucher(voucher, p.payload.signature, ch.signer);
    } catch (e) {
      throw new Refusal("bad_signature", String(e));
    }
    return { spent: spent + price, accepted: best };
  }

  readonly fetch: FetchLike = async (input, init) => {
    const request = new Request(input, init);
    const path = new URL(request.url).pathname;
    const price = this.o.prices?.[path] ?? PRICE;
    const header = request.headers.get("PAYMENT-SIGNATURE");
    if (header === null) return this.required(path, "payment_required", `this request costs ${price}`);
    let p: PaymentPayload;
    try {
      p = parsePaymentPayload(decodeHeader(header));
    } catch {
      return this.required(path, "bad_payment", "not a payment");
    }
    if (p.x402Version !== 2 || p.accepted.scheme !== FARTHING_SCHEME) {
      return this.required(path, "bad_payment", "scheme or version");
    }
    await this.o.onVoucher?.(p);
    if (this.o.holdUntil !== undefined && this.heldTotal < this.o.holdUntil) {
      this.heldTotal++;
      await new Promise<void>((resolve) => {
        this.held.push(resolve);
        if (this.held.length === this.o.holdUntil) {
          const all = this.held.reverse();
          this.held = [];
          // Release one at a time, last arrived first.
          void all.reduce((prev, r) => prev.then(() => (r(), new Promise((t) => setTimeout(t, 1)))), Promise.resolve());
        }
      });
    }
    const id = p.payload.channelId;
    // Checked and booked per channel, one at a time, before the upstream is called.
    const outcome = await this.serialized(id, async () => {
      const ch = await this.o.source.channel(id);
      if (!ch) return { refused: this.required(path, "unknown_channel", id) };
      try {
        if (this.o.refuseWith) throw new Refusal(this.o.refuseWith, "a lie");
        const after = this.check(ch, price, p);
        if (after.accepted === BigInt(p.payload.cumulative)) this.proofs.set(id, p.payload.signature);
        this.books.set(id, after);
        this.accepted.push({ channelId: id, cumulative: BigInt(p.payload.cumulative), path });
        this.lastPayload = p;
        return { after };
      } catch (e) {
        if (!(e instanceof Refusal)) throw e;
        const b = this.books.get(id) ?? { spent: 0n, accepted: 0n };
        return { refused: this.required(path, e.code, e.message, this.status(ch, b)) };
      }
    });
    if (outcome.refused) return outcome.refused;
    this.upstreamCalls++;
    let upstream: Response | undefined;
    try {
      upstream = await (this.o.upstream ?? echo)(request);
    } catch {
      upstream = undefined;
    }
    const failed = upstream === undefined || upstream.status >= 500;
    if (failed) {
      await this.serialized(id, async () => {
        const b = this.books.get(id)!;
        this.books.set(id, { spent: b.spent - price, accepted: b.accepted });
      });
    }
    const b = this.books.get(id)!;
    const receipt: SettlementResponse = {
      success: !failed,
      transaction: "",
      network: this.network,
      payer: "wasm1payer",
      ...(failed ? { errorReason: "upstream_failed" } : {}),
      channelId: id,
      amount: failed ? "0" : String(price),
      spent: String(b.spent),
      accepted: String(b.accepted),
    };
    const headers = new Headers(upstream?.headers);
    headers.set("PAYMENT-RESPONSE", encodeHeader(receipt));
    return new Response(upstream ? await upstream.text() : "upstream failed", {
      status: upstream?.status ?? 502,
      headers,
    });
  };
}

export async function echo(request: Request): Promise<Response> {
  const path = new URL(request.url).pathname;
  const body = request.method === "GET" ? null : await request.text();
  return Response.json({ path, body });
}

// ---- helpers ----

export { FakeStorage } from "./storage";

export async function codeOf(p: Promise<unknown>): Promise<{ code: string; error: PayFetchError }> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(PayFetchError);
    return { code: (e as PayFetchError).code, error: e as PayFetchError };
  }
  throw new Error("expected a rejection, it resolved");
}

export const URL_QUOTE = "http://gateway.test/v1/quote";
export const REF = { network: NETWORK, asset: TOKEN, payTo: PAYEE };

export interface Setup {
  chain: FakeChain;
  opener: FakeOpener;
  gateway: MockGateway;
  store: PayStore;
  clock: { now: number };
  paid: FetchLike;
  retired: { record: PaidChannelRecord; reason: string }[];
  wrap: (extra?: Partial<Parameters<typeof payingFetch>[0]>) => FetchLike;
  /** The store the gateway checks each voucher against (stored before it left). */
  watched: { store: PayStore };
}

export function setup(
  o: {
    store?: PayStore;
    budget?: bigint;
    gateway?: Partial<GatewayOptions>;
    depositFor?: (r: PaymentRequirements) => bigint;
    /** The gateway's (the chain's) clock is this many seconds ahead of the payer's. */
    gatewayAhead?: number;
  } = {},
): Setup {
  const chain = new FakeChain();
  const opener = new FakeOpener(chain);
  const clock = { now: NOW };
  const store = o.store ?? new MemoryPayStore();
  const retired: Setup["retired"] = [];
  const watched = { store };
  const gateway = new MockGateway({
    source: chain,
    now: () => clock.now + (o.gatewayAhead ?? 0),
    // Every voucher reaching the gateway was stored as signed before it left.
    onVoucher: async (p) => {
      const r = await watched.store.get(REF);
      expect(r?.channelId).toBe(p.payload.channelId);
      expect(BigInt(r!.signed)).toBeGreaterThanOrEqual(BigInt(p.payload.cumulative));
    },
    ...o.gateway,
  });
  const wrap = (extra: Partial<Parameters<typeof payingFetch>[0]> = {}) =>
    payingFetch({
      fetch: gateway.fetch,
      network: NETWORK,
      asset: TOKEN,
      budget: o.budget ?? 10_000_000n,
      opener,
      store,
      now: () => clock.now,
      onChannelRetired: (record, reason) => retired.push({ record, reason }),
      ...(o.depositFor ? { depositFor: o.depositFor } : {}),
      ...extra,
    });
  return { chain, opener, gateway, store, clock, paid: wrap(), retired, wrap, watched };
}

export async function ok(p: Promise<Response>): Promise<SettlementResponse> {
  const res = await p;
  expect(res.status).toBe(200);
  const receipt = paymentReceipt(res);
  expect(receipt).toBeDefined();
  return receipt!;
}
