/**
 * Session keys for payment channels.
 *
 * A wallet such as Keplr cannot sign a raw 32-byte digest (ADR-036 `signArbitrary` wraps the
 * data in a StdSignDoc), so a channel's vouchers are signed by a separate session key that
 * the dApp generates and keeps. The wallet signs only the `OpenChannel` transaction, whose
 * `signer` is the session key's public key. See docs/SESSION-KEYS.md.
 *
 * ```ts
 * const session = await ChannelSession.create(store, { chainId, token, payee, deposit: "1000000" });
 * // wallet: OpenChannel { payee, amount: "1000000", expires_at, signer: session.signerKey() }
 * await session.attach(channelIdFromTheResponse);
 * const { channel, cumulative, signature } = await session.pay("10"); // to the payee
 * ```
 */

import { randomBytes } from "@noble/hashes/utils.js";

import {
  bytesToHex,
  encodeVoucher,
  hexToBytes,
  parseAmount,
  parseChannelId,
  publicKey,
  signerKey,
  signVoucher,
  VoucherError,
  type KeyType,
  type SignerKey,
} from "./voucher";
import { fileLocks, Locks, readRecordFile, writeTextFileAtomic } from "./persist";

export type SessionErrorCode =
  /** `pay` before `attach`: the channel id is not known yet. */
  | "not_attached"
  /** `attach` on a session that already has its channel. */
  | "already_attached"
  /** The voucher would exceed the deposit the session was told about. */
  | "exceeds_deposit"
  /** A cumulative at or below the last one signed. */
  | "not_monotonic"
  /** `pay(0)` or `topUp(0)` (the token refuses zero amounts too). */
  | "zero_amount"
  /** No record for this session in the store (never created, or forgotten). */
  | "session_not_found"
  /** A record with another key already exists where this one would go. */
  | "session_exists"
  /** The record in the store no longer holds this session's key. */
  | "key_mismatch"
  /** A pending label that is not a non-empty string. */
  | "invalid_label"
  /** The store holds something that is not a session record. */
  | "corrupt_store"
  /** No Web Storage (no `localStorage` in this environment, and none given). */
  | "no_storage";

export class SessionError extends Error {
  readonly code: SessionErrorCode;
  constructor(code: SessionErrorCode, message: string) {
    super(`[code=${code}] ${message}`);
    this.name = "SessionError";
    this.code = code;
  }
}

// ---- keys ----

export interface SessionKey {
  keyType: KeyType;
  /** 32 bytes: an ed25519 seed or a secp256k1 scalar. */
  secretKey: Uint8Array;
  /** 32 bytes (ed25519) or 33 bytes (compressed secp256k1). */
  publicKey: Uint8Array;
  /** The `signer` of `OpenChannel`. */
  signer: SignerKey;
}

/** A fresh random session key (from `crypto.getRandomValues`). ed25519 unless told otherwise. */
export function generateSessionKey(keyType: KeyType = "ed25519"): SessionKey {
  // Both kinds take 32 random bytes; a secp256k1 scalar must also be in 1..n-1, which 32
  // random bytes miss with probability below 2^-127: draw again then.
  for (;;) {
    const secretKey = randomBytes(32);
    let pk: Uint8Array;
    try {
      pk = publicKey(secretKey, keyType);
    } catch (e) {
      if (e instanceof VoucherError && e.code === "invalid_key") continue;
      throw e;
    }
    return { keyType, secretKey, publicKey: pk, signer: signerKey(pk, keyType) };
  }
}

// ---- records and stores ----

/**
 * Where a session is stored: per chain and token, under its channel id once the channel
 * is open, or under a pending label before.
 */
export type SessionRef =
  | { chainId: string; token: string; channel: string | bigint }
  | { chainId: string; token: string; label: string };

/** What a store keeps for one session (plain JSON). */
export interface SessionRecord {
  version: 1;
  chainId: string;
  token: string;
  /** The channel's payee (part of every voucher). */
  payee: string;
  /** The channel id, decimal; `null` while pending. */
  channel: string | null;
  /** The pending label the session was created under. */
  label: string;
  keyType: KeyType;
  /** Hex of the 32-byte secret. */
  secretKey: string;
  /** The last cumulative signed, decimal ("0": none yet). */
  cumulative: string;
  /** The deposit the session was told about, decimal: no voucher goes above it. */
  deposit: string;
}

