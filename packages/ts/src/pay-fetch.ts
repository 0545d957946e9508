/**
 * The payer's side of farthing-gateway: a `fetch` that pays per request with vouchers on
 * Farthing payment channels, in x402 version 2 shapes (scheme `farthing-channel`). The wire
 * protocol and the client's algorithm are packages/gateway/DESIGN.md (sections 1-5); the
 * Rust types are packages/gateway/src/protocol.rs, mirrored here field for field.
 *
 * ```ts
 * const paid = payingFetch({
 *   network: "cosmos:farthing-1",
 *   asset: tokenAddress,
 *   budget: "5000000", // at most this much locked into channels, ever (persisted)
 *   opener: tokenOpener(new MicropayTokenClient(signingClient, me, tokenAddress)),
 *   store: new WebStoragePayStore(), // or new FilePayStore(path) in Node
 * });
 * const res = await paid("https://api.example/v1/quote/ATOM");
 * paymentReceipt(res); // { success, channelId, amount, spent, accepted, ... }
 * ```
 *
 * How the cumulative amount is chosen (per channel, in memory; `signed` is persisted):
 * - `signed` is the highest cumulative ever signed on the channel; it is written to the
 *   store before a voucher at or below it leaves.
 * - `expected` is what the gateway's `spent` will be once every request sent so far is
 *   charged. A request of price `p` takes `expected += p` and sends
 *   `max(signed, expected)`. Parallel requests thus get distinct, increasing cumulatives
 *   (`p`, `2p`, ... ), allocated one at a time; only the HTTP requests run in parallel.
 * - A receipt with `success: false` (the upstream failed, nothing was charged) gives the
 *   price back: `expected -= p`. The next voucher is then `signed` again (the gateway
 *   holds it as credit) instead of `signed + p`: nothing is signed that is not needed.
 * - `underpaid` / `stale_voucher`: when the gateway proves it holds a higher voucher
 *   (`acceptedSignature` verifies with the channel's key), `signed` catches up to it (a
 *   store restored from a backup). The request is then paid again with
 *   `max(signed, spent + p)`, the gateway's `spent` believed only up to `signed`: parallel
 *   requests that arrived out of order re-send the highest voucher already signed (the
 *   gateway's credit pays for them), and a new, higher voucher is signed at most once per
 *   request. A lying gateway thus gets at most one price more per request.
 * - `channel_expiring`: the channel is extended, and the same voucher sent again.
 * - `channel_closing` / `channel_closed` / `unknown_channel`: the chain is asked
 *   (`opener.channelStatus`); the channel is dropped only if the chain agrees.
 * - After a reload, `expected` starts at the stored `signed` (everything signed is taken
 *   as spent): a credit left at the gateway by a failed request before the reload is not
 *   reused.
 */

import { parseError } from "./errors";
import type { RawEvent } from "./events";
import { createdIds } from "./events";
import type { MicropayTokenClient } from "./generated/MicropayToken.client";
import { fileLocks, Locks, readRecordFile, writeTextFileAtomic } from "./persist";
import { generateSessionKey, type SessionKey, type StorageLike } from "./session";
import {
  bytesToHex,
  parseAmount,
  parseChannelId,
  parseSignerKey,
  publicKey,
  signVoucher,
  U128_MAX,
  verifyVoucher,
  type KeyType,
  type SignerKey,
} from "./voucher";

// ---- the wire protocol ----

export const X402_VERSION = 2;
/** The scheme: a voucher on a Farthing payment channel. */
export const FARTHING_SCHEME = "farthing-channel";
export const PAYMENT_REQUIRED_HEADER = "PAYMENT-REQUIRED";
export const PAYMENT_SIGNATURE_HEADER = "PAYMENT-SIGNATURE";
export const PAYMENT_RESPONSE_HEADER = "PAYMENT-RESPONSE";
/** The CAIP-2 namespace of Cosmos chains: a network is `cosmos:<chain-id>`. */
export const COSMOS_NAMESPACE = "cosmos:";

/** The codes of the gateway's `402` errors (`[code=...]`), and its `503`'s. */
export const GATEWAY_ERROR_CODES = [
  "payment_required",
  "bad_payment",
  "unknown_channel",
  "wrong_chain",
  "wrong_token",
  "wrong_payee",
  "wrong_channel",
  "channel_closed",
  "channel_closing",
  "channel_expiring",
  "stale_voucher",
  "underpaid",
  "over_deposit",
  "bad_signature",
  "chain_unavailable",
] as const;
export type GatewayErrorCode = (typeof GATEWAY_ERROR_CODES)[number];

export interface Resource {
  url: string;
  description?: string;
  mimeType?: string;
}

/** The `402` answer (header `PAYMENT-REQUIRED`, and the body). */
export interface PaymentRequired {
  x402Version: number;
  /** `[code=<code>] <message>`: see {@link paymentErrorCode}. */
  error?: string;
  resource: Resource;
  /** Ways to pay. Only the `farthing-channel` entries are checked by the parsers here. */
  accepts: PaymentRequirements[];
}

/** One way to pay: this scheme, on this chain, in this token, to this payee. */
export interface PaymentRequirements {
  /** `farthing-channel`. */
  scheme: string;
  /** `cosmos:<chain-id>`. */
  network: string;
  /** This request's price in the token's smallest unit (decimal). */
  amount: string;
  /** The token contract's address. */
  asset: string;
  /** The payee: channels are opened to this address. */
  payTo: string;
  maxTimeoutSeconds: number;
  extra: ChannelTerms;
}

/** What a channel must look like for the gateway to accept its vouchers. */
export interface ChannelTerms {
  /** The smallest deposit of a new channel (decimal). */
  minDeposit: string;
  /** A channel's expiry must stay at least this far ahead of a request. */
  minExpirySeconds: number;
  /** The token's settle period, for information. */
  settleSeconds: number;
  /** The voucher keys the token accepts: `ed25519`, `secp256k1`. */
  signerKinds: string[];
  /** When the request named a channel: the gateway's books on it. */
  channel?: ChannelStatus;
}

/** The gateway's books on one channel. */
export interface ChannelStatus {
  /** Decimal u64. */
  id: string;
  /** The value of the requests served. */
  spent: string;
  /** The highest voucher the gateway holds. */
  accepted: string;
  /**
   * The signature of that voucher (hex), when the gateway still has it: the proof that
   * the payer signed `accepted`. A client whose store is behind (restored from a backup)
   * checks it with the channel's key and catches up to it.
   */
  acceptedSignature?: string;
  deposit: string;
  /** Seconds since the epoch. */
  expiresAt: number;
}

/** The client's payment (header `PAYMENT-SIGNATURE`). */
export interface PaymentPayload {
  x402Version: number;
  resource?: Resource;
  /** The requirements chosen from the `402`, unchanged. */
  accepted: PaymentRequirements;
  payload: ChannelPayment;
}

/** A voucher: the payee may claim `cumulative` in total from channel `channelId`. */
export interface ChannelPayment {
  channelId: string;
  cumulative: string;
  /** 64 bytes, hex. */
  signature: string;
}

/** The receipt of a paid request (header `PAYMENT-RESPONSE`). */
export interface SettlementResponse {
  /** Whether the request was charged (false: the upstream failed, nothing was charged). */
  success: boolean;
  /** Empty: vouchers settle later, in batches. */
  transaction: string;
  network: string;
  /** The channel's payer. */
  payer: string;
  /** `upstream_failed` when `success` is false. */
  errorReason?: string;
  channelId: string;
  /** What this request cost ("0" when not charged). */
  amount: string;
  /** The channel's books after this request. */
  spent: string;
  accepted: string;
}

// ---- errors ----

