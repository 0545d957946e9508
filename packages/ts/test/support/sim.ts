/**
 * Test harness: the three optimized contracts (artifacts/*.wasm) running in
 * @oraichain/cw-simulate, behind a client with the shape of ts-codegen 1.14's
 * `ISigningCosmWasmClient`, so that the generated clients run unchanged against it.
 *
 * The simulator only runs these contracts with the patches in packages/ts/patches/
 * (applied by `npm ci` through patch-package); see test/simulator-patches.test.ts.
 *
 *   const sim = await createSim();
 *   const d = await deploy(sim);
 *   await sim.client.execute(d.accounts.issuer, d.token, { mint: { recipient, amount: "5" } });
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

import { CWSimulateApp } from "@oraichain/cw-simulate";
import type { Coin, StdFee } from "@interchainjs/types";

export const CHAIN_ID = "farthing-1";
export const PREFIX = "wasm";
/** The chain's native denom (gas is not charged; funds attached to messages are real). */
export const NATIVE_DENOM = "ustake";
/** Genesis block time: 2025-01-01T00:00:00Z. */
export const GENESIS_SECONDS = 1_735_689_600;
/** Each transaction is a new block: height + 1, time + this many seconds. */
export const BLOCK_SECONDS = 5;
export const DAY = 86_400;

/** packages/ts/../../artifacts */
export const ARTIFACTS = path.resolve(__dirname, "../../../../artifacts");

// The generated clients' interfaces (src/generated/baseClient.ts): SimClient implements
// them, so the generated clients run unchanged against the simulator.
import type { ICosmWasmClient, ISigningCosmWasmClient } from "../../src/generated/baseClient";
export type { ICosmWasmClient, ISigningCosmWasmClient };

// ---- results and errors, shaped like a chain's ----

export interface SimAttribute {
  key: string;
  value: string;
}

export interface SimEvent {
  type: string;
  attributes: SimAttribute[];
}

export interface SimTxResult {
  transactionHash: string;
  height: number;
  /** `execute` / `instantiate`, `wasm`, `wasm-<type>` events, sub-messages' events after. */
  events: SimEvent[];
  /** The response's `data` (base64), as the contract (or its last sub-message reply) set it. */
  data?: string;
  /** The simulator's own metering (only with `createSim({ metering: true })`); not SDK gas. */
  gasUsed?: bigint;
}

/**
 * A refused transaction. The message reads as a chain's raw log does, with the contract's
 * error inside: `failed to execute message; message index: 0: <error>: execute wasm contract
 * failed`.
 */
export class SimTxError extends Error {
  constructor(
    /** The contract's (or the bank's) error string, unwrapped. */
    readonly contractError: string,
    action: "execute" | "instantiate",
  ) {
    super(
      `failed to execute message; message index: 0: ${contractError}: ${action} wasm contract failed`,
    );
    this.name = "SimTxError";
  }

  get rawLog(): string {
    return this.message;
  }
}

/** cw-simulate throws (rather than answers an error) when a sub-message panics. */
async function refusal<T>(call: Promise<T>, action: "execute" | "instantiate"): Promise<T> {
  try {
    return await call;
  } catch (e) {
    throw new SimTxError(e instanceof Error ? e.message : String(e), action);
  }
}

// ---- the app: deterministic blocks ----

/**
 * cw-simulate moves block time to the wall clock on every block; this app does not: each
 * transaction opens a block `blockSeconds` after the last, and only `advanceTime` moves
 * time further. A refused transaction still uses its block, as on a chain.
 */
export class SimApp extends CWSimulateApp {
  blockSeconds = BLOCK_SECONDS;

  override pushBlock<T>(callback: () => Promise<T>, sameBlock: boolean): Promise<T>;
  override pushBlock<T>(callback: () => T, sameBlock: boolean): T;
  override pushBlock(callback: () => any, sameBlock: boolean): any {
    if (!sameBlock) {
      this.height = this.height + 1;
      this.time = this.time + this.blockSeconds * 1e9;
    }
    return super.pushBlock(callback, true);
  }
}

// ---- the client ----

export class SimClient implements ISigningCosmWasmClient {
  constructor(readonly app: SimApp) {}

