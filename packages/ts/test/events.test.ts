import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

import {
  EVENT_SPECS,
  FARTHING_CONTRACTS,
  FARTHING_EVENT_TYPES,
  WASM_ACTIONS,
  createdIds,
  decodeActions,
  decodeEvents,
  filterEvents,
  findEvent,
  type FarthingEvent,
  type EscrowHeldReleasedEvent,
  type RawEvent,
  type TokenChannelOpenedEvent,
  type TokenPaymentEvent,
} from "../src";

const REPO = resolve(__dirname, "../../..");

interface DocEvent {
  contract: string;
  keys: string[];
  optional: string[];
}

interface Doc {
  contracts: string[];
  events: Map<string, DocEvent>;
  actions: Map<string, Map<string, string[]>>;
}

const codeSpans = (text: string): string[] => text.split("`").filter((_, i) => i % 2 === 1);

/** The same grammar as packages/types/tests/events_doc.rs reads (docs/EVENTS.md, "Format rules"). */
function parseDoc(text: string): Doc {
  const doc: Doc = { contracts: [], events: new Map(), actions: new Map() };
  let contract: string | undefined;
  let section: { kind: "none" } | { kind: "events"; types: string[] } | { kind: "actions" } = {
    kind: "none",
  };
  let headerSeen = false;
  for (const line of text.split("\n")) {
    if (line.startsWith("## ")) {
      contract = codeSpans(line)
        .find((s) => s.startsWith("contracts/"))
        ?.slice("contracts/".length);
      if (contract) doc.contracts.push(contract);
      section = { kind: "none" };
      continue;
    }
    if (line.startsWith("### ")) {
      headerSeen = false;
      const types = codeSpans(line)
        .filter((s) => s.startsWith("wasm-"))
        .map((s) => s.slice(5));
      if (line.trim() === "### Attributes on the `wasm` event") {
        if (!contract) throw new Error("a `wasm` table outside a contract");
        doc.actions.set(contract, new Map());
        section = { kind: "actions" };
      } else if (types.length > 0) {
        if (!contract) throw new Error(`event heading outside a contract: ${line}`);
        for (const t of types) {
          if (doc.events.has(t)) throw new Error(`wasm-${t} documented twice`);
          doc.events.set(t, { contract, keys: [], optional: [] });
        }
        section = { kind: "events", types };
      } else {
        section = { kind: "none" };
      }
      continue;
    }
    if (!line.startsWith("|")) continue;
    const cells = line
      .trim()
      .replace(/^\|/, "")
      .replace(/\|$/, "")
      .split("|")
      .map((c) => c.trim());
    if (cells.every((c) => /^[-:]*$/.test(c))) continue;
    if (!headerSeen) {
      headerSeen = true;
      if (section.kind === "events") expect(cells).toEqual(["Key", "Value", "Present"]);
      if (section.kind === "actions")
        expect(cells).toEqual(["Message", "`action`", "Attributes, in order"]);
      continue;
    }
    if (section.kind === "events") {
      expect(cells, line).toHaveLength(3);
      const spans = codeSpans(cells[0]!);
      expect(spans, line).toHaveLength(1);
      const key = spans[0]!;
      const present = cells[2]!;
      if (present !== "always" && !present.startsWith("optional")) throw new Error(line);
      for (const t of section.types) {
        const e = doc.events.get(t)!;
        e.keys.push(key);
        if (present !== "always") e.optional.push(key);
      }
    } else if (section.kind === "actions") {
      expect(cells, line).toHaveLength(3);
      const action = codeSpans(cells[1]!)[0]!;
      const keys = codeSpans(cells[2]!);
      const table = doc.actions.get(contract!)!;
      const prev = table.get(action);
      if (prev) expect(keys, line).toEqual(prev);
      table.set(action, keys);
    }
  }
  return doc;
}

const doc = parseDoc(readFileSync(resolve(REPO, "docs/EVENTS.md"), "utf8"));

describe("the decoders know exactly the events of docs/EVENTS.md", () => {
  it("the same event types", () => {
    expect(doc.events.size).toBeGreaterThan(40);
    expect([...FARTHING_EVENT_TYPES].sort()).toEqual([...doc.events.keys()].sort());
  });

  it("the same keys, in order, with the same optional ones, of the same contract", () => {
    for (const [type, d] of doc.events) {
      const spec = EVENT_SPECS[type as keyof typeof EVENT_SPECS];
      expect({ type, contract: spec.contract, keys: spec.keys, optional: spec.optional }).toEqual({
        type,
        ...d,
      });
    }
  });

  it("the same contracts, and the same `action`s and keys of the `wasm` event", () => {
    expect(doc.contracts).toEqual([...FARTHING_CONTRACTS]);
    for (const contract of FARTHING_CONTRACTS) {
      const documented = Object.fromEntries(doc.actions.get(contract)!);
      expect(WASM_ACTIONS[contract]).toEqual(documented);
    }
  });

  it("no key shadows a field of the decoded event", () => {
    for (const spec of Object.values(EVENT_SPECS)) {
      for (const k of spec.keys) expect(["type", "contract", "msgIndex"]).not.toContain(k);
    }
  });
});

