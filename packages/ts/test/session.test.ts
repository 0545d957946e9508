import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterEach, beforeEach, describe, expect, it } from "vitest";

import {
  ChannelSession,
  checkKey,
  FileSessionStore,
  generateSessionKey,
  hexToBytes,
  parseSignerKey,
  publicKey,
  SessionError,
  U128_MAX,
  verifyVoucher,
  VoucherError,
  WebStorageSessionStore,
  type SessionKeyStore,
  type SessionRecord,
  type StorageLike,
} from "../src/index";

import { FakeStorage } from "./support/storage";

const CHAIN = "farthing-1";
const TOKEN = "cosmwasm14hj2tavq8fpesdwxxcu44rty3hh90vhujrvcmstl4zr3txmfvw9s4hmalr";
const PAYEE = "cosmwasm1vz4nx0fy3yvpd0t2xt5fvzw6xwwhsy7w7whqxvjwmy2dfhl3ztjqmx2v4n";

/** Awaits `p`, expects it to reject with a `SessionError` or `VoucherError`, returns the code. */
async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e instanceof SessionError || e instanceof VoucherError).toBe(true);
    return (e as SessionError | VoucherError).code;
  }
  throw new Error("expected a rejection, it resolved");
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "farthing-session-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

type StoreKind = "web" | "file";
/** A fresh store, and a function that opens a second store over the same persisted data. */
function makeStore(kind: StoreKind): { store: SessionKeyStore; reopen: () => SessionKeyStore } {
  if (kind === "web") {
    const storage = new FakeStorage();
    return { store: new WebStorageSessionStore(storage), reopen: () => new WebStorageSessionStore(storage) };
  }
  const path = join(dir, "nested", "sessions.json");
  return { store: new FileSessionStore(path), reopen: () => new FileSessionStore(path) };
}

async function openSession(store: SessionKeyStore, deposit: string | bigint = 1000n, keyType?: "ed25519" | "secp256k1") {
  return ChannelSession.create(store, { chainId: CHAIN, token: TOKEN, payee: PAYEE, deposit, keyType });
}

describe("generateSessionKey", () => {
  it("makes ed25519 keys by default, secp256k1 on request, each fresh and valid", () => {
    const a = generateSessionKey();
    const b = generateSessionKey();
    expect(a.keyType).toBe("ed25519");
    expect(a.secretKey).toHaveLength(32);
    expect(a.publicKey).toHaveLength(32);
    expect(a.secretKey).not.toEqual(b.secretKey);
    expect(a.publicKey).toEqual(publicKey(a.secretKey, "ed25519"));
    expect(parseSignerKey(a.signer)).toEqual({ keyType: "ed25519", publicKey: a.publicKey });
    const s = generateSessionKey("secp256k1");
    expect(s.keyType).toBe("secp256k1");
    expect(s.publicKey).toHaveLength(33);
    expect(Object.keys(s.signer)).toEqual(["secp256k1"]);
    expect(checkKey(s.signer)).toBeUndefined();
  });
});

