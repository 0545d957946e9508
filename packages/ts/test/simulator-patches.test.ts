/**
 * Regression tests of the patches in packages/ts/patches/ (applied by `npm ci` through
 * patch-package). Each describe block fails when its patch is reversed:
 *
 *   @oraichain+cosmwasm-vm-js+0.2.91+001+db-next-key-value.patch   db_next_key / db_next_value
 *   @oraichain+cosmwasm-vm-js+0.2.91+002+key-compare-prefix.patch  storage key order
 *   @oraichain+cw-simulate+2.8.108+001+vm-storage-rollback.patch   reverted writes stay reverted
 *   @oraichain+cw-simulate+2.8.108+002+reply-payload.patch         Reply carries the payload
 *
 * To see one fail: `patch -p1 -R < patches/<file>` in packages/ts, run this file, then
 * `patch -p1 < patches/<file>` (or `npm ci`).
 */
import { BinaryKVIterStorage, compare, Order, VMInstance } from "@oraichain/cw-simulate";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";

import {
  createSim,
  cw20Balance,
  DAY,
  deploy,
  eventsOf,
  kycRecord,
  SimTxError,
  storageOf,
  vmStorageOf,
  type Deployment,
  type Sim,
} from "./support/sim";

const hex = (s: string) => Buffer.from(s, "utf8").toString("hex");
const b64json = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64");
/** Bytewise order of hex keys, as the chain's store orders them. */
const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a, "hex"), Buffer.from(b, "hex"));

afterEach(() => {
  vi.restoreAllMocks();
});

describe("patch 001 (cosmwasm-vm-js): db_next_key / db_next_value imports", () => {
  let sim: Sim;
  let d: Deployment;

  beforeAll(async () => {
    sim = await createSim();
    // Unpatched, this throws: WebAssembly.instantiate(): Import #0 module="env"
    // function="db_next_key" error: function import requires a callable.
    d = await deploy(sim);
  });

  it("links the contracts that import them", () => {
    for (const codeId of Object.values(sim.codeIds)) {
      const code = sim.app.wasm.getCodeInfo(codeId);
      const imports = WebAssembly.Module.imports(new WebAssembly.Module(new Uint8Array(code!.wasmCode))).map((i) => i.name);
      expect(imports).toEqual(expect.arrayContaining(["db_next_key", "db_next_value"]));
    }
    expect([d.registry, d.token, d.escrow].every((a) => sim.app.wasm.getContract(a).valid)).toBe(true);
  });

  it("pages keys() queries exactly (cw-storage-plus iterates with db_next_key)", async () => {
    const nextKey = vi.spyOn(VMInstance.prototype, "do_db_next_key");
    const officers = ["o1", "o2", "o3"].map((n) => sim.addr(n));
    for (const o of officers) {
      await sim.client.execute(d.accounts.owner, d.registry, { add_officer: { address: o } });
    }
    const all = [d.accounts.officer, ...officers].sort();
    const page = (start_after: string | null, limit: number | null) =>
      sim.client.queryContractSmart(d.registry, { officers: { start_after, limit } });
    expect((await page(null, null)).officers).toEqual(all);
    expect((await page(null, 2)).officers).toEqual(all.slice(0, 2));
    expect((await page(all[1]!, 2)).officers).toEqual(all.slice(2, 4));
    expect((await page(all[3]!, null)).officers).toEqual([]);
    expect(nextKey).toHaveBeenCalled();

    // the token's role index (prefix().keys()) and cw20 accounts (keys_raw())
    const roles = await sim.client.queryContractSmart(d.token, { roles: { role: "freezer", start_after: null, limit: null } });
    expect(roles.addresses).toEqual([d.accounts.freezer]);
    const holders = [sim.addr("h1"), sim.addr("h2")];
    await sim.client.execute(d.accounts.officer, d.registry, {
      upsert_records: { records: holders.map((h) => kycRecord(sim, h)) },
    });
    for (const h of holders) {
      await sim.client.execute(d.accounts.issuer, d.token, { mint: { recipient: h, amount: "7" } });
    }
    const accounts = await sim.client.queryContractSmart(d.token, { all_accounts: { start_after: null, limit: null } });
    expect([...accounts.accounts].sort()).toEqual([...holders].sort());
    expect(accounts.accounts).toHaveLength(2);
  });

  it("next key / next value / next advance one db_scan cursor, and answer 0 at the end", () => {
    const vm = sim.app.wasm.getContract(d.registry).vm;
    const expected = [...storageOf(sim, d.registry).entries()];
    expect(expected.length).toBeGreaterThan(4);
    const read = (ptr: number): string => {
      const region = vm.region(ptr);
      const out = Buffer.from(region.data).toString("hex");
      vm.deallocate(region);
      return out;
    };
    const scan = (order: number): number => {
      const empty = () => vm.allocate_bytes(new Uint8Array()).ptr;
      return vm.db_scan(empty(), empty(), order);
    };

    // ascending: key, value, (key, value), key, value, ... alternating the three imports
    let it = scan(1);
    const got: [string, string][] = [];
    for (let i = 0; i < expected.length; i++) {
      if (i % 3 === 0) {
        const k = read(vm.db_next_key(it));
        got.push([k, expected[i]![1]]);
      } else if (i % 3 === 1) {
        got.push([expected[i]![0], read(vm.db_next_value(it))]);
      } else {
        // db_next: key || u32 BE key length || value || u32 BE value length
        const kv = Buffer.from(read(vm.db_next(it)), "hex");
        const valueLen = kv.readUInt32BE(kv.length - 4);
        const keyLen = kv.readUInt32BE(kv.length - 4 - valueLen - 4);
        const value = kv.subarray(keyLen + 4, keyLen + 4 + valueLen);
        got.push([kv.subarray(0, keyLen).toString("hex"), value.toString("hex")]);
      }
    }
    expect(got).toEqual(expected);
    expect(vm.db_next_key(it)).toBe(0);
    expect(vm.db_next_value(it)).toBe(0);

    // descending keys, then values
    it = scan(2);
    const keys: string[] = [];
    for (let p = vm.db_next_key(it); p !== 0; p = vm.db_next_key(it)) keys.push(read(p));
    expect(keys).toEqual(expected.map(([k]) => k).reverse());
    it = scan(1);
    const values: string[] = [];
    for (let p = vm.db_next_value(it); p !== 0; p = vm.db_next_value(it)) values.push(read(p));
    expect(values).toEqual(expected.map(([, v]) => v));
  });
});