// Accounts and contracts of a local chain.
const PAYER = "wasm1payer0x9s7u4z3kq6f0h5y2m8n4r7t1w3e6d9c2v5b8g";
const PAYEE = "wasm1payee0k2j4h6g8f0d2s4a6q8w0e2r4t6y8u0i2o4p6l8";
const TOKEN = "wasm14hj2tavq8fpesdwxxcu44rty3hh90vhujrvcmstl4zr3txmfvw9s0phg4d";
const ESCROW = "wasm1suhgf5svhu4usrurvxzlgn54ksxmn8gljarjtxqnapv8kjnp4nrss5maay";
const CW20 = "wasm1nc5tatafv6eyq7llkr2gv50ff9e22mnf70qgjlv737ktmt4eswrqr5j2ht";

const attrs = (pairs: [string, string][]) => pairs.map(([key, value]) => ({ key, value }));

/** `open_channel` as a Cosmos SDK 0.50 node returns it (fee and signature events included). */
const openChannelTx: RawEvent[] = [
  {
    type: "coin_spent",
    attributes: attrs([
      ["spender", PAYER],
      ["amount", "5000ufar"],
    ]),
  },
  {
    type: "tx",
    attributes: attrs([
      ["fee", "5000ufar"],
      ["fee_payer", PAYER],
    ]),
  },
  {
    type: "message",
    attributes: attrs([
      ["action", "/cosmwasm.wasm.v1.MsgExecuteContract"],
      ["sender", PAYER],
      ["module", "wasm"],
      ["msg_index", "0"],
    ]),
  },
  {
    type: "execute",
    attributes: attrs([
      ["_contract_address", TOKEN],
      ["msg_index", "0"],
    ]),
  },
  {
    type: "wasm",
    attributes: attrs([
      ["_contract_address", TOKEN],
      ["action", "open_channel"],
      ["sender", PAYER],
      ["channel", "7"],
      ["msg_index", "0"],
    ]),
  },
  {
    type: "wasm-token_channel_opened",
    attributes: attrs([
      ["_contract_address", TOKEN],
      ["channel", "7"],
      ["by", PAYER],
      ["amount", "1000000"],
      ["total", "1000000"],
      ["msg_index", "0"],
    ]),
  },
];

/**
 * One transaction, two messages: a cw20 `send` of the accepted token to the escrow with
 * `{"create_deal": ...}` (the escrow's events ride in the token's call), then a native
 * `pay` of a royalty. A look-alike event of another contract is not Farthing's.
 */
const dealTx: RawEvent[] = [
  {
    type: "wasm",
    attributes: attrs([
      ["_contract_address", CW20],
      ["action", "send"],
      ["from", PAYER],
      ["to", ESCROW],
      ["amount", "250000"],
      ["msg_index", "0"],
    ]),
  },
  {
    type: "wasm",
    attributes: attrs([
      ["_contract_address", ESCROW],
      ["action", "create_deal"],
      ["sender", PAYER],
      ["deal_id", "42"],
      ["msg_index", "0"],
    ]),
  },
  {
    type: "wasm-escrow_deal_created",
    attributes: attrs([
      ["_contract_address", ESCROW],
      ["deal_id", "42"],
      ["payer", PAYER],
      ["payee", PAYEE],
      ["asset", `cw20:${CW20}`],
      ["amount", "250000"],
      ["msg_index", "0"],
    ]),
  },
  {
    type: "wasm-escrow_deal_created",
    attributes: attrs([
      ["_contract_address", CW20],
      ["deal", "1"],
      ["msg_index", "0"],
    ]),
  },
  {
    type: "wasm",
    attributes: attrs([
      ["_contract_address", ESCROW],
      ["action", "pay"],
      ["sender", PAYER],
      ["msg_index", "1"],
    ]),
  },
  {
    type: "wasm-royalty_paid",
    attributes: attrs([
      ["_contract_address", ESCROW],
      ["work_id", "3"],
      ["epoch", "1"],
      ["payer", PAYER],
      ["asset", "ufar"],
      ["amount", "900"],
      ["msg_index", "1"],
    ]),
  },
];

/** `close_channel` of a stopped payer, and a `pay` with a travel-rule reference. */
const closeTx: RawEvent[] = [
  {
    type: "wasm-token_channel_closed",
    attributes: attrs([
      ["_contract_address", TOKEN],
      ["channel", "7"],
      ["by", PAYEE],
      ["amount", "400000"],
      ["total", "600000"],
      ["held", "revoked"],
    ]),
  },
  {
    type: "wasm-token_payment",
    attributes: attrs([
      ["_contract_address", TOKEN],
      ["from", PAYER],
      ["to", PAYEE],
      ["amount", "1500"],
      ["reference", "inv-2024-001"],
    ]),
  },
];

