// The SDK end to end, on the optimized wasm in the (patched) simulator, through the
// generated clients only: deploy, list users, pay, a refusal parsed into its code, a
// channel opened with a session key, a voucher signed in TS claimed on chain, a deal funded
// through the escrow's cw20 hook, and its release. Every balance is checked exactly.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  ChannelSession,
  FileSessionStore,
  KycRegistryClient,
  MicropayTokenClient,
  RoyaltyEscrowClient,
  RoyaltyEscrowQueryClient,
  createdIds,
  explainVerdict,
  findEvent,
  parseError,
  sendToEscrow,
  verifyVoucher,
  type FarthingError,
} from "../src/index";
import { payAndOpenChannel } from "../examples/pay-and-open-channel";
import { createSim, deploy, kycRecord, storageOf, type Deployment, type Sim } from "./support/sim";

const DAY = 86_400;

async function refusal(p: Promise<unknown>): Promise<FarthingError> {
  const e = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(e, "the transaction should have been refused").toBeDefined();
  const parsed = parseError(e);
  expect(parsed, String(e)).toBeDefined();
  return parsed as FarthingError;
}

describe("the SDK against the real wasm", () => {
  let sim: Sim;
  let d: Deployment;
  let dir: string;
  const who = {} as Record<"alice" | "bob" | "shop" | "stranger" | "author", string>;

  const token = (sender: string) => new MicropayTokenClient(sim.client, sender, d.token);
  const balance = async (address: string) => (await token(address).balance({ address })).balance;
  const balances = async () =>
    Object.fromEntries(
      await Promise.all(Object.entries(who).map(async ([k, a]) => [k, await balance(a)] as const)),
    );

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "farthing-sdk-"));
    sim = await createSim();
    // 1. Deploy the three contracts (the registry, the FAR token gated by it, the escrow).
    d = await deploy(sim);
    for (const name of ["alice", "bob", "shop", "author"] as const) who[name] = sim.account(name);
    who.stranger = sim.addr("stranger");
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("2. lists users in one batch through the generated registry client", async () => {
    const officer = new KycRegistryClient(sim.client, d.accounts.officer, d.registry);
    const res = await officer.upsertRecords({
      records: [
        kycRecord(sim, who.alice),
        kycRecord(sim, who.bob, { tier: 1, jurisdiction: "FR" }),
        kycRecord(sim, who.shop, { kind: "business" }),
        kycRecord(sim, who.author),
      ],
    });
    expect(findEvent(res.events, "kyc_record_updated")).toMatchObject({ contract: d.registry });
    const { record } = await officer.record({ address: who.bob });
    expect(record).toMatchObject({ address: who.bob, tier: 1, jurisdiction: "FR", status: "active" });
    const log = await officer.auditLog({ subject: who.bob });
    expect(log.entries).toHaveLength(1);
    expect(typeof log.entries[0].seq).toBe("string"); // u64s come back as strings

    await token(d.accounts.issuer).mint({ recipient: who.alice, amount: "100000" });
    expect(await balances()).toEqual({ alice: "100000", bob: "0", shop: "0", author: "0", stranger: "0" });
  });

  it("3. pays with a reference, and the payment event decodes", async () => {
    const res = await token(who.alice).pay({ recipient: who.bob, amount: "400", reference: "inv-1" });
    const paid = findEvent(res.events, "token_payment");
    expect(paid).toMatchObject({ from: who.alice, to: who.bob, amount: "400", reference: "inv-1" });
    expect(await balances()).toEqual({ alice: "99600", bob: "400", shop: "0", author: "0", stranger: "0" });
  });

  it("4. sees refusals parsed into their codes, the same as the dry run's", async () => {
    const before = await balances();
    const tokenStore = storageOf(sim, d.token);

    // Predicted, then refused: a recipient with no KYC record.
    const dry = await token(who.alice).canTransfer({ from: who.alice, to: who.stranger, amount: "5" });
    const predicted = explainVerdict(dry);
    expect(predicted).toMatchObject({ code: "not_listed", role: "recipient", party: who.stranger });
    const refused = await refusal(token(who.alice).transfer({ recipient: who.stranger, amount: "5" }));
    expect(refused).toMatchObject({ code: "not_listed", role: "recipient", party: who.stranger });
    expect(refused.message).toBe(predicted?.message);

    // A tier-1 sender over its per-transfer limit (5,000).
    const over = await refusal(token(who.bob).transfer({ recipient: who.alice, amount: "5001" }));
    expect(over).toMatchObject({ code: "over_per_transfer_limit", role: "sender", party: who.bob });

    // A plain (non-compliance) error: more than the balance.
    const poor = await refusal(token(who.bob).transfer({ recipient: who.alice, amount: "401" }));
    expect(poor.code).toBe("insufficient_funds");
    expect(poor.role).toBeUndefined();

    // Nothing moved, not a byte of the token's storage changed.
    expect(await balances()).toEqual(before);
    expect(storageOf(sim, d.token)).toEqual(tokenStore);
  });

  it("5-6. opens a channel with a session key and claims a voucher signed in TS", async () => {
    const store = new FileSessionStore(join(dir, "sessions.json"));
    const session = await ChannelSession.create(store, {
      chainId: sim.app.chainId,
      token: d.token,
      payee: who.shop,
      deposit: "1000",
    });
    const opened = await token(who.alice).openChannel({
      payee: who.shop,
      amount: "1000",
      expiresAt: sim.client.timestamp(31 * DAY),
      signer: session.signerKey(),
    });
    const [channel] = createdIds(opened.events).channels;
    expect(channel).toBe("1");
    await session.attach(channel);
    // The payee learns the key from the channel record.
    const record = await token(who.shop).channel({ channel });
    expect(record.signer).toEqual(session.signerKey());
    expect(record).toMatchObject({ id: "1", deposit: "1000", claimed: "0", closed: false });

    // 3 requests paid off chain: 1 + 2 + 7; only the last voucher is needed.
    await session.pay("1");
    await session.pay("2");
    const last = await session.pay("7");
    expect(last).toMatchObject({ channel: "1", cumulative: "10" });
    const voucher = { chain_id: sim.app.chainId, token: d.token, channel_id: "1", payee: who.shop, cumulative: "10" };
    expect(() => verifyVoucher(voucher, last.signature, record.signer)).not.toThrow();
    expect(() => verifyVoucher({ ...voucher, cumulative: "11" }, last.signature, record.signer)).toThrow(
      /bad_signature/,
    );

    const claimed = await token(who.shop).claim({ ...last, close: false });
    expect(findEvent(claimed.events, "token_channel_claimed")).toMatchObject({ channel: "1", amount: "10" });
    expect(await balances()).toMatchObject({ alice: "98600", shop: "10" });

    // A replayed voucher pays nothing more and is refused with its code.
    const replay = await refusal(token(who.shop).claim({ ...last, close: false }));
    expect(replay.code).toBe("voucher_already_claimed");

    // The payee closes: the unclaimed 990 goes back to the payer.
    await session.pay("90");
    const final = await session.pay("5"); // cumulative 105
    await token(who.shop).claim({ ...final, close: true });
    expect(await balances()).toMatchObject({ alice: "99495", shop: "105" });
    expect((await token(who.shop).channel({ channel })).closed).toBe(true);
  });

  it("7-8. funds a deal through the escrow's cw20 hook, then releases it", async () => {
    const escrowAsAlice = new RoyaltyEscrowClient(sim.client, who.alice, d.escrow);
    const deal = sendToEscrow(d.escrow, "3000", {
      create_deal: {
        payee: who.author,
        arbiter: null,
        milestones: ["1000", "2000"],
        expires_at: sim.client.timestamp(30 * DAY),
      },
    });
    const sent = await token(who.alice).send(deal.send);
    const [dealId] = createdIds(sent.events).deals;
    expect(dealId).toBe("1");
    expect(await balance(d.escrow)).toBe("3000");

    const q = new RoyaltyEscrowQueryClient(sim.client, d.escrow);
    expect(await q.deal({ dealId })).toMatchObject({
      id: "1",
      payer: who.alice,
      payee: who.author,
      deposited: "3000",
      asset: { cw20: { address: d.token } },
    });

    await escrowAsAlice.release({ dealId, milestone: 0 });
    expect(await balance(who.author)).toBe("1000");
    const rest = await escrowAsAlice.release({ dealId });
    expect(findEvent(rest.events, "escrow_released")).toMatchObject({ deal_id: "1" });
    expect(await balance(who.author)).toBe("3000");
    expect(await balance(d.escrow)).toBe("0");
    expect(await q.deal({ dealId })).toMatchObject({ status: "closed", to_payee: "3000" });
  });

  it("runs the README's example", async () => {
    const store = new FileSessionStore(join(dir, "example.json"));
    const out = await payAndOpenChannel(sim.client, store, d.token, who.alice, who.shop);
    expect(out.refusal).toBeUndefined();
    expect(out.voucher).toMatchObject({ channel: "2", cumulative: "1" });
    expect(await balance(who.shop)).toBe("355");
    const refused = await payAndOpenChannel(sim.client, store, d.token, who.alice, who.stranger);
    expect(refused.refusal).toMatchObject({ code: "not_listed", role: "recipient", party: who.stranger });
  });
});