export type PayFetchErrorCode =
  /** Opening or topping up a channel would lock more than the budget. */
  | "budget_exceeded"
  /** The `402` offers no `farthing-channel` entry on the configured network and asset. */
  | "no_matching_requirements"
  /** The price is above `maxAmount`. */
  | "price_too_high"
  /** The gateway refused the payment for good: `gatewayCode` says why. */
  | "payment_refused"
  /** A header is not base64 JSON of the expected shape. */
  | "invalid_header"
  /** The opener's transaction failed (`cause` holds its error). */
  | "opener_failed"
  /** The stored channel's key is not the key given (`options.key`). */
  | "key_mismatch"
  /** The store holds something that is not a pay-channel record. */
  | "corrupt_store"
  /** No Web Storage (no `localStorage` here, and none given). */
  | "no_storage"
  /** An option is out of range or missing. */
  | "invalid_options";

export class PayFetchError extends Error {
  readonly code: PayFetchErrorCode;
  /** For `payment_refused`: the gateway's code (`wrong_payee`, `bad_signature`, ...). */
  readonly gatewayCode?: GatewayErrorCode | (string & {});
  /** For `payment_refused` and `no_matching_requirements`: the gateway's `402`. */
  readonly paymentRequired?: PaymentRequired;

  constructor(
    code: PayFetchErrorCode,
    message: string,
    details: { gatewayCode?: string; paymentRequired?: PaymentRequired; cause?: unknown } = {},
  ) {
    super(`[code=${code}] ${message}`, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "PayFetchError";
    this.code = code;
    if (details.gatewayCode !== undefined) this.gatewayCode = details.gatewayCode;
    if (details.paymentRequired !== undefined) this.paymentRequired = details.paymentRequired;
  }
}

// ---- headers ----

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder("utf-8", { fatal: true });

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text.trim());
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Base64 (standard alphabet, padded) of the UTF-8 JSON of `value`, as every x402 header. */
export function encodeHeader(value: unknown): string {
  return toBase64(utf8Encoder.encode(JSON.stringify(value)));
}

/**
 * The JSON value in a base64 header. Not checked against a shape: see
 * {@link parsePaymentRequired}, {@link parsePaymentPayload}, {@link parseSettlementResponse}.
 * Throws `invalid_header`.
 */
export function decodeHeader<T = unknown>(text: string): T {
  let bytes: Uint8Array;
  try {
    bytes = fromBase64(text);
  } catch {
    throw new PayFetchError("invalid_header", "not base64");
  }
  try {
    return JSON.parse(utf8Decoder.decode(bytes)) as T;
  } catch {
    throw new PayFetchError("invalid_header", "not UTF-8 JSON");
  }
}

/** The stable code of a `402`'s `error` (`[code=underpaid] ...` gives `underpaid`), as Rust's `code()`. */
export function paymentErrorCode(required: Pick<PaymentRequired, "error">): string | undefined {
  const e = required.error;
  if (typeof e !== "string" || !e.startsWith("[code=")) return undefined;
  const end = e.indexOf("]");
  return end < 0 ? undefined : e.slice("[code=".length, end);
}

// ---- shape checks (a header or a store read back) ----

type Json = Record<string, unknown>;

class Shape {
  constructor(
    private readonly what: string,
    /** Throws the store's or the header's error. */
    readonly fail: (message: string) => never,
  ) {}

  object(v: unknown, field: string): Json {
    if (typeof v !== "object" || v === null || Array.isArray(v)) this.fail(`${this.what}: ${field} is not an object`);
    return v as Json;
  }
  string(o: Json, field: string): string {
    const v = o[field];
    if (typeof v !== "string") this.fail(`${this.what}: ${field} is not a string`);
    return v as string;
  }
  optionalString(o: Json, field: string): void {
    if (o[field] !== undefined && o[field] !== null) this.string(o, field);
  }
  amount(o: Json, field: string): void {
    try {
      parseAmount(this.string(o, field));
    } catch {
      this.fail(`${this.what}: ${field} is not a decimal amount (u128)`);
    }
  }
  channelId(o: Json, field: string): void {
    try {
      parseChannelId(this.string(o, field));
    } catch {
      this.fail(`${this.what}: ${field} is not a decimal channel id (u64)`);
    }
  }
  hex(o: Json, field: string, what: string): void {
    if (!/^(?:[0-9a-fA-F]{2})*$/.test(this.string(o, field))) this.fail(`${what} is not hex`);
  }
  seconds(o: Json, field: string): void {
    const v = o[field];
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) {
      this.fail(`${this.what}: ${field} is not a whole number of seconds`);
    }
  }
}

const headerShape = (what: string) =>
  new Shape(what, (message) => {
    throw new PayFetchError("invalid_header", message);
  });

function checkResource(s: Shape, v: unknown): void {
  const r = s.object(v, "resource");
  s.string(r, "url");
  s.optionalString(r, "description");
  s.optionalString(r, "mimeType");
}

function checkStatus(s: Shape, v: unknown): void {
  const c = s.object(v, "extra.channel");
  s.channelId(c, "id");
  s.amount(c, "spent");
  s.amount(c, "accepted");
  if (c.acceptedSignature !== undefined && c.acceptedSignature !== null) s.hex(c, "acceptedSignature", "extra.channel.acceptedSignature");
  s.amount(c, "deposit");
  s.seconds(c, "expiresAt");
}

function checkRequirements(s: Shape, v: unknown): void {
  const r = s.object(v, "requirements");
  s.string(r, "scheme");
  s.string(r, "network");
  s.amount(r, "amount");
  s.string(r, "asset");
  s.string(r, "payTo");
  s.seconds(r, "maxTimeoutSeconds");
  const e = s.object(r.extra, "extra");
  s.amount(e, "minDeposit");
  s.seconds(e, "minExpirySeconds");
  s.seconds(e, "settleSeconds");
  if (!Array.isArray(e.signerKinds) || !e.signerKinds.every((k) => typeof k === "string")) {
    s.fail("extra.signerKinds is not a list of strings");
  }
  if (e.channel !== undefined && e.channel !== null) checkStatus(s, e.channel);
}

/** Checks a `farthing-channel` requirements entry; `invalid_header` if it is not one. */
export function parsePaymentRequirements(value: unknown): PaymentRequirements {
  checkRequirements(headerShape("payment requirements"), value);
  return value as PaymentRequirements;
}

/**
 * Checks a `402` answer: its `farthing-channel` entries fully, the others only for a
 * `scheme`. The value is returned as it came (unknown fields kept: `accepted` is echoed
 * unchanged).
 */
export function parsePaymentRequired(value: unknown): PaymentRequired {
  const s = headerShape("PAYMENT-REQUIRED");
  const o = s.object(value, "the answer");
  if (typeof o.x402Version !== "number") s.fail("x402Version is not a number");
  s.optionalString(o, "error");
  checkResource(s, o.resource);
  if (!Array.isArray(o.accepts)) s.fail("accepts is not a list");
  for (const entry of o.accepts as unknown[]) {
    const e = s.object(entry, "accepts[]");
    if (s.string(e, "scheme") === FARTHING_SCHEME) checkRequirements(s, e);
  }
  return value as PaymentRequired;
}

/** Checks a `PAYMENT-SIGNATURE` payload (what a gateway reads). */
export function parsePaymentPayload(value: unknown): PaymentPayload {
  const s = headerShape("PAYMENT-SIGNATURE");
  const o = s.object(value, "the payload");
  if (typeof o.x402Version !== "number") s.fail("x402Version is not a number");
  if (o.resource !== undefined && o.resource !== null) checkResource(s, o.resource);
  checkRequirements(s, o.accepted);
  const p = s.object(o.payload, "payload");
  s.channelId(p, "channelId");
  s.amount(p, "cumulative");
  s.hex(p, "signature", "payload.signature");
  return value as PaymentPayload;
}