  async queryContractSmart(contractAddr: string, query: any): Promise<any> {
    const res = this.app.wasm.query(contractAddr, query);
    if (res.err) throw new Error(`${String(res.val)}: query wasm contract failed`);
    return res.val;
  }

  /** `fee`, `memo` and `chainConfig` are accepted and ignored: the simulator charges no gas. */
  async execute(
    sender: string,
    contractAddress: string,
    msg: any,
    _fee?: number | StdFee | "auto",
    _memo?: string,
    funds: Coin[] = [],
    _chainConfig?: unknown,
  ): Promise<SimTxResult> {
    const gasBefore = this.app.gasUsed;
    const res = await refusal(this.app.wasm.executeContract(sender, funds, contractAddress, msg), "execute");
    if (res.err) throw new SimTxError(String(res.val), "execute");
    return this.txResult(res.val, gasBefore, { sender, contractAddress, msg });
  }

  /** Instantiates `codeId` (admin: the sender) and returns the new contract's address. */
  async instantiate(
    sender: string,
    codeId: number,
    msg: any,
    label: string,
    funds: Coin[] = [],
  ): Promise<string> {
    const res = await refusal(
      this.app.wasm.instantiateContract(sender, funds, codeId, msg, label, sender),
      "instantiate",
    );
    if (res.err) throw new SimTxError(String(res.val), "instantiate");
    const address = res.val.events[0]?.attributes.find((a) => a.key === "_contract_address");
    if (!address) throw new Error("instantiate: no _contract_address in the response");
    return address.value;
  }

  /** Native balance of `address` in `denom`, as a string. */
  balance(address: string, denom: string = NATIVE_DENOM): string {
    return this.app.bank.getBalance(address).find((c) => c.denom === denom)?.amount ?? "0";
  }

  get height(): number {
    return this.app.height;
  }

  /** Block time of the last block, in seconds since the epoch. */
  now(): number {
    return Math.floor(this.app.time / 1e9);
  }

  /**
   * A contract `Timestamp` (nanoseconds, as a string) `offsetSeconds` after the last block's
   * time. The next transaction runs `blockSeconds` (default 5) after the last block.
   */
  timestamp(offsetSeconds = 0): string {
    return (BigInt(this.now() + offsetSeconds) * 1_000_000_000n).toString();
  }

  /** Moves block time forward by whole seconds (and opens one block). */
  advanceTime(seconds: number): void {
    if (!Number.isInteger(seconds) || seconds < 0) {
      throw new Error(`advanceTime: whole seconds ≥ 0, not ${seconds}`);
    }
    this.setTime(this.now() + seconds);
  }

  /** Sets block time (seconds since the epoch; not earlier than now) and opens one block. */
  setTime(seconds: number): void {
    if (!Number.isInteger(seconds) || seconds < this.now()) {
      throw new Error(`setTime: whole seconds, not before ${this.now()}: ${seconds}`);
    }
    this.app.time = seconds * 1e9;
    this.app.height = this.app.height + 1;
  }

  private txResult(
    res: { events: SimEvent[]; data: string | null },
    gasBefore: number,
    what: unknown,
  ): SimTxResult {
    const height = this.app.height;
    const transactionHash = createHash("sha256")
      .update(JSON.stringify({ height, what }))
      .digest("hex")
      .toUpperCase();
    return {
      transactionHash,
      height,
      events: res.events.map((e) => ({
        type: e.type,
        attributes: e.attributes.map((a) => ({ key: a.key, value: a.value })),
      })),
      ...(res.data == null ? {} : { data: res.data }),
      ...(this.app.env ? { gasUsed: BigInt(this.app.gasUsed - gasBefore) } : {}),
    };
  }
}

// ---- the simulator ----

export interface CodeIds {
  registry: number;
  token: number;
  escrow: number;
}

export interface Sim {
  app: SimApp;
  client: SimClient;
  codeIds: CodeIds;
  /** A stable address for a name (20 bytes of sha256("farthing:" + name), bech32 `wasm`). */
  addr(name: string): string;
  /** Mints native coins to `address` (default: 1,000,000 ustake). */
  fund(address: string, coins?: Coin[]): void;
  /** `addr(name)`, funded with native coins (default: 1,000,000 ustake). */
  account(name: string, coins?: Coin[]): string;
}