/**
 * Persistence of session records. Implementations: `WebStorageSessionStore` (browser) and
 * `FileSessionStore` (Node).
 */
export interface SessionKeyStore {
  get(ref: SessionRef): Promise<SessionRecord | undefined>;
  /**
   * Stores `record` under its own ref (its channel if set, else its label); with `replaces`,
   * also removes the record under that ref (in the same write where the store can).
   */
  put(record: SessionRecord, replaces?: SessionRef): Promise<void>;
  delete(ref: SessionRef): Promise<void>;
  list(): Promise<SessionRecord[]>;
}

/** The ref a record is stored under. */
export function recordRef(record: SessionRecord): SessionRef {
  return record.channel === null
    ? { chainId: record.chainId, token: record.token, label: record.label }
    : { chainId: record.chainId, token: record.token, channel: record.channel };
}

/** A stable string for a ref (JSON of a tuple, so no separator can be ambiguous). */
export function sessionKeyOf(ref: SessionRef): string {
  return "channel" in ref
    ? JSON.stringify([ref.chainId, ref.token, "channel", parseChannelId(ref.channel).toString()])
    : JSON.stringify([ref.chainId, ref.token, "pending", ref.label]);
}

const DECIMAL = /^(0|[1-9][0-9]*)$/;

/** Checks that `value` is a session record (what a store read back); `corrupt_store` if not. */
export function parseSessionRecord(value: unknown): SessionRecord {
  const bad = (why: string): never => {
    throw new SessionError("corrupt_store", `not a session record: ${why}`);
  };
  if (typeof value !== "object" || value === null) return bad("not an object");
  const r = value as Record<string, unknown>;
  if (r.version !== 1) bad(`version ${JSON.stringify(r.version)}`);
  for (const f of ["chainId", "token", "payee", "label", "secretKey", "cumulative", "deposit"]) {
    if (typeof r[f] !== "string") bad(`${f} is not a string`);
  }
  if (r.channel !== null && (typeof r.channel !== "string" || !DECIMAL.test(r.channel))) bad("channel");
  if (r.keyType !== "secp256k1" && r.keyType !== "ed25519") bad("keyType");
  if (!/^[0-9a-f]{64}$/.test(r.secretKey as string)) bad("secretKey");
  try {
    if (r.channel !== null) parseChannelId(r.channel as string);
    parseAmount(r.cumulative as string);
    parseAmount(r.deposit as string);
  } catch {
    bad("cumulative, deposit or channel out of range");
  }
  return {
    version: 1,
    chainId: r.chainId as string,
    token: r.token as string,
    payee: r.payee as string,
    channel: r.channel as string | null,
    label: r.label as string,
    keyType: r.keyType as KeyType,
    secretKey: r.secretKey as string,
    cumulative: r.cumulative as string,
    deposit: r.deposit as string,
  };
}

/** The part of the Web Storage API the store uses (`localStorage` has it). */
export interface StorageLike {
  readonly length: number;
  key(index: number): string | null;
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/**
 * Browser store: one Web Storage item per session, under `prefix` + the session key. By
 * default `globalThis.localStorage`, which any script on the page's origin can read: see
 * docs/SESSION-KEYS.md.
 */
export class WebStorageSessionStore implements SessionKeyStore {
  readonly storage: StorageLike;
  readonly prefix: string;

  constructor(storage?: StorageLike, prefix = "farthing-session/v1:") {
    const s = storage ?? (globalThis as { localStorage?: StorageLike }).localStorage;
    if (!s) throw new SessionError("no_storage", "no Web Storage here: pass a Storage-like object");
    this.storage = s;
    this.prefix = prefix;
  }

  private item(ref: SessionRef): string {
    return this.prefix + sessionKeyOf(ref);
  }

  private read(item: string): SessionRecord | undefined {
    const text = this.storage.getItem(item);
    if (text === null) return undefined;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new SessionError("corrupt_store", `${item} is not JSON`);
    }
    return parseSessionRecord(value);
  }