/** Checks a `PAYMENT-RESPONSE` receipt. */
export function parseSettlementResponse(value: unknown): SettlementResponse {
  const s = headerShape("PAYMENT-RESPONSE");
  const o = s.object(value, "the receipt");
  if (typeof o.success !== "boolean") s.fail("success is not a boolean");
  s.string(o, "transaction");
  s.string(o, "network");
  s.string(o, "payer");
  s.optionalString(o, "errorReason");
  s.channelId(o, "channelId");
  s.amount(o, "amount");
  s.amount(o, "spent");
  s.amount(o, "accepted");
  return value as SettlementResponse;
}

/**
 * The receipt of a paid request (its `PAYMENT-RESPONSE` header), or `undefined` when the
 * answer has none (not a paid request). In a browser, the gateway must list the header in
 * `Access-Control-Expose-Headers` for a cross-origin page to read it. Throws
 * `invalid_header` for a header that is not a receipt.
 */
export function paymentReceipt(response: Pick<Response, "headers">): SettlementResponse | undefined {
  const text = response.headers.get(PAYMENT_RESPONSE_HEADER);
  if (text === null) return undefined;
  return parseSettlementResponse(decodeHeader(text));
}

// ---- the app's chain transactions ----

/**
 * The chain transactions `payingFetch` needs, signed by the payer's wallet. Times are
 * seconds since the epoch (the token's `Timestamp` is nanoseconds: {@link tokenOpener}
 * converts). A transaction the chain refused must throw an error from which
 * {@link parseError} reads its code (what the generated clients throw), so that the budget
 * it had reserved is given back; any other error keeps the reservation (the transaction
 * may have landed).
 */
export interface ChannelOpener {
  /** `OpenChannel`: returns the new channel's id (decimal). */
  openChannel(args: { payee: string; amount: string; expiresAt: number; signer: SignerKey }): Promise<{ channelId: string }>;
  /** `TopUpChannel`: adds `amount` to the deposit. */
  topUp(args: { channelId: string; amount: string }): Promise<void>;
  /** `ExtendChannel`: moves the expiry to `expiresAt`. */
  extend(args: { channelId: string; expiresAt: number }): Promise<void>;
  /**
   * The channel as the chain has it (the token's `Channel` query), `null` when it does not
   * exist. Asked before a channel the gateway calls closing, closed or unknown is
   * abandoned, after `over_deposit`, and before each top-up: the gateway's word alone must
   * not make the wrapper lock anything, and a store behind the chain (a backup, a lost
   * answer) catches up with the deposit instead of locking more. Without it, such answers
   * are reported (`payment_refused`) and the channel kept.
   */
  channelStatus?(args: { channelId: string }): Promise<ChannelLife | null>;
}

/** A channel's life on chain, as {@link ChannelOpener.channelStatus} reads it. */
export interface ChannelLife {
  closed: boolean;
  /** `StartClose` was called: the settle period runs. */
  closing: boolean;
  /** What the payer locked into it (deposit and top-ups), decimal. */
  deposit: string;
}

/** The fee argument of the generated client's `openChannel`, `topUpChannel`, `extendChannel`. */
export type TokenFee = Parameters<MicropayTokenClient["openChannel"]>[1];

export interface TokenOpenerOptions {
  /** Per transaction kind; default `"auto"`. */
  fee?: TokenFee | { openChannel?: TokenFee; topUp?: TokenFee; extend?: TokenFee };
  memo?: string;
}

function nanos(seconds: number): string {
  return (BigInt(seconds) * 1_000_000_000n).toString();
}

/**
 * A {@link ChannelOpener} on the generated `MicropayTokenClient` (its sender is the payer).
 * The new channel's id is read from the transaction's `token_channel_opened` event; the
 * channel's life from the token's `channel` query, when the client has it (the generated
 * client does).
 */
export function tokenOpener(
  client: Pick<MicropayTokenClient, "openChannel" | "topUpChannel" | "extendChannel"> &
    Partial<Pick<MicropayTokenClient, "channel">>,
  options: TokenOpenerOptions = {},
): ChannelOpener {
  const feeOf = (kind: "openChannel" | "topUp" | "extend"): TokenFee => {
    const f = options.fee;
    if (typeof f === "object" && f !== null && !("gas" in f)) return f[kind] ?? "auto";
    return f ?? "auto";
  };
  return {
    async openChannel({ payee, amount, expiresAt, signer }) {
      const result: unknown = await client.openChannel(
        { payee, amount, expiresAt: nanos(expiresAt), signer },
        feeOf("openChannel"),
        options.memo,
      );
      const events = (result as { events?: readonly RawEvent[] } | null)?.events ?? [];
      const [channelId] = createdIds(events).channels;
      if (channelId === undefined) throw new Error("the OpenChannel transaction has no token_channel_opened event");
      return { channelId };
    },
    async topUp({ channelId, amount }) {
      await client.topUpChannel({ channel: channelId, amount }, feeOf("topUp"), options.memo);
    },
    async extend({ channelId, expiresAt }) {
      await client.extendChannel({ channel: channelId, expiresAt: nanos(expiresAt) }, feeOf("extend"), options.memo);
    },
    ...(client.channel
      ? {
          async channelStatus({ channelId }: { channelId: string }): Promise<ChannelLife | null> {
            try {
              const c = await client.channel!({ channel: channelId });
              return { closed: c.closed, closing: c.closing_at !== undefined && c.closing_at !== null, deposit: c.deposit };
            } catch (e) {
              // The token's query answers a missing channel with `channel <id> not found`.
              const text = e instanceof Error ? e.message : String(e);
              if (parseError(e)?.code === "channel_not_found" || text.includes(`channel ${channelId} not found`)) return null;
              throw e;
            }
          },
        }
      : {}),
  };
}

// ---- the store ----

/** Which channel: one per network, token and payee. */
export interface PayeeRef {
  network: string;
  asset: string;
  payTo: string;
}

/** What the store keeps for one channel (plain JSON). */
export interface PaidChannelRecord {
  version: 1;
  network: string;
  asset: string;
  payTo: string;
  /** Decimal u64. */
  channelId: string;
  /** The channel's voucher key (the `signer` of `OpenChannel`): the key reference. */
  signer: SignerKey;
  /** Hex of the 32-byte secret; `null` when the app keeps the key (`options.key`). */
  secretKey: string | null;
  /** What was locked into the channel (deposit and top-ups), decimal. */
  deposit: string;
  /** Seconds since the epoch. */
  expiresAt: number;
  /** The highest cumulative ever signed on the channel, decimal. */
  signed: string;
}

/**
 * Persistence of `payingFetch`: a channel record per (network, asset, payTo), and the
 * total ever locked into channels (the budget's use). Implementations:
 * `WebStoragePayStore` (browser), `FilePayStore` (Node), `MemoryPayStore` (tests).
 */
export interface PayStore {
  get(ref: PayeeRef): Promise<PaidChannelRecord | undefined>;
  put(record: PaidChannelRecord): Promise<void>;
  delete(ref: PayeeRef): Promise<void>;
  list(): Promise<PaidChannelRecord[]>;
  /** The total locked into channels so far (deposits and top-ups), decimal; "0" at first. */
  locked(): Promise<string>;
  setLocked(total: string): Promise<void>;
  /**
   * Runs `work` alone among every user of the same storage (the budget's read-modify-write
   * goes through it). Optional: without it, one lock per store object.
   */
  exclusive?<T>(work: () => Promise<T>): Promise<T>;
}

/** A stable string for a ref (JSON of a tuple: no separator can be ambiguous). */
export function payeeKeyOf(ref: PayeeRef): string {
  return JSON.stringify([ref.network, ref.asset, ref.payTo]);
}

const storeShape = (what: string) =>
  new Shape(what, (message) => {
    throw new PayFetchError("corrupt_store", message);
  });

