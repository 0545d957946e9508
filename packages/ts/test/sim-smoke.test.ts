import { beforeAll, describe, expect, it } from "vitest";

import {
  CHAIN_ID,
  createSim,
  cw20Balance,
  deploy,
  eventsOf,
  kycRecord,
  SimTxError,
  type Deployment,
  type Sim,
} from "./support/sim";

describe("the simulator runs the real contracts", () => {
  let sim: Sim;
  let d: Deployment;
  let alice: string;
  let bob: string;
  let stranger: string;

  beforeAll(async () => {
    sim = await createSim();
    d = await deploy(sim);
    alice = sim.account("alice");
    bob = sim.account("bob");
    stranger = sim.addr("stranger");
  });

  it("deploys the three contracts on farthing-1", async () => {
    expect(sim.app.chainId).toBe(CHAIN_ID);
    for (const a of [d.registry, d.token, d.escrow, alice, bob]) expect(a).toMatch(/^wasm1/);
    const info = await sim.client.queryContractSmart(d.token, { token_info: {} });
    expect(info).toEqual({ name: "Farthing", symbol: "FAR", decimals: 0, total_supply: "0" });
    const cfg = await sim.client.queryContractSmart(d.token, { config: {} });
    expect(cfg).toEqual({ registry: d.registry, paused: false });
    const escrowCfg = await sim.client.queryContractSmart(d.escrow, { config: {} });
    expect(escrowCfg.registry).toBe(d.registry);
  });

  it("lists two users, mints, and transfers with exact balances", async () => {
    const listed = await sim.client.execute(d.accounts.officer, d.registry, {
      upsert_records: { records: [kycRecord(sim, alice), kycRecord(sim, bob, { jurisdiction: "FR" })] },
    });
    expect(eventsOf(listed, "wasm-kyc_record_updated")).toHaveLength(2);
    const rec = await sim.client.queryContractSmart(d.registry, { record: { address: bob } });
    expect(rec.record).toMatchObject({ address: bob, status: "active", tier: 2, jurisdiction: "FR" });

    await sim.client.execute(d.accounts.issuer, d.token, { mint: { recipient: alice, amount: "1000" } });
    const res = await sim.client.execute(alice, d.token, { transfer: { recipient: bob, amount: "250" } });
    expect(res.transactionHash).toMatch(/^[0-9A-F]{64}$/);
    expect(eventsOf(res, "execute")).toEqual([{ _contract_address: d.token }]);

    expect(await cw20Balance(sim, d.token, alice)).toBe("750");
    expect(await cw20Balance(sim, d.token, bob)).toBe("250");
    const info = await sim.client.queryContractSmart(d.token, { token_info: {} });
    expect(info.total_supply).toBe("1000");
  });

  it("refuses a transfer to an unlisted address and moves nothing", async () => {
    const before = [await cw20Balance(sim, d.token, alice), await cw20Balance(sim, d.token, stranger)];
    const refused = sim.client.execute(alice, d.token, { transfer: { recipient: stranger, amount: "10" } });
    await expect(refused).rejects.toThrow(SimTxError);
    await expect(refused).rejects.toThrow(
      `[code=not_listed role=recipient party=${stranger}] refused by compliance`,
    );
    await expect(refused).rejects.toThrow(/^failed to execute message; message index: 0: .*: execute wasm contract failed$/);
    expect([await cw20Balance(sim, d.token, alice), await cw20Balance(sim, d.token, stranger)]).toEqual(before);
    expect(before).toEqual(["750", "0"]);
  });

  it("moves block time on request", async () => {
    const t0 = sim.client.now();
    const h0 = sim.client.height;
    sim.client.advanceTime(3_600);
    expect(sim.client.now()).toBe(t0 + 3_600);
    expect(sim.client.height).toBe(h0 + 1);
    await sim.client.execute(alice, d.token, { transfer: { recipient: bob, amount: "1" } });
    expect(sim.client.now()).toBe(t0 + 3_605);
    expect(sim.client.timestamp(10)).toBe(`${t0 + 3_615}000000000`);
  });
});