export interface SimOptions {
  /** Turn on cw-simulate's wasm metering (slower); then results carry `gasUsed`. */
  metering?: boolean;
  /** Block time of the genesis block, in seconds (default 2025-01-01T00:00:00Z). */
  genesisSeconds?: number;
  /** Seconds between two blocks (default 5). */
  blockSeconds?: number;
}

const ARTIFACT_FILES: Record<keyof CodeIds, string> = {
  registry: "kyc_registry.wasm",
  token: "micropay_token.wasm",
  escrow: "royalty_escrow.wasm",
};

/** Reads an artifact, with a clear error when it has not been built. */
export function readArtifact(file: string): Uint8Array {
  const p = path.join(ARTIFACTS, file);
  if (!fs.existsSync(p)) {
    throw new Error(`${p} is missing: build the optimized contracts into artifacts/ first`);
  }
  return new Uint8Array(fs.readFileSync(p));
}

export async function createSim(options: SimOptions = {}): Promise<Sim> {
  const app = new SimApp({
    chainId: CHAIN_ID,
    bech32Prefix: PREFIX,
    metering: options.metering ?? false,
    debug: () => {},
  });
  app.blockSeconds = options.blockSeconds ?? BLOCK_SECONDS;
  app.time = (options.genesisSeconds ?? GENESIS_SECONDS) * 1e9;
  const client = new SimClient(app);

  const addresses = new Map<string, string>();
  const addr = (name: string): string => {
    let a = addresses.get(name);
    if (a === undefined) {
      const bytes = createHash("sha256").update(`farthing:${name}`).digest().subarray(0, 20);
      a = app.backendApi.human_address(new Uint8Array(bytes));
      addresses.set(name, a);
    }
    return a;
  };
  const fund = (address: string, coins: Coin[] = [{ denom: NATIVE_DENOM, amount: "1000000" }]) => {
    app.bank.mint(address, coins).unwrap();
  };

  const uploader = addr("owner");
  const store = (file: string): number => {
    const wasm = readArtifact(file);
    const codeId = app.wasm.create(uploader, wasm);
    // The checksum keys the simulator's compiled-module cache (WasmModule.checksumCache, not
    // exported), so that a test file compiles each wasm once however many sims it creates.
    const { checksumCache } = app.wasm.constructor as unknown as { checksumCache: Record<number, string> };
    checksumCache[codeId] = createHash("sha256").update(wasm).digest("hex");
    return codeId;
  };
  const codeIds: CodeIds = {
    registry: store(ARTIFACT_FILES.registry),
    token: store(ARTIFACT_FILES.token),
    escrow: store(ARTIFACT_FILES.escrow),
  };

  return {
    app,
    client,
    codeIds,
    addr,
    fund,
    account(name, coins) {
      const a = addr(name);
      fund(a, coins);
      return a;
    },
  };
}

// ---- the three contracts, wired as the story wires them ----

// The generated types: the harness speaks the wire format a dApp's client sends (u64s
// such as `window_seconds` as strings).
import type { Policy, RecordInput, TierLimit } from "../../src/generated/KycRegistry.types";
export type { Policy, RecordInput, TierLimit };

/** The story's policy: KP and IR blocked; tier 0: 500 a payment, 2,000 a day; tier 1: 5,000 and
 * 20,000; tiers 2-3: no limit; travel rule from 10,000 (tier 2); 7 days of grace after expiry. */
export function storyPolicy(): Policy {
  const tier = (perTransfer: string | null, perDay: string | null): TierLimit => ({
    max_per_transfer: perTransfer,
    max_volume_per_window: perDay,
    window_seconds: String(DAY),
  });
  return {
    blocked_jurisdictions: ["KP", "IR"],
    tier_limits: [tier("500", "2000"), tier("5000", "20000"), tier(null, null), tier(null, null)],
    travel_rule: { threshold: "10000", min_tier: 2 },
    expiry_grace_seconds: String(7 * DAY),
  };
}

/** A KYC record for `UpsertRecords`: active, tier 2, an individual in DE, valid for a year. */
export function kycRecord(sim: Sim, address: string, fields: Partial<RecordInput> = {}): RecordInput {
  return {
    address,
    status: "active",
    tier: 2,
    kind: "individual",
    jurisdiction: "DE",
    expires_at: sim.client.timestamp(365 * DAY),
    attestation: createHash("sha256").update(`kyc:${address}`).digest("hex"),
    reason: "kyc_onboarding",
    ...fields,
  };
}