/** Checks that `value` is a channel record (what a store read back); `corrupt_store` if not. */
export function parsePaidChannelRecord(value: unknown): PaidChannelRecord {
  const s = storeShape("pay-channel record");
  const r = s.object(value, "the record");
  if (r.version !== 1) s.fail(`version ${JSON.stringify(r.version)}`);
  const network = s.string(r, "network");
  const asset = s.string(r, "asset");
  const payTo = s.string(r, "payTo");
  s.channelId(r, "channelId");
  s.amount(r, "deposit");
  s.amount(r, "signed");
  s.seconds(r, "expiresAt");
  let signer: SignerKey;
  try {
    const parsed = parseSignerKey(r.signer as SignerKey);
    signer = parsed.keyType === "ed25519"
      ? { ed25519: bytesToHex(parsed.publicKey) }
      : { secp256k1: bytesToHex(parsed.publicKey) };
  } catch {
    return s.fail("signer is not a signer key");
  }
  const secretKey = r.secretKey;
  if (secretKey !== null) {
    if (typeof secretKey !== "string" || !/^[0-9a-f]{64}$/.test(secretKey)) s.fail("secretKey");
    const { keyType, publicKey: pk } = parseSignerKey(signer);
    let derived: string;
    try {
      derived = bytesToHex(publicKey(secretKey as string, keyType));
    } catch {
      return s.fail("secretKey is not a valid key");
    }
    if (derived !== bytesToHex(pk)) s.fail("secretKey is not the signer's");
  }
  return {
    version: 1,
    network,
    asset,
    payTo,
    channelId: r.channelId as string,
    signer,
    secretKey: secretKey as string | null,
    deposit: r.deposit as string,
    expiresAt: r.expiresAt as number,
    signed: r.signed as string,
  };
}

function checkLocked(value: unknown, where: string): string {
  try {
    return parseAmount(value as string).toString();
  } catch {
    throw new PayFetchError("corrupt_store", `${where}: the locked total is not a decimal amount`);
  }
}

function copyRecord(r: PaidChannelRecord): PaidChannelRecord {
  return { ...r, signer: { ...r.signer } as SignerKey };
}

/** A store in memory (tests; or an app that persists otherwise). */
export class MemoryPayStore implements PayStore {
  private readonly records = new Map<string, PaidChannelRecord>();
  private total = "0";

  async get(ref: PayeeRef): Promise<PaidChannelRecord | undefined> {
    const r = this.records.get(payeeKeyOf(ref));
    return r && copyRecord(r);
  }
  async put(record: PaidChannelRecord): Promise<void> {
    this.records.set(payeeKeyOf(record), copyRecord(parsePaidChannelRecord(record)));
  }
  async delete(ref: PayeeRef): Promise<void> {
    this.records.delete(payeeKeyOf(ref));
  }
  async list(): Promise<PaidChannelRecord[]> {
    return [...this.records.keys()].sort().map((k) => copyRecord(this.records.get(k)!));
  }
  async locked(): Promise<string> {
    return this.total;
  }
  async setLocked(total: string): Promise<void> {
    this.total = checkLocked(total, "setLocked");
  }
}

/** In-process locks per Web Storage object (when there are no Web Locks). */
const storageLocks = new WeakMap<StorageLike, Locks>();

interface WebLocks {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

/**
 * Browser store: one Web Storage item per channel (`prefix` + `channel:` + its key) and one
 * for the locked total (`prefix` + `locked`). By default `globalThis.localStorage`, which
 * any script of the page's origin can read (the session keys are in it): see
 * docs/SESSION-KEYS.md.
 */
export class WebStoragePayStore implements PayStore {
  readonly storage: StorageLike;
  readonly prefix: string;

  constructor(storage?: StorageLike, prefix = "farthing-pay/v1:") {
    const s = storage ?? (globalThis as { localStorage?: StorageLike }).localStorage;
    if (!s) throw new PayFetchError("no_storage", "no Web Storage here: pass a Storage-like object");
    this.storage = s;
    this.prefix = prefix;
  }

  private item(ref: PayeeRef): string {
    return `${this.prefix}channel:${payeeKeyOf(ref)}`;
  }

  private read(item: string): PaidChannelRecord | undefined {
    const text = this.storage.getItem(item);
    if (text === null) return undefined;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new PayFetchError("corrupt_store", `${item} is not JSON`);
    }
    return parsePaidChannelRecord(value);
  }

  async get(ref: PayeeRef): Promise<PaidChannelRecord | undefined> {
    return this.read(this.item(ref));
  }
  async put(record: PaidChannelRecord): Promise<void> {
    const checked = parsePaidChannelRecord(record);
    this.storage.setItem(this.item(checked), JSON.stringify(checked));
  }
  async delete(ref: PayeeRef): Promise<void> {
    this.storage.removeItem(this.item(ref));
  }
  async list(): Promise<PaidChannelRecord[]> {
    const items: string[] = [];
    const start = `${this.prefix}channel:`;
    for (let i = 0; i < this.storage.length; i++) {
      const k = this.storage.key(i);
      if (k !== null && k.startsWith(start)) items.push(k);
    }
    return items.sort().map((k) => this.read(k)).filter((r): r is PaidChannelRecord => r !== undefined);
  }
  async locked(): Promise<string> {
    const text = this.storage.getItem(`${this.prefix}locked`);
    return text === null ? "0" : checkLocked(text, `${this.prefix}locked`);
  }
  async setLocked(total: string): Promise<void> {
    this.storage.setItem(`${this.prefix}locked`, checkLocked(total, "setLocked"));
  }
  /**
   * Across the page's tabs with the Web Locks API (`navigator.locks`, named by the prefix);
   * without it, across the stores of this page on the same storage.
   */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const web = (globalThis as { navigator?: { locks?: WebLocks } }).navigator?.locks;
    if (web) return web.request(`${this.prefix}budget`, work);
    let locks = storageLocks.get(this.storage);
    if (!locks) {
      locks = new Locks();
      storageLocks.set(this.storage, locks);
    }
    return locks.run(this.prefix, work);
  }
}

interface PayStoreFile {
  version: 1;
  locked: string;
  channels: Record<string, PaidChannelRecord>;
}

/**
 * Node store: everything in one JSON file, owner-only (mode 0600), written as
 * `FileSessionStore` writes (a synced temporary file renamed over the store: a crash
 * leaves the old file or the new one). Writes from one process are serialized (per path);
 * do not share one file between processes.
 */
export class FilePayStore implements PayStore {
  readonly path: string;

  constructor(path: string) {
    this.path = path;
  }

  private async readFile(): Promise<PayStoreFile> {
    const read = await readRecordFile(this.path, {
      field: "channels",
      what: "pay store",
      parse: parsePaidChannelRecord,
      keyOf: payeeKeyOf,
      fail: (message) => new PayFetchError("corrupt_store", message),
    });
    if (!read) return { version: 1, locked: "0", channels: {} };
    return { version: 1, locked: checkLocked(read.file.locked, this.path), channels: read.records };
  }

  private update(change: (content: PayStoreFile) => void): Promise<void> {
    return fileLocks.run(this.path, async () => {
      const content = await this.readFile();
      change(content);
      await writeTextFileAtomic(this.path, JSON.stringify(content, null, 2) + "\n");
    });
  }

  async get(ref: PayeeRef): Promise<PaidChannelRecord | undefined> {
    return fileLocks.run(this.path, async () => (await this.readFile()).channels[payeeKeyOf(ref)]);
  }
  async put(record: PaidChannelRecord): Promise<void> {
    const checked = parsePaidChannelRecord(record);
    return this.update((c) => {
      c.channels[payeeKeyOf(checked)] = checked;
    });
  }
  async delete(ref: PayeeRef): Promise<void> {
    return this.update((c) => {
      delete c.channels[payeeKeyOf(ref)];
    });
  }
  async list(): Promise<PaidChannelRecord[]> {
    return fileLocks.run(this.path, async () => {
      const { channels } = await this.readFile();
      return Object.keys(channels)
        .sort()
        .map((k) => channels[k]!);
    });
  }
  async locked(): Promise<string> {
    return fileLocks.run(this.path, async () => (await this.readFile()).locked);
  }
  async setLocked(total: string): Promise<void> {
    const checked = checkLocked(total, "setLocked");
    return this.update((c) => {
      c.locked = checked;
    });
  }
  /** Across the stores of this process on the same file. */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    return budgetFileLocks.run(this.path, work);
  }
}