describe.each(["web", "file"] as const)("%s store", (kind) => {
  it("round-trips records: get, put, list, delete, and a pending record moved to its channel", async () => {
    const { store, reopen } = makeStore(kind);
    const key = generateSessionKey();
    const record: SessionRecord = {
      version: 1,
      chainId: CHAIN,
      token: TOKEN,
      payee: PAYEE,
      channel: null,
      label: "order-17",
      keyType: "ed25519",
      secretKey: Buffer.from(key.secretKey).toString("hex"),
      cumulative: "0",
      deposit: "500",
    };
    const pending = { chainId: CHAIN, token: TOKEN, label: "order-17" };
    expect(await store.get(pending)).toBeUndefined();
    expect(await store.list()).toEqual([]);
    await store.put(record);
    expect(await store.get(pending)).toEqual(record);
    expect(await reopen().get(pending)).toEqual(record);

    const attached = { ...record, channel: "18446744073709551615", cumulative: "7" };
    await store.put(attached, pending);
    expect(await store.get(pending)).toBeUndefined();
    // The channel ref takes a string or a bigint.
    expect(await store.get({ chainId: CHAIN, token: TOKEN, channel: "18446744073709551615" })).toEqual(attached);
    expect(await reopen().get({ chainId: CHAIN, token: TOKEN, channel: 18446744073709551615n })).toEqual(attached);
    // Another chain or token is another session.
    expect(await store.get({ chainId: "farthing-2", token: TOKEN, channel: "18446744073709551615" })).toBeUndefined();
    expect(await store.get({ chainId: CHAIN, token: PAYEE, channel: "18446744073709551615" })).toBeUndefined();

    const other = { ...record, label: "order-18" };
    await store.put(other);
    // In key order: a channel's session before the pending ones.
    expect(await reopen().list()).toEqual([attached, other]);
    await store.delete({ chainId: CHAIN, token: TOKEN, channel: 18446744073709551615n });
    expect(await reopen().list()).toEqual([other]);
  });

  it("refuses to store what is not a session record", async () => {
    const { store } = makeStore(kind);
    const bad = { version: 1, chainId: CHAIN, token: TOKEN, payee: PAYEE, channel: "01", label: "x", keyType: "ed25519", secretKey: "00".repeat(32), cumulative: "0", deposit: "1" };
    expect(await codeOf(store.put(bad as SessionRecord))).toBe("corrupt_store");
    expect(await codeOf(store.put({ ...bad, channel: null, secretKey: "zz" } as SessionRecord))).toBe("corrupt_store");
    expect(await codeOf(store.put({ ...bad, channel: null, cumulative: U128_MAX.toString() + "0" } as SessionRecord))).toBe("corrupt_store");
    expect(await store.list()).toEqual([]);
  });

  it("persists a session across reloads: the key, the channel, the last cumulative and the deposit", async () => {
    const { store, reopen } = makeStore(kind);
    const session = await openSession(store, 1000n);
    const signer = session.signerKey();
    const label = session.label;
    // Before the channel exists, the session is found by its label.
    const pending = await ChannelSession.load(reopen(), { chainId: CHAIN, token: TOKEN, label });
    expect(pending.signerKey()).toEqual(signer);
    expect(pending.channel).toBeUndefined();

    await session.attach("42");
    await session.pay("10");
    await session.pay(25n);
    expect(await codeOf(ChannelSession.load(reopen(), { chainId: CHAIN, token: TOKEN, label }))).toBe("session_not_found");

    const reloaded = await ChannelSession.load(reopen(), { chainId: CHAIN, token: TOKEN, channel: "42" });
    expect(reloaded.signerKey()).toEqual(signer);
    expect(reloaded.channel).toBe("42");
    expect(reloaded.cumulative).toBe(35n);
    expect(reloaded.deposit).toBe(1000n);
    expect(reloaded.payee).toBe(PAYEE);
    const next = await reloaded.pay("5");
    expect(next.cumulative).toBe("40");
    // The first object, which has not seen 40, still never signs at or below it.
    expect((await session.pay("1")).cumulative).toBe("41");
    expect((await ChannelSession.load(reopen(), { chainId: CHAIN, token: TOKEN, channel: 42n })).cumulative).toBe(41n);

    await reloaded.forget();
    expect(await codeOf(ChannelSession.load(reopen(), { chainId: CHAIN, token: TOKEN, channel: "42" }))).toBe("session_not_found");
    expect(await codeOf(session.pay("1"))).toBe("session_not_found");
  });
});