describe("patch 002 (cosmwasm-vm-js): storage keys compare as bytes, shorter prefix first", () => {
  it("compare() orders keys lexicographically", () => {
    const c = (a: number[], b: number[]) => compare(Uint8Array.from(a), Uint8Array.from(b));
    expect(c([0x63], [0x63, 0x73])).toBe(-1); // "c" < "cs"
    expect(c([0x63, 0x73], [0x63])).toBe(1);
    expect(c([], [0])).toBe(-1);
    expect(c([0], [])).toBe(1);
    expect(c([], [])).toBe(0);
    expect(c([1, 2, 3], [1, 2, 3])).toBe(0);
    expect(c([1, 2, 3], [1, 2, 4])).toBe(-1);
    expect(c([2], [1, 255])).toBe(1);
    const keys = ["6373", "63", "", "00", "6300", "62ff", "64"];
    const sorted = keys.map((k) => Buffer.from(k, "hex")).sort((a, b) => compare(a, b));
    expect(sorted.map((k) => k.toString("hex"))).toEqual(["", "00", "62ff", "63", "6300", "6373", "64"]);
  });

  it("the VM's storage keeps \"c\" and \"cs\" apart, and iterates \"c\" first", () => {
    const storage = new BinaryKVIterStorage();
    const key = (s: string) => new Uint8Array(Buffer.from(s));
    storage.set(key("c"), key("config"));
    storage.set(key("cs"), key("86400"));
    expect(Buffer.from(storage.get(key("c"))!).toString()).toBe("config");
    expect(Buffer.from(storage.get(key("cs"))!).toString()).toBe("86400");
    const it = storage.scan(new Uint8Array(), new Uint8Array(), Order.Ascending);
    expect(storage.all(it).map((r) => Buffer.from(r.key).toString())).toEqual(["c", "cs"]);
  });

  it("keeps the token's CONFIG (\"c\") and SETTLE_SECONDS (\"cs\") apart as its storage grows", async () => {
    const sim = await createSim();
    const d = await deploy(sim);
    const config = { registry: d.registry, paused: false };
    const holders = ["h1", "h2", "h3", "h4", "h5", "h6", "h7", "h8"].map((n) => sim.addr(n));
    await sim.client.execute(d.accounts.officer, d.registry, {
      upsert_records: { records: holders.map((h) => kycRecord(sim, h)) },
    });
    // Unpatched, once a few balances sit in the store, a read of "c" finds "cs" and the mint
    // fails: "Error parsing into type farthing_micropay_token::state::Config: Invalid type".
    for (const h of holders) {
      await sim.client.execute(d.accounts.issuer, d.token, { mint: { recipient: h, amount: "10" } });
      expect(await sim.client.queryContractSmart(d.token, { config: {} })).toEqual(config);
    }
    const storage = storageOf(sim, d.token);
    expect(storage.get(hex("cs"))).toBe(hex(String(DAY))); // DEFAULT_SETTLE_SECONDS
    expect(JSON.parse(Buffer.from(storage.get(hex("c"))!, "hex").toString())).toMatchObject({ r: d.registry });
    expect([...storage.keys()]).toEqual([...storage.keys()].sort(byteOrder));

    await sim.client.execute(d.accounts.owner, d.token, { set_settle_period: { seconds: 2 * DAY } });
    await sim.client.execute(d.accounts.pauser, d.token, { pause: { reason: "drill" } });
    expect(await sim.client.queryContractSmart(d.token, { config: {} })).toEqual({ ...config, paused: true });
    expect(storageOf(sim, d.token).get(hex("cs"))).toBe(hex(String(2 * DAY)));
  });
});