  async get(ref: SessionRef): Promise<SessionRecord | undefined> {
    return this.read(this.item(ref));
  }

  async put(record: SessionRecord, replaces?: SessionRef): Promise<void> {
    const checked = parseSessionRecord(record);
    const item = this.item(recordRef(checked));
    this.storage.setItem(item, JSON.stringify(checked));
    if (replaces) {
      const old = this.item(replaces);
      if (old !== item) this.storage.removeItem(old);
    }
  }

  async delete(ref: SessionRef): Promise<void> {
    this.storage.removeItem(this.item(ref));
  }

  async list(): Promise<SessionRecord[]> {
    const items: string[] = [];
    for (let i = 0; i < this.storage.length; i++) {
      const k = this.storage.key(i);
      if (k !== null && k.startsWith(this.prefix)) items.push(k);
    }
    return items.sort().map((k) => this.read(k)).filter((r): r is SessionRecord => r !== undefined);
  }
}

interface StoreFile {
  version: 1;
  sessions: Record<string, SessionRecord>;
}

/**
 * Node store: every session in one JSON file, owner-only (mode 0600). Each write goes to a
 * temporary file in the same directory (created 0600, synced) that is then renamed over
 * the store, so a crash leaves the old file or the new one, never half of one. Writes from
 * one process are serialized (per path); do not share one file between processes.
 */
export class FileSessionStore implements SessionKeyStore {
  readonly path: string;

  constructor(path: string) {
    this.path = path;
  }

  private async readFile(): Promise<StoreFile> {
    const read = await readRecordFile(this.path, {
      field: "sessions",
      what: "session store",
      parse: parseSessionRecord,
      keyOf: (r) => sessionKeyOf(recordRef(r)),
      fail: (message) => new SessionError("corrupt_store", message),
    });
    return { version: 1, sessions: read?.records ?? {} };
  }

  private async writeFile(content: StoreFile): Promise<void> {
    await writeTextFileAtomic(this.path, JSON.stringify(content, null, 2) + "\n");
  }

  private update(change: (sessions: Record<string, SessionRecord>) => void): Promise<void> {
    return fileLocks.run(this.path, async () => {
      const content = await this.readFile();
      change(content.sessions);
      await this.writeFile(content);
    });
  }

  async get(ref: SessionRef): Promise<SessionRecord | undefined> {
    const key = sessionKeyOf(ref);
    return fileLocks.run(this.path, async () => (await this.readFile()).sessions[key]);
  }

  async put(record: SessionRecord, replaces?: SessionRef): Promise<void> {
    const checked = parseSessionRecord(record);
    const key = sessionKeyOf(recordRef(checked));
    const old = replaces ? sessionKeyOf(replaces) : undefined;
    return this.update((sessions) => {
      if (old !== undefined && old !== key) delete sessions[old];
      sessions[key] = checked;
    });
  }

  async delete(ref: SessionRef): Promise<void> {
    const key = sessionKeyOf(ref);
    return this.update((sessions) => {
      delete sessions[key];
    });
  }

  async list(): Promise<SessionRecord[]> {
    return fileLocks.run(this.path, async () => {
      const { sessions } = await this.readFile();
      return Object.keys(sessions)
        .sort()
        .map((k) => sessions[k]!);
    });
  }
}

// ---- the channel session ----

/** What `pay` returns: the fields of the token's `Claim` / `ClaimMany` entry, for the payee. */
export interface SignedVoucher {
  /** Channel id, decimal. */
  channel: string;
  /** Cumulative amount, decimal. */
  cumulative: string;
  /** 64-byte signature, lower-case hex. */
  signature: string;
}

export interface CreateSessionOptions {
  chainId: string;
  /** The token contract's address. */
  token: string;
  /** The channel's payee address (as the token will store it: the same string). */
  payee: string;
  /** The `amount` of `OpenChannel`: no voucher will go above it (see `topUp`). */
  deposit: string | bigint;
  /**
   * Default ed25519: slightly cheaper than secp256k1 to open and to claim
   * (docs/BENCHMARKS.md), and `ClaimMany` checks ed25519 vouchers in one batch.
   */
  keyType?: KeyType;
  /** The pending label to store the session under until `attach`; default random. */
  label?: string;
  /** Use this key rather than a fresh one. */
  key?: SessionKey;
}