describe("FileSessionStore on disk", () => {
  it("writes the file with mode 0600, atomically (no temporary file left), as JSON", async () => {
    const path = join(dir, "keys", "sessions.json");
    const store = new FileSessionStore(path);
    const session = await openSession(store);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, "keys"))).mode & 0o777).toBe(0o700);
    await session.attach("1");
    await session.pay("1");
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readdir(join(dir, "keys"))).toEqual(["sessions.json"]);
    const content = JSON.parse(await readFile(path, "utf8"));
    expect(content.version).toBe(1);
    expect(Object.values(content.sessions)).toEqual([session.toRecord()]);
  });

  it("tightens a store file that was readable by others at its next write", async () => {
    const path = join(dir, "sessions.json");
    await writeFile(path, JSON.stringify({ version: 1, sessions: {} }), { mode: 0o644 });
    expect((await stat(path)).mode & 0o777).toBe(0o644);
    await openSession(new FileSessionStore(path));
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it("serializes concurrent writes from one process: none is lost", async () => {
    const path = join(dir, "sessions.json");
    const sessions = await Promise.all(
      Array.from({ length: 8 }, (_, i) => ChannelSession.create(new FileSessionStore(path), { chainId: CHAIN, token: TOKEN, payee: PAYEE, deposit: 100n, label: `l${i}` })),
    );
    await Promise.all(sessions.map((s, i) => s.attach(BigInt(i + 1))));
    await Promise.all(sessions.map((s) => s.pay("3")));
    const records = await new FileSessionStore(path).list();
    expect(records.map((r) => [r.channel, r.cumulative]).sort()).toEqual(Array.from({ length: 8 }, (_, i) => [String(i + 1), "3"]).sort());
  });

  it("refuses a file that is not a session store", async () => {
    const path = join(dir, "sessions.json");
    await writeFile(path, "not json");
    expect(await codeOf(new FileSessionStore(path).list())).toBe("corrupt_store");
    await writeFile(path, JSON.stringify({ version: 2, sessions: {} }));
    expect(await codeOf(new FileSessionStore(path).list())).toBe("corrupt_store");
    // A record filed under another session's key.
    const store = new FileSessionStore(join(dir, "good.json"));
    const s = await openSession(store);
    const content = JSON.parse(await readFile(join(dir, "good.json"), "utf8"));
    const [k] = Object.keys(content.sessions);
    content.sessions[k!.replace(s.label, "elsewhere")] = content.sessions[k!];
    delete content.sessions[k!];
    await writeFile(path, JSON.stringify(content));
    expect(await codeOf(new FileSessionStore(path).list())).toBe("corrupt_store");
  });
});

describe("WebStorageSessionStore", () => {
  it("keeps one item per session under its prefix and ignores other items", async () => {
    const storage = new FakeStorage();
    storage.setItem("unrelated", "x");
    const store = new WebStorageSessionStore(storage);
    const s = await openSession(store);
    await s.attach("9");
    expect([...storage.items.keys()].sort()).toEqual(['farthing-session/v1:["farthing-1","' + TOKEN + '","channel","9"]', "unrelated"]);
    expect(await store.list()).toEqual([s.toRecord()]);
    storage.setItem('farthing-session/v1:["x"]', "{");
    expect(await codeOf(store.list())).toBe("corrupt_store");
  });

  it("defaults to globalThis.localStorage, and says so when there is none", () => {
    const g = globalThis as { localStorage?: StorageLike };
    const saved = g.localStorage;
    try {
      delete g.localStorage;
      expect(() => new WebStorageSessionStore()).toThrowError(SessionError);
      try {
        new WebStorageSessionStore();
      } catch (e) {
        expect((e as SessionError).code).toBe("no_storage");
      }
      const fake = new FakeStorage();
      g.localStorage = fake;
      expect(new WebStorageSessionStore().storage).toBe(fake);
    } finally {
      if (saved === undefined) delete g.localStorage;
      else g.localStorage = saved;
    }
  });
});