describe("the types follow the specs", () => {
  it("required keys are required, optional keys optional, all strings", () => {
    const payment: TokenPaymentEvent = {
      type: "token_payment",
      contract: TOKEN,
      from: PAYER,
      to: PAYEE,
      amount: "1500",
      reference: "inv-1",
    };
    // @ts-expect-error `reference` is required
    const noReference: TokenPaymentEvent = { ...payment, reference: undefined };
    // @ts-expect-error amounts stay strings
    const numeric: TokenPaymentEvent = { ...payment, amount: 1500 };
    const withRef: TokenPaymentEvent = { ...payment, travel_rule_ref: "ab".repeat(32) };
    const resolved: EscrowHeldReleasedEvent = {
      type: "escrow_held_released",
      contract: ESCROW,
      address: PAYEE,
      to: PAYER,
      asset: "ufar",
      amount: "10",
      by: PAYER,
      reason: "sanctioned",
    };
    expect([noReference, numeric, withRef, resolved]).toHaveLength(4);
  });
});

describe("decodeEvents", () => {
  it("decodes the Farthing events of a transaction and nothing else", () => {
    expect(decodeEvents(openChannelTx)).toEqual([
      {
        type: "token_channel_opened",
        contract: TOKEN,
        msgIndex: 0,
        channel: "7",
        by: PAYER,
        amount: "1000000",
        total: "1000000",
      },
    ]);
  });

  it("gives an indexer the new channel id, typed", () => {
    const opened: TokenChannelOpenedEvent | undefined = findEvent(
      openChannelTx,
      "token_channel_opened"
    );
    expect(opened?.channel).toBe("7");
    expect(createdIds(openChannelTx)).toEqual({ channels: ["7"], deals: [], works: [] });
  });

  it("finds the deal id of a cw20-funded deal and skips look-alikes", () => {
    const events = decodeEvents(dealTx);
    expect(events.map((e) => [e.type, e.contract, e.msgIndex])).toEqual([
      ["escrow_deal_created", ESCROW, 0],
      ["royalty_paid", ESCROW, 1],
    ]);
    const deal = findEvent(dealTx, "escrow_deal_created");
    expect(deal).toEqual({
      type: "escrow_deal_created",
      contract: ESCROW,
      msgIndex: 0,
      deal_id: "42",
      payer: PAYER,
      payee: PAYEE,
      asset: `cw20:${CW20}`,
      amount: "250000",
    });
    expect(createdIds(dealTx).deals).toEqual(["42"]);
    expect(() => decodeEvents(dealTx, { strict: true })).toThrow(
      `wasm-escrow_deal_created of ${CW20} lacks its attribute deal_id`
    );
  });

  it("keeps optional keys when present and leaves them out when absent", () => {
    const [closed, payment] = decodeEvents(closeTx);
    expect(closed).toEqual({
      type: "token_channel_closed",
      contract: TOKEN,
      channel: "7",
      by: PAYEE,
      amount: "400000",
      total: "600000",
      held: "revoked",
    });
    expect(payment).not.toHaveProperty("travel_rule_ref");
    expect(payment).not.toHaveProperty("msgIndex");
  });

  it("narrows by type and filters by contract", () => {
    const all = [...openChannelTx, ...dealTx, ...closeTx];
    for (const e of decodeEvents(all)) {
      // The union is discriminated: each branch sees its own keys.
      const summary = (ev: FarthingEvent): string => {
        switch (ev.type) {
          case "token_channel_opened":
            return `channel ${ev.channel}`;
          case "escrow_deal_created":
            return `deal ${ev.deal_id}`;
          default:
            return ev.type;
        }
      };
      expect(summary(e)).toBeTruthy();
    }
    expect(filterEvents(all, "escrow_deal_created", { contracts: [TOKEN] })).toEqual([]);
    expect(decodeEvents(all, { contracts: [TOKEN] }).map((e) => e.type)).toEqual([
      "token_channel_opened",
      "token_channel_closed",
      "token_payment",
    ]);
  });
});

describe("decodeActions", () => {
  it("reads the plain `wasm` events with their action", () => {
    expect(decodeActions(dealTx, { contracts: [ESCROW] })).toEqual([
      {
        contract: ESCROW,
        action: "create_deal",
        attributes: { action: "create_deal", sender: PAYER, deal_id: "42" },
        msgIndex: 0,
      },
      {
        contract: ESCROW,
        action: "pay",
        attributes: { action: "pay", sender: PAYER },
        msgIndex: 1,
      },
    ]);
    const create = decodeActions(dealTx, { contracts: [ESCROW] })[0]!;
    expect(Object.keys(create.attributes)).toEqual([...WASM_ACTIONS["royalty-escrow"].create_deal]);
    expect(decodeActions(openChannelTx).map((a) => a.action)).toEqual(["open_channel"]);
  });
});