const sessionLocks = new Locks();

/**
 * One payer-side payment channel signed by a session key: create it, put `signerKey()` in
 * `OpenChannel`, `attach` the new channel's id, then `pay` per request.
 *
 * Every change is persisted before the method returns; `pay` persists the new cumulative
 * before it returns the signature. Calls on sessions of one store and ref are serialized
 * within this process.
 */
export class ChannelSession {
  readonly store: SessionKeyStore;
  private record: SessionRecord;

  private constructor(store: SessionKeyStore, record: SessionRecord) {
    this.store = store;
    this.record = record;
  }

  /** A new session (fresh key unless `key` is given), persisted under its pending label. */
  static async create(store: SessionKeyStore, options: CreateSessionOptions): Promise<ChannelSession> {
    const keyType = options.key?.keyType ?? options.keyType ?? "ed25519";
    const key = options.key ?? generateSessionKey(keyType);
    const label = options.label ?? bytesToHex(randomBytes(16));
    if (typeof label !== "string" || label.length === 0) {
      throw new SessionError("invalid_label", "a pending label is a non-empty string");
    }
    const deposit = parseAmount(options.deposit);
    // Every voucher of the session will encode: check the strings once, now.
    encodeVoucher({ chain_id: options.chainId, token: options.token, channel_id: 0n, payee: options.payee, cumulative: 0n });
    const record: SessionRecord = {
      version: 1,
      chainId: options.chainId,
      token: options.token,
      payee: options.payee,
      channel: null,
      label,
      keyType: key.keyType,
      secretKey: bytesToHex(key.secretKey),
      cumulative: "0",
      deposit: deposit.toString(),
    };
    // The key must be what the record says.
    publicKey(record.secretKey, record.keyType);
    const session = new ChannelSession(store, record);
    await session.locked(async () => {
      if (await store.get(recordRef(record))) {
        throw new SessionError("session_exists", `a session is already stored under label ${JSON.stringify(label)}`);
      }
      await store.put(record);
    });
    return session;
  }

  /** The session stored under `ref` (a channel, or a pending label). */
  static async load(store: SessionKeyStore, ref: SessionRef): Promise<ChannelSession> {
    const record = await store.get(ref);
    if (!record) throw new SessionError("session_not_found", `no session stored for ${sessionKeyOf(ref)}`);
    return new ChannelSession(store, record);
  }

  get chainId(): string {
    return this.record.chainId;
  }
  get token(): string {
    return this.record.token;
  }
  get payee(): string {
    return this.record.payee;
  }
  get keyType(): KeyType {
    return this.record.keyType;
  }
  get label(): string {
    return this.record.label;
  }
  /** The channel id once attached. */
  get channel(): string | undefined {
    return this.record.channel ?? undefined;
  }
  /** The last cumulative signed (0n: none). */
  get cumulative(): bigint {
    return BigInt(this.record.cumulative);
  }
  /** The deposit the session was told about. */
  get deposit(): bigint {
    return BigInt(this.record.deposit);
  }
  /** What can still be paid: deposit minus the last cumulative. */
  get remaining(): bigint {
    return this.deposit - this.cumulative;
  }
  /** A copy of the stored record. */
  toRecord(): SessionRecord {
    return { ...this.record };
  }

  /** The `signer` for `OpenChannel`: the session key's public key. */
  signerKey(): SignerKey {
    return signerKey(publicKey(this.record.secretKey, this.record.keyType), this.record.keyType);
  }

  private ref(): SessionRef {
    return recordRef(this.record);
  }

  private locked<T>(work: () => Promise<T>): Promise<T> {
    // The lock follows the store and the session's pending label, which never changes.
    return sessionLocks.run(sessionKeyOf({ chainId: this.chainId, token: this.token, label: this.label }), work);
  }