describe("patch 001 (cw-simulate): a failed transaction leaves every contract's storage as it was", () => {
  let sim: Sim;
  let d: Deployment;
  let gazette: string;
  let ada: string;
  let ed: string;
  let bob: string;
  let workId: number;
  const far = () => ({ cw20: { address: d.token } });

  const snapshot = () =>
    Object.fromEntries([d.registry, d.token, d.escrow].map((a) => [a, storageOf(sim, a)]));
  const expectVmCopiesInSync = () => {
    for (const a of [d.registry, d.token, d.escrow]) expect(vmStorageOf(sim, a)).toEqual(storageOf(sim, a));
  };

  beforeAll(async () => {
    sim = await createSim();
    d = await deploy(sim);
    [gazette, ada, ed, bob] = ["gazette", "ada", "ed", "bob"].map((n) => sim.account(n)) as [string, string, string, string];
    await sim.client.execute(d.accounts.officer, d.registry, {
      upsert_records: {
        records: [
          kycRecord(sim, gazette, { tier: 3, kind: "business", jurisdiction: "NL" }),
          kycRecord(sim, ada, { tier: 1, jurisdiction: "GB" }),
          kycRecord(sim, ed, { tier: 1, jurisdiction: "IE" }),
          kycRecord(sim, bob),
        ],
      },
    });
    await sim.client.execute(d.accounts.issuer, d.token, { mint: { recipient: gazette, amount: "10000" } });
    const reg = await sim.client.execute(gazette, d.escrow, {
      register_work: {
        name: "The Daily Farthing",
        recipients: [
          { address: ada, bps: 6000 },
          { address: ed, bps: 4000 },
        ],
        accepted: [far()],
      },
    });
    workId = JSON.parse(Buffer.from(reg.data!, "base64").toString()).work_id;
    await sim.client.execute(gazette, d.token, {
      send: { contract: d.escrow, amount: "1000", msg: b64json({ pay: { work_id: workId } }) },
    });
  });

  it("token side: a Send whose Receive the escrow refuses does not come back", async () => {
    const before = snapshot();
    // The token moves 500 from gazette to the escrow, then the escrow's Receive fails.
    await expect(
      sim.client.execute(gazette, d.token, {
        send: { contract: d.escrow, amount: "500", msg: b64json({ pay: { work_id: 999 } }) },
      }),
    ).rejects.toThrow("[code=work_not_found] work 999 does not exist");
    expect(snapshot()).toEqual(before);
    expectVmCopiesInSync();

    // A successful token execute afterwards must not write the reverted Send back.
    await sim.client.execute(gazette, d.token, { transfer: { recipient: bob, amount: "5" } });
    expect(await cw20Balance(sim, d.token, gazette)).toBe("8995");
    expect(await cw20Balance(sim, d.token, bob)).toBe("5");
    expect(await cw20Balance(sim, d.token, d.escrow)).toBe("1000");
    const info = await sim.client.queryContractSmart(d.token, { token_info: {} });
    expect(info.total_supply).toBe("10000");
  });

  it("escrow side: a royalty Claim whose transfer the token refuses does not come back", async () => {
    await sim.client.execute(d.accounts.freezer, d.token, { freeze: { address: ada, reason: "court_order_17" } });
    const before = snapshot();
    const claim = { claim: { work_id: workId, epoch: null, asset: far(), amount: null } };
    // The escrow records ada's claim, then the token refuses the transfer: the tx reverts.
    const refused = sim.client.execute(ada, d.escrow, claim);
    await expect(refused).rejects.toThrow(SimTxError);
    await expect(refused).rejects.toThrow(`[code=frozen] address ${ada} is frozen by the issuer`);
    expect(snapshot()).toEqual(before);
    expectVmCopiesInSync();

    // Successful escrow and token executes afterwards must not write ada's claim back.
    await sim.client.execute(ed, d.escrow, claim);
    expect(await cw20Balance(sim, d.token, ed)).toBe("400");
    const claimable = await sim.client.queryContractSmart(d.escrow, {
      claimable: { work_id: workId, epoch: null, asset: far(), address: ada },
    });
    expect(claimable).toEqual({ amount: "600", claimed: "0" });

    await sim.client.execute(d.accounts.freezer, d.token, { unfreeze: { address: ada, reason: "order_lifted" } });
    await sim.client.execute(ada, d.escrow, claim);
    expect(await cw20Balance(sim, d.token, ada)).toBe("600");
    expect(await cw20Balance(sim, d.token, d.escrow)).toBe("0");
    expectVmCopiesInSync();
  });

  it("a failed instantiation leaves no contract behind", async () => {
    const before = sim.app.wasm.getContracts().length;
    await expect(
      sim.client.instantiate(d.accounts.owner, sim.codeIds.escrow, { accepted_cw20: ["nope"], dispute_timeout_seconds: 1 }, "bad"),
    ).rejects.toThrow(SimTxError);
    expect(sim.app.wasm.getContracts()).toHaveLength(before);
  });
});