describe("ChannelSession", () => {
  it("pay signs the next cumulative voucher, which verifies against signerKey(), ready for Claim", async () => {
    for (const keyType of ["ed25519", "secp256k1"] as const) {
      const session = await openSession(new WebStorageSessionStore(new FakeStorage()), 1000n, keyType);
      expect(session.keyType).toBe(keyType);
      await session.attach(7n);
      const signer = session.signerKey();
      let expected = 0n;
      for (const amount of ["1", "2", 3n, "994"]) {
        const voucher = await session.pay(amount);
        expected += BigInt(amount);
        expect(voucher).toEqual({ channel: "7", cumulative: expected.toString(), signature: expect.stringMatching(/^[0-9a-f]{128}$/) });
        expect(
          verifyVoucher({ chain_id: CHAIN, token: TOKEN, channel_id: voucher.channel, payee: PAYEE, cumulative: voucher.cumulative }, voucher.signature, signer),
        ).toBeUndefined();
        // Not for another channel or another amount.
        expect(() => verifyVoucher({ chain_id: CHAIN, token: TOKEN, channel_id: "8", payee: PAYEE, cumulative: voucher.cumulative }, voucher.signature, signer)).toThrowError(
          /code=bad_signature/,
        );
      }
      expect(session.cumulative).toBe(1000n);
      expect(session.remaining).toBe(0n);
    }
  });

  it("caps vouchers at the deposit: exactly the deposit is allowed, one above is refused", async () => {
    const session = await openSession(new WebStorageSessionStore(new FakeStorage()), 100n);
    await session.attach("1");
    expect(await codeOf(session.pay("101"))).toBe("exceeds_deposit");
    expect((await session.pay("60")).cumulative).toBe("60");
    expect(await codeOf(session.pay("41"))).toBe("exceeds_deposit");
    expect(await codeOf(session.payUpTo("101"))).toBe("exceeds_deposit");
    expect(session.cumulative).toBe(60n);
    expect((await session.pay("40")).cumulative).toBe("100");
    expect(await codeOf(session.pay("1"))).toBe("exceeds_deposit");
    // A top-up raises the cap by its amount.
    await session.topUp("5");
    expect(session.deposit).toBe(105n);
    expect(await codeOf(session.pay("6"))).toBe("exceeds_deposit");
    expect((await session.pay("5")).cumulative).toBe("105");
    expect(await codeOf(session.topUp("0"))).toBe("zero_amount");
    // Even an amount past u128 is refused as over the deposit, not wrapped.
    const big = await openSession(new WebStorageSessionStore(new FakeStorage()), U128_MAX);
    await big.attach("2");
    expect((await big.payUpTo(U128_MAX)).cumulative).toBe(U128_MAX.toString());
    expect(await codeOf(big.pay("1"))).toBe("exceeds_deposit");
    expect(await codeOf(big.topUp("1"))).toBe("invalid_amount");
  });

  it("is monotonic: a cumulative at or below the last one signed is refused, and nothing changes", async () => {
    const store = new WebStorageSessionStore(new FakeStorage());
    const session = await openSession(store, 1000n);
    await session.attach("3");
    expect((await session.payUpTo("50")).cumulative).toBe("50");
    expect(await codeOf(session.payUpTo("50"))).toBe("not_monotonic");
    expect(await codeOf(session.payUpTo("49"))).toBe("not_monotonic");
    expect(await codeOf(session.payUpTo("0"))).toBe("not_monotonic");
    expect(await codeOf(session.pay("0"))).toBe("zero_amount");
    expect(await codeOf(session.pay(0n))).toBe("zero_amount");
    expect(await codeOf(session.pay("-1"))).toBe("invalid_amount");
    expect(await codeOf(session.pay("1.5"))).toBe("invalid_amount");
    expect(session.cumulative).toBe(50n);
    expect((await ChannelSession.load(store, { chainId: CHAIN, token: TOKEN, channel: "3" })).cumulative).toBe(50n);
    expect((await session.payUpTo("51")).cumulative).toBe("51");
  });

  it("concurrent pays get distinct, increasing cumulatives", async () => {
    const session = await openSession(new FileSessionStore(join(dir, "s.json")), 1000n);
    await session.attach("4");
    const results = await Promise.all(Array.from({ length: 10 }, () => session.pay("2")));
    expect(results.map((r) => r.cumulative)).toEqual(["2", "4", "6", "8", "10", "12", "14", "16", "18", "20"]);
    expect(new Set(results.map((r) => r.signature)).size).toBe(10);
  });

  it("persists the new cumulative before returning the signature; a failed write returns none", async () => {
    const storage = new FakeStorage();
    const store = new WebStorageSessionStore(storage);
    const session = await openSession(store, 1000n);
    await session.attach("5");
    // Record what is stored at the moment the signature comes back.
    const voucher = await session.pay("10");
    const stored = JSON.parse([...storage.items.values()][0]!) as SessionRecord;
    expect(stored.cumulative).toBe(voucher.cumulative);

    // A store whose write is held: pay does not resolve until the write is done, and the
    // write already carries the new cumulative.
    let release!: () => void;
    const written: string[] = [];
    const held: SessionKeyStore = {
      get: (ref) => store.get(ref),
      put: async (record, replaces) => {
        written.push(record.cumulative);
        await new Promise<void>((r) => (release = r));
        await store.put(record, replaces);
      },
      delete: (ref) => store.delete(ref),
      list: () => store.list(),
    };
    const slow = await ChannelSession.load(held, { chainId: CHAIN, token: TOKEN, channel: "5" });
    let returned: unknown;
    const paying = slow.pay("7").then((v) => (returned = v));
    await new Promise((r) => setTimeout(r, 20));
    expect(written).toEqual(["17"]);
    expect(returned).toBeUndefined();
    release();
    await paying;
    expect(returned).toMatchObject({ channel: "5", cumulative: "17" });
    expect((await ChannelSession.load(store, { chainId: CHAIN, token: TOKEN, channel: "5" })).cumulative).toBe(17n);

    // A store whose writes fail: pay rejects, and the cumulative is unchanged everywhere.
    const failing: SessionKeyStore = {
      get: (ref) => store.get(ref),
      put: async () => {
        throw new Error("disk full");
      },
      delete: (ref) => store.delete(ref),
      list: () => store.list(),
    };
    const broken = await ChannelSession.load(failing, { chainId: CHAIN, token: TOKEN, channel: "5" });
    await expect(broken.pay("1")).rejects.toThrow("disk full");
    expect(broken.cumulative).toBe(17n);
    expect((await ChannelSession.load(store, { chainId: CHAIN, token: TOKEN, channel: "5" })).cumulative).toBe(17n);
  });

  it("attach: needed before pay, once, refused onto another key's channel, retried safely", async () => {
    const store = new WebStorageSessionStore(new FakeStorage());
    const a = await openSession(store);
    expect(await codeOf(a.pay("1"))).toBe("not_attached");
    expect(await codeOf(a.attach("01"))).toBe("invalid_channel_id");
    expect(await codeOf(a.attach("18446744073709551616"))).toBe("invalid_channel_id");
    await a.attach("18446744073709551615");
    expect(a.channel).toBe("18446744073709551615");
    expect(await codeOf(a.attach("2"))).toBe("already_attached");
    const b = await openSession(store);
    expect(await codeOf(b.attach("18446744073709551615"))).toBe("session_exists");
    // b stays pending, under its label.
    expect((await ChannelSession.load(store, { chainId: CHAIN, token: TOKEN, label: b.label })).channel).toBeUndefined();

    // A crash between the two writes of attach leaves the pending record: reloading it by its
    // label and attaching again works (same key), and keeps what the channel record signed.
    const c = await openSession(store);
    const pendingRecord = c.toRecord();
    await c.attach("77");
    await c.pay("30");
    await store.put(pendingRecord); // the pending record, as if its removal had not happened
    const again = await ChannelSession.load(store, { chainId: CHAIN, token: TOKEN, label: c.label });
    await again.attach("77");
    expect(again.cumulative).toBe(30n);
    expect((await again.pay("1")).cumulative).toBe("31");
  });

  it("create: validates its inputs, refuses a label already in use, takes a given key", async () => {
    const store = new WebStorageSessionStore(new FakeStorage());
    expect(await codeOf(ChannelSession.create(store, { chainId: CHAIN, token: TOKEN, payee: PAYEE, deposit: "-1" }))).toBe("invalid_amount");
    expect(await codeOf(ChannelSession.create(store, { chainId: CHAIN, token: TOKEN, payee: "x".repeat(65_536), deposit: "1" }))).toBe("field_too_long");
    expect(await codeOf(ChannelSession.create(store, { chainId: CHAIN, token: TOKEN, payee: PAYEE, deposit: "1", label: "" }))).toBe("invalid_label");
    await ChannelSession.create(store, { chainId: CHAIN, token: TOKEN, payee: PAYEE, deposit: "1", label: "same" });
    expect(await codeOf(ChannelSession.create(store, { chainId: CHAIN, token: TOKEN, payee: PAYEE, deposit: "1", label: "same" }))).toBe("session_exists");
    const key = generateSessionKey("secp256k1");
    const s = await ChannelSession.create(store, { chainId: CHAIN, token: TOKEN, payee: PAYEE, deposit: "1", key });
    expect(s.keyType).toBe("secp256k1");
    expect(s.signerKey()).toEqual(key.signer);
    expect(hexToBytes(s.toRecord().secretKey)).toEqual(key.secretKey);
    expect(s.label).toMatch(/^[0-9a-f]{32}$/);
  });

  it("refuses to sign when the stored record holds another key", async () => {
    const storage = new FakeStorage();
    const store = new WebStorageSessionStore(storage);
    const s = await openSession(store);
    await s.attach("6");
    const other = generateSessionKey();
    await store.put({ ...s.toRecord(), secretKey: Buffer.from(other.secretKey).toString("hex") });
    expect(await codeOf(s.pay("1"))).toBe("key_mismatch");
  });
});