export interface Deployment {
  registry: string;
  token: string;
  escrow: string;
  /** owner (of all three), officer (registry), issuer (minter), pauser, freezer. */
  accounts: {
    owner: string;
    officer: string;
    issuer: string;
    pauser: string;
    freezer: string;
  };
}

/**
 * Instantiates the registry (owner, one officer, `policy`), the FAR token (decimals 0, the
 * registry as its gate, issuer as minter, pauser and freezer roles) and the escrow (the
 * registry, FAR accepted, 14 days to rule on a dispute), and lists the escrow in the registry
 * as a contract (tier 3, CH) so that it may receive FAR. No user is listed.
 */
export async function deploy(sim: Sim, policy: Policy = storyPolicy()): Promise<Deployment> {
  const { client, codeIds } = sim;
  const accounts = {
    owner: sim.account("owner"),
    officer: sim.account("officer"),
    issuer: sim.account("issuer"),
    pauser: sim.account("pauser"),
    freezer: sim.account("freezer"),
  };
  const { owner } = accounts;
  const registry = await client.instantiate(
    owner,
    codeIds.registry,
    { owner: null, officers: [accounts.officer], policy },
    "registry",
  );
  const token = await client.instantiate(
    owner,
    codeIds.token,
    {
      name: "Farthing",
      symbol: "FAR",
      decimals: 0,
      initial_balances: [],
      mint: { minter: accounts.issuer, cap: null },
      marketing: null,
      owner: null,
      registry,
      roles: [
        { role: "pauser", address: accounts.pauser },
        { role: "freezer", address: accounts.freezer },
      ],
    },
    "token",
  );
  const escrow = await client.instantiate(
    owner,
    codeIds.escrow,
    { owner: null, registry, accepted_cw20: [token], dispute_timeout_seconds: String(14 * DAY) },
    "escrow",
  );
  await client.execute(accounts.officer, registry, {
    upsert_records: {
      records: [
        kycRecord(sim, escrow, { tier: 3, kind: "contract", jurisdiction: "CH", reason: "contract_listing" }),
      ],
    },
  });
  return { registry, token, escrow, accounts };
}

// ---- small helpers for tests ----

/** The cw20 balance of `address` on `token`, as a string. */
export async function cw20Balance(sim: Sim, token: string, address: string): Promise<string> {
  const res: { balance: string } = await sim.client.queryContractSmart(token, { balance: { address } });
  return res.balance;
}

/** Every event of `type` (e.g. `wasm-transfer`) in a result, attributes as an object. */
export function eventsOf(res: SimTxResult, type: string): Record<string, string>[] {
  return res.events
    .filter((e) => e.type === type)
    .map((e) => Object.fromEntries(e.attributes.map((a) => [a.key, a.value])));
}

/** The response's `data`, parsed as JSON. */
export function dataOf<T>(res: SimTxResult): T {
  if (res.data === undefined) throw new Error("the response has no data");
  return JSON.parse(Buffer.from(res.data, "base64").toString("utf8")) as T;
}

/**
 * A contract's whole storage as the chain holds it: hex key → hex value, in key order. Two
 * snapshots compare byte for byte.
 */
export function storageOf(sim: Sim, contract: string): Map<string, string> {
  const storage = sim.app.wasm.getContractStorage(contract) as unknown as
    | { forEach(cb: (value: Uint8Array, key: Uint8Array) => void): void }
    | undefined;
  if (storage === undefined) throw new Error(`no contract ${contract}`);
  const out = new Map<string, string>();
  storage.forEach((value, key) => {
    out.set(Buffer.from(key).toString("hex"), Buffer.from(value).toString("hex"));
  });
  return out;
}

/** The same, as the contract's VM holds it (its own copy). */
export function vmStorageOf(sim: Sim, contract: string): Map<string, string> {
  const vm = sim.app.wasm.getContract(contract).vm as unknown as {
    backend: { storage: { dict: { forEach(cb: (value: Uint8Array, key: Uint8Array) => void): void } } };
  };
  const out = new Map<string, string>();
  vm.backend.storage.dict.forEach((value, key) => {
    out.set(Buffer.from(key).toString("hex"), Buffer.from(value).toString("hex"));
  });
  return out;
}