describe("patch 002 (cw-simulate): a Reply carries its sub-message's payload", () => {
  it("the escrow holds a release the token refuses (reply_on_error with a payload)", async () => {
    const sim = await createSim();
    const d = await deploy(sim);
    const [gazette, dave] = [sim.account("gazette"), sim.account("dave")];
    await sim.client.execute(d.accounts.officer, d.registry, {
      upsert_records: { records: [kycRecord(sim, gazette, { tier: 3, kind: "business" }), kycRecord(sim, dave, { tier: 1 })] },
    });
    await sim.client.execute(d.accounts.issuer, d.token, { mint: { recipient: gazette, amount: "6000" } });
    const terms = { payee: dave, arbiter: null, milestones: ["3000", "3000"], expires_at: sim.client.timestamp(90 * DAY) };
    await sim.client.execute(gazette, d.token, {
      send: { contract: d.escrow, amount: "6000", msg: b64json({ create_deal: terms }) },
    });
    await sim.client.execute(gazette, d.escrow, { release: { deal_id: 1, milestone: 0 } });
    expect(await cw20Balance(sim, d.token, dave)).toBe("3000");

    await sim.client.execute(d.accounts.freezer, d.token, { freeze: { address: dave, reason: "court_order_17" } });
    // Unpatched, the reply got no payload and failed: "Error parsing into type
    // farthing_royalty_escrow::payout::HeldPayout: EOF while parsing a JSON value."
    const res = await sim.client.execute(gazette, d.escrow, { release: { deal_id: 1, milestone: 1 } });
    expect(res.events.map((e) => e.type)).toContain("reply");
    expect(eventsOf(res, "wasm-escrow_payout_held")).toEqual([
      {
        _contract_address: d.escrow,
        to: dave,
        asset: `cw20:${d.token}`,
        amount: "3000",
        code: "transfer_refused",
      },
    ]);
    expect(await cw20Balance(sim, d.token, dave)).toBe("3000");
    expect(await cw20Balance(sim, d.token, d.escrow)).toBe("3000");
    const held = await sim.client.queryContractSmart(d.escrow, { held: { address: dave, start_after: null, limit: null } });
    expect(held).toEqual({ held: [{ asset: { cw20: { address: d.token } }, amount: "3000" }] });
  });
});