/** The budget's locks of `FilePayStore`, per path (apart from the file's own write lock). */
const budgetFileLocks = new Locks();

// ---- payingFetch ----

/** The shape of `fetch`. */
export type FetchLike = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

export interface PayingFetchOptions {
  /** The network it pays on (`cosmos:<chain-id>`). */
  network: string;
  /** The token it pays in (the contract's address). */
  asset: string;
  /**
   * The most it may ever lock into channels (deposits and top-ups, summed over the
   * store's life, persisted in the store). What would exceed it is refused with
   * `budget_exceeded` before any transaction.
   */
  budget: string | bigint;
  /** The chain transactions (the payer's wallet): see {@link tokenOpener}. */
  opener: ChannelOpener;
  store: PayStore;
  /** The underlying fetch; default `globalThis.fetch`. */
  fetch?: FetchLike;
  /**
   * The voucher key of every channel. Its secret is not written to the store; give the same
   * key after a reload (`key_mismatch` otherwise). Default: a fresh key per channel
   * (`generateSessionKey`), stored with the channel's record.
   */
  key?: SessionKey;
  /** The kind of the fresh keys; default ed25519 when the gateway takes it. */
  keyType?: KeyType;
  /**
   * How much to lock into a new channel, and to add per top-up. Default
   * {@link defaultDepositFor}: 100 requests' worth. Never below the gateway's `minDeposit`
   * (for a new channel) or what the voucher needs.
   */
  depositFor?: (requirements: PaymentRequirements) => string | bigint;
  /** The most one request may cost; a dearer one is refused with `price_too_high`. */
  maxAmount?: string | bigint;
  /** A new or extended channel expires this long after the gateway's `minExpirySeconds`; default 30 days. */
  channelLifetimeSeconds?: number;
  /** Extend when fewer than `minExpirySeconds` + this many seconds remain; default 600. */
  renewBeforeSeconds?: number;
  /** Pay a route's known price (its last `402`) on the first request; default true. */
  payUpFront?: boolean;
  /** Seconds since the epoch; default the system clock. */
  now?: () => number;
  /**
   * Called when a channel is dropped (the chain says it is closing, closed or gone, or a
   * top-up or extension found it gone). Its unspent deposit returns to the payer's wallet
   * by the token's close path, which this wrapper does not drive.
   */
  onChannelRetired?: (record: PaidChannelRecord, reason: string) => void;
}

/** The default deposit policy: `max(minDeposit, amount * requests)`. */
export function defaultDepositFor(requests = 100): (requirements: PaymentRequirements) => bigint {
  return (r) => {
    const worth = min(BigInt(r.amount) * BigInt(requests), U128_MAX);
    const least = BigInt(r.extra.minDeposit);
    return worth > least ? worth : least;
  };
}

/** A channel's books in memory: see the module's comment. */
interface Books {
  channelId: string;
  expected: bigint;
  inflight: bigint;
}

/** A request's payment in flight. */
interface Ticket {
  lane: Lane;
  books: Books;
  requirements: PaymentRequirements;
  price: bigint;
  channelId: string;
  cumulative: bigint;
  signature: string;
  /** The deposit the record had when the voucher was chosen. */
  deposit: bigint;
  /** The channel's voucher key. */
  key: { keyType: KeyType; secret: Uint8Array | string };
  done: boolean;
}

/** Coalesces writes: a flush waits for a write that started after it was called. */
class Writer {
  private running: Promise<void> | undefined;
  private pending: Promise<void> | undefined;
  constructor(private readonly write: () => Promise<void>) {}

  flush(): Promise<void> {
    if (this.pending) return this.pending;
    if (!this.running) return this.start();
    const after = this.running.then(
      () => undefined,
      () => undefined,
    );
    this.pending = after.then(() => {
      this.pending = undefined;
      return this.start();
    });
    return this.pending;
  }

  private start(): Promise<void> {
    const p = this.write();
    this.running = p;
    const clear = () => {
      if (this.running === p) this.running = undefined;
    };
    p.then(clear, clear);
    return p;
  }
}

/** One (network, asset, payTo): its channel record (the truth in memory) and books. */
class Lane {
  /** `undefined`: not loaded yet; `null`: no channel. */
  record: PaidChannelRecord | null | undefined;
  books: Books | undefined;
  readonly writer: Writer;

  constructor(
    readonly key: string,
    readonly ref: PayeeRef,
    store: PayStore,
  ) {
    this.writer = new Writer(() => {
      // The snapshot is taken now, synchronously: later changes go in a later write.
      const r = this.record;
      return r ? store.put(copyRecord(r)) : store.delete(this.ref);
    });
  }
}

/**
 * How many times one request may take each way out of a `402`. `resend`: the highest
 * voucher already signed, sent again (it costs nothing new; each is higher than the last).
 */
const RECOVERY_LIMITS: Record<string, number> = { resend: 4 };

/** Why a channel the chain reports can no longer be paid on, or `undefined` if it can. */
function goneReason(life: ChannelLife | null): string | undefined {
  if (life === null) return "channel_not_found";
  if (life.closed) return "channel_closed";
  return life.closing ? "channel_closing" : undefined;
}

const CHANNEL_GONE = new Set(["channel_closed", "channel_closing", "channel_not_found"]);
const budgetLocks = new WeakMap<PayStore, Locks>();