  /** The stored record, which must still hold this session's key. */
  private async fresh(): Promise<SessionRecord> {
    const stored = await this.store.get(this.ref());
    if (!stored) throw new SessionError("session_not_found", `no session stored for ${sessionKeyOf(this.ref())}`);
    if (stored.secretKey !== this.record.secretKey || stored.keyType !== this.record.keyType) {
      throw new SessionError("key_mismatch", `the session stored for ${sessionKeyOf(this.ref())} has another key`);
    }
    return stored;
  }

  /**
   * Moves the session from its pending label to `channelId`, the id the `OpenChannel`
   * response returned (its data `{"channel": ...}`, or the `channel` attribute of its
   * `wasm-token_channel_opened` event). Refused if another key is stored for that channel.
   */
  async attach(channelId: string | bigint): Promise<void> {
    const channel = parseChannelId(channelId).toString();
    return this.locked(async () => {
      if (this.record.channel !== null) {
        throw new SessionError("already_attached", `the session is already attached to channel ${this.record.channel}`);
      }
      const pending = await this.fresh();
      const next: SessionRecord = { ...pending, channel };
      const existing = await this.store.get(recordRef(next));
      if (existing && existing.secretKey !== next.secretKey) {
        throw new SessionError("session_exists", `another session is stored for channel ${channel}`);
      }
      // A retried attach (after a crash between the two writes) keeps what was signed.
      if (existing && BigInt(existing.cumulative) > BigInt(next.cumulative)) next.cumulative = existing.cumulative;
      await this.store.put(next, this.ref());
      this.record = next;
    });
  }

  /** After a `TopUpChannel` of `amount`: raises the deposit the vouchers may reach. */
  async topUp(amount: string | bigint): Promise<void> {
    const add = parseAmount(amount);
    if (add === 0n) throw new SessionError("zero_amount", "a top-up must be positive");
    return this.locked(async () => {
      const stored = await this.fresh();
      const deposit = maxOf(BigInt(stored.deposit), this.deposit) + add;
      // Range-checked: the deposit is a Uint128 on chain.
      const next: SessionRecord = { ...stored, deposit: parseAmount(deposit).toString() };
      await this.store.put(next);
      this.record = next;
    });
  }

  /** Signs the next voucher: the last cumulative plus `amount`. */
  async pay(amount: string | bigint): Promise<SignedVoucher> {
    const add = parseAmount(amount);
    if (add === 0n) throw new SessionError("zero_amount", "a payment must be positive");
    return this.signNext((last) => last + add);
  }

  /** Signs a voucher for exactly `cumulative`, which must be above the last one signed. */
  async payUpTo(cumulative: string | bigint): Promise<SignedVoucher> {
    const target = parseAmount(cumulative);
    return this.signNext(() => target);
  }

  private signNext(next: (last: bigint) => bigint): Promise<SignedVoucher> {
    return this.locked(async () => {
      if (this.record.channel === null) {
        throw new SessionError("not_attached", "attach the channel id (from the OpenChannel response) before paying");
      }
      const stored = await this.fresh();
      // Another session object on the same store may have signed meanwhile: never go below it.
      const last = maxOf(BigInt(stored.cumulative), this.cumulative);
      const deposit = maxOf(BigInt(stored.deposit), this.deposit);
      const cumulative = next(last);
      if (cumulative <= last) {
        throw new SessionError("not_monotonic", `cumulative ${cumulative} is not above the last one signed (${last})`);
      }
      if (cumulative > deposit) {
        throw new SessionError("exceeds_deposit", `cumulative ${cumulative} exceeds the deposit ${deposit}`);
      }
      const channel = this.record.channel;
      const signature = signVoucher(
        { chain_id: this.chainId, token: this.token, channel_id: channel, payee: this.payee, cumulative },
        hexToBytes(this.record.secretKey),
        this.keyType,
      );
      const record: SessionRecord = { ...stored, cumulative: cumulative.toString(), deposit: deposit.toString() };
      // Persisted before the signature leaves: after a crash, the next voucher is above it.
      await this.store.put(record);
      this.record = record;
      return { channel, cumulative: cumulative.toString(), signature: bytesToHex(signature) };
    });
  }

  /** Removes the session from its store (once the channel is closed). */
  async forget(): Promise<void> {
    return this.locked(() => this.store.delete(this.ref()));
  }
}

function maxOf(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}