function max(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

class Payer {
  private readonly fetchImpl: FetchLike;
  private readonly budget: bigint;
  private readonly maxAmount: bigint | undefined;
  private readonly lifetime: number;
  private readonly renewBefore: number;
  private readonly now: () => number;
  private readonly depositFor: (r: PaymentRequirements) => bigint;
  private readonly lanes = new Map<string, Lane>();
  private readonly laneLocks = new Locks();
  private readonly prices = new Map<string, { requirements: PaymentRequirements; resource: Resource }>();

  constructor(private readonly options: PayingFetchOptions) {
    if (!options.network.startsWith(COSMOS_NAMESPACE) || options.network.length === COSMOS_NAMESPACE.length) {
      throw new PayFetchError("invalid_options", `network ${JSON.stringify(options.network)} is not cosmos:<chain-id>`);
    }
    if (!options.opener || !options.store) throw new PayFetchError("invalid_options", "opener and store are required");
    this.budget = this.amountOption(options.budget, "budget");
    this.maxAmount = options.maxAmount === undefined ? undefined : this.amountOption(options.maxAmount, "maxAmount");
    this.lifetime = this.secondsOption(options.channelLifetimeSeconds, 30 * 86_400, "channelLifetimeSeconds");
    this.renewBefore = this.secondsOption(options.renewBeforeSeconds, 600, "renewBeforeSeconds");
    if (this.lifetime <= this.renewBefore) {
      throw new PayFetchError("invalid_options", "channelLifetimeSeconds must be above renewBeforeSeconds");
    }
    this.now = options.now ?? (() => Math.floor(Date.now() / 1000));
    const policy = options.depositFor ?? defaultDepositFor();
    this.depositFor = (r) => {
      try {
        return parseAmount(policy(r));
      } catch (e) {
        throw new PayFetchError("invalid_options", `depositFor gave no amount (u128) for a price of ${r.amount}`, { cause: e });
      }
    };
    const f = options.fetch;
    this.fetchImpl = f ?? ((input, init) => globalThis.fetch(input, init));
  }

  private amountOption(v: string | bigint, name: string): bigint {
    try {
      return parseAmount(v);
    } catch {
      throw new PayFetchError("invalid_options", `${name} is not an amount`);
    }
  }

  private secondsOption(v: number | undefined, fallback: number, name: string): number {
    if (v === undefined) return fallback;
    if (!Number.isSafeInteger(v) || v < 0) throw new PayFetchError("invalid_options", `${name} is not a whole number of seconds`);
    return v;
  }

  // ---- requests ----

  async fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const route = `${request.method} ${url.origin}${url.pathname}`;
    const known = this.options.payUpFront === false ? undefined : this.prices.get(route);
    if (known) return this.pay(request, route, known.requirements, known.resource);

    const response = await this.fetchImpl(request.clone());
    if (response.status !== 402) return response;
    const required = await readPaymentRequired(response);
    if (!required) return response; // a 402 of another protocol: the app's to read
    const requirements = this.choose(required);
    this.prices.set(route, { requirements, resource: required.resource });
    return this.pay(request, route, requirements, required.resource);
  }

  /** The entry to pay: our scheme, network, asset, and a key kind we can sign with. */
  private choose(required: PaymentRequired): PaymentRequirements {
    const kinds: string[] = this.options.key ? [this.options.key.keyType] : this.options.keyType ? [this.options.keyType] : ["ed25519", "secp256k1"];
    const match =
      required.x402Version === X402_VERSION
        ? required.accepts.find(
            (a) =>
              a.scheme === FARTHING_SCHEME &&
              a.network === this.options.network &&
              a.asset === this.options.asset &&
              a.extra.signerKinds.some((k) => kinds.includes(k)),
          )
        : undefined;
    if (!match) {
      const offered = required.accepts.map((a) => `${a.scheme} ${a.network} ${a.asset}`).join("; ");
      throw new PayFetchError(
        "no_matching_requirements",
        `no ${FARTHING_SCHEME} payment on ${this.options.network} in ${this.options.asset} (x402 v${required.x402Version}; offered: ${offered || "nothing"})`,
        { paymentRequired: required },
      );
    }
    if (this.maxAmount !== undefined && BigInt(match.amount) > this.maxAmount) {
      throw new PayFetchError("price_too_high", `the price ${match.amount} is above maxAmount ${this.maxAmount}`, {
        paymentRequired: required,
      });
    }
    return match;
  }

  private async pay(request: Request, route: string, first: PaymentRequirements, resource: Resource): Promise<Response> {
    let ticket = await this.allocate(first);
    const used = new Map<string, number>();
    for (;;) {
      let response: Response;
      try {
        response = await this.send(request, ticket, resource);
      } catch (e) {
        // No answer (a dropped connection, an abort): taken as not charged. If the gateway
        // did charge it, the next voucher is `underpaid` and paid again from its `spent`.
        this.finish(ticket, true);
        throw e;
      }
      if (response.status !== 402) {
        let receipt: SettlementResponse | undefined;
        try {
          receipt = paymentReceipt(response);
        } catch {
          receipt = undefined;
        }
        if (receipt === undefined) this.finish(ticket, false);
        else if (!receipt.success) this.finish(ticket, true);
        else {
          const charged = BigInt(receipt.amount);
          if (charged < ticket.price) {
            // The price went down since the up-front price was learned.
            this.finish(ticket, ticket.price - charged);
            this.lowerPrice(route, ticket.requirements, charged);
          } else this.finish(ticket, false);
        }
        return response;
      }
      try {
        const required = await readPaymentRequired(response);
        if (!required) {
          this.finish(ticket, true);
          return response;
        }
        ticket = await this.recover(ticket, required, route, used);
        resource = required.resource;
      } catch (e) {
        this.finish(ticket, true); // the gateway did not serve it (no-op if already over)
        throw e;
      }
    }
  }

  /**
   * A paid request got a `402`: the ticket to pay it with next (the same one after a
   * resync or a top-up, a new one on a new channel), or a `PayFetchError`. Each way out is
   * taken at most once per request.
   */
  private async recover(ticket: Ticket, required: PaymentRequired, route: string, used: Map<string, number>): Promise<Ticket> {
    const code = paymentErrorCode(required) ?? "payment_required";
    const next = this.choose(required);
    this.prices.set(route, { requirements: next, resource: required.resource });
    const refuse = (): never => {
      throw new PayFetchError("payment_refused", `the gateway refused the payment: ${required.error ?? code}`, {
        gatewayCode: code,
        paymentRequired: required,
      });
    };
    const once = (step: string): void => {
      const n = used.get(step) ?? 0;
      if (n >= (RECOVERY_LIMITS[step] ?? 1)) refuse();
      used.set(step, n + 1);
    };
    if (payeeKeyOf(next) !== ticket.lane.key) {
      // The route is now paid to another payee or in another token: pay there.
      once("moved");
      this.finish(ticket, true);
      return this.allocate(next);
    }
    this.reprice(ticket, next);
    const status = next.extra.channel && next.extra.channel.id === ticket.channelId ? next.extra.channel : undefined;
    switch (code) {
      case "underpaid":
      case "stale_voucher": {
        const lane = ticket.lane;
        const signed = await this.laneLocks.run(lane.key, () => this.catchUp(lane, ticket, next, status));
        // The gateway's `spent` is believed only up to what was signed: an honest
        // gateway never spends more than the vouchers it holds.
        const spent = status ? min(BigInt(status.spent), signed) : signed;
        // The highest voucher signed, if it pays for this request (parallel requests that
        // arrived out of order: the gateway's credit covers them); else one price more
        // than the gateway spent, a new signature, once per request.
        const want = max(signed, spent + ticket.price);
        if (want <= ticket.cumulative) return refuse(); // nothing better to send
        once(want > signed ? "sign" : "resend");
        const b = ticket.books;
        b.expected = max(b.expected, want);
        return this.allocate(next, ticket);
      }
      case "channel_expiring": {
        // The chain's clock is ahead of ours: extend, then send the same voucher again.
        once("extend");
        const lane = ticket.lane;
        await this.laneLocks.run(lane.key, async () => {
          if (lane.record?.channelId === ticket.channelId) await this.extend(lane, next);
        });
        if (lane.record?.channelId === ticket.channelId) return ticket;
        this.finish(ticket, true); // the extension found the channel gone
        return this.allocate(next);
      }
      case "channel_closing":
      case "channel_closed":
      case "unknown_channel": {
        once("reopen");
        // Only the chain's word retires a channel.
        if (!this.options.opener.channelStatus) return refuse();
        const reason = goneReason(await this.chainChannel(ticket.channelId));
        if (reason === undefined) return refuse();
        await this.laneLocks.run(ticket.lane.key, () => this.retire(ticket.lane, ticket.channelId, reason));
        this.finish(ticket, true);
        return this.allocate(next);
      }
      case "over_deposit":
        once("top_up");
        return this.afterOverDeposit(ticket, next, refuse);
      default:
        return refuse();
    }
  }

  private async send(request: Request, ticket: Ticket, resource: Resource): Promise<Response> {
    const payload: PaymentPayload = {
      x402Version: X402_VERSION,
      resource,
      accepted: ticket.requirements,
      payload: { channelId: ticket.channelId, cumulative: ticket.cumulative.toString(), signature: ticket.signature },
    };
    const copy = request.clone();
    const headers = new Headers(copy.headers);
    headers.set(PAYMENT_SIGNATURE_HEADER, encodeHeader(payload));
    return this.fetchImpl(new Request(copy, { headers }));
  }

  /**
   * The request is over: its price leaves the in-flight sum, and what was not charged of
   * it leaves `expected` (`notCharged`: all of it, or the part above the receipt's
   * `amount`, read only downward: a receipt cannot make the payer owe more).
   */
  private finish(ticket: Ticket, notCharged: boolean | bigint): void {
    if (ticket.done) return;
    ticket.done = true;
    const b = ticket.books;
    b.inflight -= ticket.price;
    const back = notCharged === true ? ticket.price : notCharged === false ? 0n : notCharged;
    b.expected = max(0n, b.expected - back);
  }

  /** The route's known price, lowered to what the gateway charged. */
  private lowerPrice(route: string, paid: PaymentRequirements, charged: bigint): void {
    const known = this.prices.get(route);
    if (!known || payeeKeyOf(known.requirements) !== payeeKeyOf(paid)) return;
    if (BigInt(known.requirements.amount) <= charged) return;
    this.prices.set(route, { ...known, requirements: { ...known.requirements, amount: charged.toString() } });
  }

  /** The gateway's price differs from the one reserved (a stale up-front price). */
  private reprice(ticket: Ticket, next: PaymentRequirements): void {
    ticket.requirements = next;
    const price = BigInt(next.amount);
    if (ticket.done || price === ticket.price) return;
    ticket.books.expected = max(0n, ticket.books.expected + price - ticket.price);
    ticket.books.inflight += price - ticket.price;
    ticket.price = price;
  }

  // ---- channels ----

  private lane(r: PayeeRef): Lane {
    const key = payeeKeyOf(r);
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = new Lane(key, { network: r.network, asset: r.asset, payTo: r.payTo }, this.options.store);
      this.lanes.set(key, lane);
    }
    return lane;
  }

  /**
   * Chooses and persists the cumulative of a request (a fresh one, or `retry` paid again
   * after a resync), opening, extending or topping up the channel first as needed; then
   * signs it. One allocation at a time per lane; the store write is shared with the
   * allocations made meanwhile.
   */
  private async allocate(requirements: PaymentRequirements, retry?: Ticket): Promise<Ticket> {
    const lane = this.lane(requirements);
    const ticket = await this.laneLocks.run(lane.key, async () => {
      if (lane.record === undefined) await this.load(lane);
      const price = BigInt(requirements.amount);
      for (let step = 0; step < 6; step++) {
        const record = lane.record;
        if (!record) {
          await this.open(lane, requirements, price);
          continue;
        }
        if (record.expiresAt <= this.now() + requirements.extra.minExpirySeconds + this.renewBefore) {
          await this.extend(lane, requirements);
          continue;
        }
        const books = lane.books!;
        const fresh = !retry || retry.done || retry.books !== books;
        if (retry && fresh) this.finish(retry, true); // its channel is gone: a fresh one here
        const signed = BigInt(record.signed);
        const expected = fresh ? books.expected + price : books.expected;
        const cumulative = max(signed, expected);
        const deposit = BigInt(record.deposit);
        if (cumulative > deposit) {
          await this.topUp(lane, requirements, cumulative - deposit);
          continue;
        }
        const key = this.keyOf(record);
        if (cumulative > signed) record.signed = cumulative.toString();
        if (!fresh) {
          retry!.cumulative = cumulative;
          retry!.deposit = deposit;
          retry!.requirements = requirements;
          return retry!;
        }
        books.expected = expected;
        books.inflight += price;
        const t: Ticket = {
          lane,
          books,
          requirements,
          price,
          channelId: record.channelId,
          cumulative,
          signature: "",
          deposit,
          key,
          done: false,
        };
        return t;
      }
      throw new Error("payingFetch: the channel did not settle after 6 steps"); // not reached
    });
    try {
      await lane.writer.flush(); // `signed` is stored before the voucher exists
      ticket.signature = this.sign(ticket);
    } catch (e) {
      this.finish(ticket, true);
      throw e;
    }
    return ticket;
  }

  /** The secret that signs `record`'s vouchers: its own, or the app's key (which must be its signer). */
  private keyOf(record: PaidChannelRecord): Ticket["key"] {
    const { keyType, publicKey: pk } = parseSignerKey(record.signer);
    if (record.secretKey !== null) return { keyType, secret: record.secretKey };
    const key = this.options.key;
    if (!key || key.keyType !== keyType || bytesToHex(key.publicKey) !== bytesToHex(pk)) {
      throw new PayFetchError("key_mismatch", `channel ${record.channelId} was opened with another key than options.key`);
    }
    return { keyType, secret: key.secretKey };
  }

  private sign(ticket: Ticket): string {
    const r = ticket.requirements;
    const voucher = {
      chain_id: r.network.slice(COSMOS_NAMESPACE.length),
      token: r.asset,
      channel_id: ticket.channelId,
      payee: r.payTo,
      cumulative: ticket.cumulative,
    };
    return bytesToHex(signVoucher(voucher, ticket.key.secret, ticket.key.keyType));
  }

  private async load(lane: Lane): Promise<void> {
    const record = (await this.options.store.get(lane.ref)) ?? null;
    if (record) this.keyOf(record); // key_mismatch now rather than at the first voucher
    lane.record = record;
    lane.books = record ? { channelId: record.channelId, expected: BigInt(record.signed), inflight: 0n } : undefined;
  }

  /** Reserves up to `want` of the budget, at least `atLeast`; returns what was reserved. */
  private reserve(want: bigint, atLeast: bigint): Promise<bigint> {
    return this.budgetLock(async () => {
      const locked = BigInt(await this.options.store.locked());
      const left = this.budget > locked ? this.budget - locked : 0n;
      if (left < atLeast) {
        throw new PayFetchError(
          "budget_exceeded",
          `locking ${atLeast} more would exceed the budget ${this.budget} (${locked} locked so far)`,
        );
      }
      const amount = want < left ? want : left;
      await this.options.store.setLocked((locked + amount).toString());
      return amount;
    });
  }

  private release(amount: bigint): Promise<void> {
    return this.addLocked(-amount);
  }

  /** Moves the budget's count by `delta` (never below 0). */
  private addLocked(delta: bigint): Promise<void> {
    return this.budgetLock(async () => {
      const locked = BigInt(await this.options.store.locked());
      await this.options.store.setLocked(max(0n, locked + delta).toString());
    });
  }

  private budgetLock<T>(work: () => Promise<T>): Promise<T> {
    const store = this.options.store;
    if (store.exclusive) return store.exclusive(work);
    let locks = budgetLocks.get(this.options.store);
    if (!locks) {
      locks = new Locks();
      budgetLocks.set(this.options.store, locks);
    }
    return locks.run("budget", work);
  }

  /** A chain transaction failed: give its reservation back if the chain refused it. */
  private async failed(what: string, e: unknown, reserved: bigint): Promise<PayFetchError> {
    const refusal = parseError(e);
    if (refusal && reserved > 0n) await this.release(reserved);
    return new PayFetchError("opener_failed", `${what} failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }

  private keyFor(requirements: PaymentRequirements): SessionKey {
    if (this.options.key) return this.options.key;
    const kinds = requirements.extra.signerKinds;
    const kind: KeyType = this.options.keyType ?? (kinds.includes("ed25519") ? "ed25519" : "secp256k1");
    return generateSessionKey(kind);
  }

  private async open(lane: Lane, requirements: PaymentRequirements, need: bigint): Promise<void> {
    const atLeast = max(BigInt(requirements.extra.minDeposit), need);
    const amount = await this.reserve(max(this.depositFor(requirements), atLeast), atLeast);
    const key = this.keyFor(requirements);
    const expiresAt = this.now() + requirements.extra.minExpirySeconds + this.lifetime;
    let channelId: string;
    try {
      ({ channelId } = await this.options.opener.openChannel({
        payee: requirements.payTo,
        amount: amount.toString(),
        expiresAt,
        signer: key.signer,
      }));
    } catch (e) {
      throw await this.failed("OpenChannel", e, amount);
    }
    try {
      channelId = parseChannelId(channelId).toString();
    } catch (e) {
      throw new PayFetchError("opener_failed", `OpenChannel returned no channel id (${String(channelId)})`, { cause: e });
    }
    lane.record = {
      version: 1,
      network: requirements.network,
      asset: requirements.asset,
      payTo: requirements.payTo,
      channelId,
      signer: key.signer,
      secretKey: this.options.key ? null : bytesToHex(key.secretKey),
      deposit: amount.toString(),
      expiresAt,
      signed: "0",
    };
    lane.books = { channelId, expected: 0n, inflight: 0n };
    await lane.writer.flush();
  }

  private async extend(lane: Lane, requirements: PaymentRequirements): Promise<void> {
    const record = lane.record!;
    const expiresAt = this.now() + requirements.extra.minExpirySeconds + this.lifetime;
    try {
      await this.options.opener.extend({ channelId: record.channelId, expiresAt });
    } catch (e) {
      const code = parseError(e)?.code;
      if (code !== undefined && CHANNEL_GONE.has(code)) return this.retire(lane, record.channelId, code);
      throw await this.failed("ExtendChannel", e, 0n);
    }
    record.expiresAt = expiresAt;
    await lane.writer.flush();
  }

  private async topUp(lane: Lane, requirements: PaymentRequirements, need: bigint): Promise<void> {
    const record = lane.record!;
    if (this.options.opener.channelStatus) {
      // The chain may already hold it (a store behind the chain): no second top-up.
      const life = await this.chainChannel(record.channelId);
      const gone = goneReason(life);
      if (gone !== undefined) return this.retire(lane, record.channelId, gone);
      const onChain = BigInt(life!.deposit);
      if (onChain > BigInt(record.deposit)) return this.behind(lane, onChain);
    }
    const amount = await this.reserve(max(this.depositFor(requirements), need), need);
    try {
      await this.options.opener.topUp({ channelId: record.channelId, amount: amount.toString() });
    } catch (e) {
      const code = parseError(e)?.code;
      if (code !== undefined && CHANNEL_GONE.has(code)) {
        await this.release(amount);
        return this.retire(lane, record.channelId, code);
      }
      throw await this.failed("TopUpChannel", e, amount);
    }
    record.deposit = (BigInt(record.deposit) + amount).toString();
    await lane.writer.flush();
  }

  /**
   * After `underpaid`/`stale_voucher` (under the lane's lock): when the gateway proves it
   * holds a voucher above `signed` on this channel (its signature verifies with the
   * channel's key), the store was behind (a backup): `signed` catches up to it. Returns
   * `signed`.
   */
  private async catchUp(lane: Lane, ticket: Ticket, r: PaymentRequirements, status: ChannelStatus | undefined): Promise<bigint> {
    const record = lane.record;
    if (!record || record.channelId !== ticket.channelId) return ticket.cumulative;
    const signed = BigInt(record.signed);
    const proof = status?.acceptedSignature;
    if (!status || proof === undefined || proof === null) return signed;
    const accepted = BigInt(status.accepted);
    if (accepted <= signed) return signed;
    const voucher = {
      chain_id: r.network.slice(COSMOS_NAMESPACE.length),
      token: r.asset,
      channel_id: record.channelId,
      payee: r.payTo,
      cumulative: accepted,
    };
    try {
      verifyVoucher(voucher, proof, record.signer);
    } catch {
      return signed; // not this key's signature: a lie, believed no further than `signed`
    }
    record.signed = accepted.toString();
    await lane.writer.flush();
    return accepted;
  }

  /** Drops the lane's channel if it is still `channelId` (call under the lane's lock). */
  private async retire(lane: Lane, channelId: string, reason: string): Promise<void> {
    const record = lane.record;
    if (!record || record.channelId !== channelId) return;
    lane.record = null;
    lane.books = undefined;
    await lane.writer.flush();
    this.options.onChannelRetired?.(copyRecord(record), reason);
  }

  /**
   * `over_deposit`: the gateway's view of the deposit is below the voucher. The chain is
   * asked: its deposit covers the voucher (the gateway's cache was behind: the same voucher
   * again), or a top-up never landed (top up what is missing), or the channel is gone (a
   * new one). Without a chain query, the refusal is reported.
   */
  private async afterOverDeposit(ticket: Ticket, requirements: PaymentRequirements, refuse: () => never): Promise<Ticket> {
    const lane = ticket.lane;
    const query = this.options.opener.channelStatus;
    if (!query) return refuse();
    const moved = await this.laneLocks.run(lane.key, async () => {
      const record = lane.record;
      if (!record || record.channelId !== ticket.channelId) return true;
      const deposit = BigInt(record.deposit);
      if (deposit > ticket.deposit) return false; // topped up meanwhile
      const life = await this.chainChannel(record.channelId);
      const gone = goneReason(life);
      if (gone !== undefined) {
        await this.retire(lane, record.channelId, gone);
        return true;
      }
      const onChain = BigInt(life!.deposit);
      if (onChain > deposit) await this.behind(lane, onChain);
      else if (onChain < deposit) {
        // A top-up that never landed (it stays counted in the budget).
        record.deposit = onChain.toString();
        await lane.writer.flush();
      }
      if (ticket.cumulative > BigInt(lane.record!.deposit)) {
        await this.topUp(lane, requirements, ticket.cumulative - BigInt(lane.record!.deposit));
      }
      ticket.deposit = BigInt(lane.record?.deposit ?? "0");
      return lane.record?.channelId !== ticket.channelId;
    });
    if (!moved) return ticket;
    this.finish(ticket, true);
    return this.allocate(requirements);
  }

  /** The channel on chain, through the opener (which has a query: checked by the caller). */
  private async chainChannel(channelId: string): Promise<ChannelLife | null> {
    try {
      return await this.options.opener.channelStatus!.call(this.options.opener, { channelId });
    } catch (e) {
      throw await this.failed("the Channel query", e, 0n);
    }
  }

  /**
   * The chain holds more in the lane's channel than its record says (a store restored from
   * a backup, a top-up whose answer was lost): the record and the budget's count catch up.
   */
  private async behind(lane: Lane, onChain: bigint): Promise<void> {
    const record = lane.record!;
    await this.addLocked(onChain - BigInt(record.deposit));
    record.deposit = onChain.toString();
    await lane.writer.flush();
  }
}

/** The `PaymentRequired` of a `402` (its header, else its JSON body), or `undefined`. */
async function readPaymentRequired(response: Response): Promise<PaymentRequired | undefined> {
  const header = response.headers.get(PAYMENT_REQUIRED_HEADER);
  if (header !== null) {
    void response.body?.cancel().catch(() => undefined);
    return parsePaymentRequired(decodeHeader(header));
  }
  try {
    const body: unknown = await response.clone().json();
    const required = parsePaymentRequired(body);
    void response.body?.cancel().catch(() => undefined);
    return required;
  } catch {
    return undefined;
  }
}

/**
 * A `fetch` that pays farthing-gateway's `402`s with vouchers on payment channels it opens,
 * extends and tops up through `options.opener`, within `options.budget`. See the module's
 * comment for how the cumulative amounts are chosen, and DESIGN.md section 5.
 *
 * Errors (`PayFetchError`): `budget_exceeded`, `no_matching_requirements`,
 * `price_too_high`, `payment_refused` (with `gatewayCode`), `opener_failed`,
 * `key_mismatch`, `corrupt_store`, `invalid_header`. Answers other than `402` are returned
 * as they are; read their receipt with {@link paymentReceipt}.
 *
 * One wrapper per store at a time: two wrappers (or two browser tabs) paying on the same
 * store at once would each keep their own books.
 *
 * Crash safety: the budget is reserved in the store before each `OpenChannel` or
 * `TopUpChannel`, and `signed` before each voucher leaves. A crash between an
 * `OpenChannel` that landed and the store write of its record loses that channel's fresh
 * key (not its funds: the payer's wallet closes the channel with `StartClose` and
 * `CloseChannel`, which need no voucher key); the budget keeps it counted.
 */
export function payingFetch(options: PayingFetchOptions): FetchLike {
  const payer = new Payer(options);
  return (input, init) => payer.fetch(input, init);
}
