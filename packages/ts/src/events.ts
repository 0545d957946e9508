/**
 * Typed decoders for the events of the Farthing contracts.
 *
 * On chain, a contract's custom event `Event::new("<type>")` is the event of type
 * `wasm-<type>`, whose first attribute is `_contract_address` (added by wasmd); Cosmos SDK
 * 0.50+ appends `msg_index` to every event. The response's own attributes (`action`,
 * `sender`, ...) form the plain `wasm` event. docs/EVENTS.md documents every event;
 * `test/events.test.ts` keeps {@link EVENT_SPECS} and {@link WASM_ACTIONS} equal to it, and
 * a Rust test keeps it equal to the contracts' event builders.
 *
 * Every value stays a string: amounts are decimal `Uint128` strings and ids decimal `u64`
 * strings (parse them with `BigInt` if you need numbers), times are seconds.
 *
 * @example
 * ```ts
 * const result = await client.signAndBroadcast(...);
 * const opened = findEvent(result.events, "token_channel_opened");
 * if (opened) console.log(`channel ${opened.channel} holds ${opened.total}`);
 * const { channels, deals, works } = createdIds(result.events);
 * ```
 */

/** The three contracts, by their directory in `contracts/`. */
export type FarthingContract = "kyc-registry" | "micropay-token" | "royalty-escrow";

export const FARTHING_CONTRACTS: readonly FarthingContract[] = [
  "kyc-registry",
  "micropay-token",
  "royalty-escrow",
];

/** One event attribute as a transaction result carries it (strings, not base64). */
export interface RawAttribute {
  readonly key: string;
  readonly value: string;
}

/** One event of a transaction result (`TxResponse.events`, `DeliverTxResponse.events`). */
export interface RawEvent {
  readonly type: string;
  readonly attributes: readonly RawAttribute[];
}

interface EventSpec {
  readonly contract: FarthingContract;
  /** Every key, in the order the contract adds them. */
  readonly keys: readonly string[];
  /** The keys that are present only sometimes (see docs/EVENTS.md). */
  readonly optional: readonly string[];
}

/**
 * Every custom event type (without its `wasm-` prefix): the contract that emits it and its
 * attribute keys in order. Mirrors the tables of docs/EVENTS.md (checked by a test).
 */
export const EVENT_SPECS = {
  kyc_record_updated: {
    contract: "kyc-registry",
    keys: [
      "address",
      "status",
      "tier",
      "kind",
      "jurisdiction",
      "expires_at",
      "attestation",
      "reason",
      "officer",
      "seq",
    ],
    optional: [],
  },
  kyc_status_changed: {
    contract: "kyc-registry",
    keys: ["address", "previous_status", "status", "reason", "officer", "seq"],
    optional: [],
  },
  kyc_record_removed: {
    contract: "kyc-registry",
    keys: ["address", "reason", "officer", "seq"],
    optional: [],
  },
  kyc_policy_updated: {
    contract: "kyc-registry",
    keys: [
      "blocked_jurisdictions",
      "travel_rule_threshold",
      "expiry_grace_seconds",
      "owner",
      "seq",
    ],
    optional: [],
  },
  kyc_officer_added: {
    contract: "kyc-registry",
    keys: ["officer", "owner", "seq"],
    optional: [],
  },
  kyc_officer_removed: {
    contract: "kyc-registry",
    keys: ["officer", "owner", "seq"],
    optional: [],
  },
  kyc_ownership_updated: {
    contract: "kyc-registry",
    keys: ["actor", "owner", "pending_owner", "seq"],
    optional: [],
  },
  token_payment: {
    contract: "micropay-token",
    keys: ["from", "to", "amount", "reference", "travel_rule_ref"],
    optional: ["travel_rule_ref"],
  },
  token_batch_transfer: {
    contract: "micropay-token",
    keys: ["from", "count", "total"],
    optional: [],
  },
  token_paused: {
    contract: "micropay-token",
    keys: ["by", "reason"],
    optional: [],
  },
  token_unpaused: {
    contract: "micropay-token",
    keys: ["by", "reason"],
    optional: [],
  },
  token_frozen: {
    contract: "micropay-token",
    keys: ["address", "by", "reason"],
    optional: [],
  },
  token_unfrozen: {
    contract: "micropay-token",
    keys: ["address", "by", "reason"],
    optional: [],
  },
  token_tokens_frozen: {
    contract: "micropay-token",
    keys: ["address", "amount", "frozen_amount", "by", "reason"],
    optional: [],
  },
  token_tokens_unfrozen: {
    contract: "micropay-token",
    keys: ["address", "amount", "frozen_amount", "by", "reason"],
    optional: [],
  },
  token_forced_transfer: {
    contract: "micropay-token",
    keys: ["from", "to", "amount", "unfrozen", "agent", "reason"],
    optional: [],
  },
  token_recovered: {
    contract: "micropay-token",
    keys: ["lost", "new_address", "amount", "frozen_amount", "agent", "reason"],
    optional: [],
  },
  token_role_granted: {
    contract: "micropay-token",
    keys: ["role", "address", "owner"],
    optional: [],
  },
  token_role_revoked: {
    contract: "micropay-token",
    keys: ["role", "address", "owner"],
    optional: [],
  },
  token_registry_set: {
    contract: "micropay-token",
    keys: ["registry", "owner"],
    optional: [],
  },
  token_channel_opened: {
    contract: "micropay-token",
    keys: ["channel", "by", "amount", "total"],
    optional: [],
  },
  token_channel_topped_up: {
    contract: "micropay-token",
    keys: ["channel", "by", "amount", "total"],
    optional: [],
  },
  token_channel_extended: {
    contract: "micropay-token",
    keys: ["channel", "by", "amount", "total"],
    optional: [],
  },
  token_channel_claimed: {
    contract: "micropay-token",
    keys: ["channel", "by", "amount", "total"],
    optional: [],
  },
  token_channel_closing: {
    contract: "micropay-token",
    keys: ["channel", "by", "amount", "total", "closing_at"],
    optional: [],
  },
  token_channel_closed: {
    contract: "micropay-token",
    keys: ["channel", "by", "amount", "total", "held"],
    optional: ["held"],
  },
  escrow_deal_created: {
    contract: "royalty-escrow",
    keys: ["deal_id", "payer", "payee", "asset", "amount"],
    optional: [],
  },
  escrow_released: {
    contract: "royalty-escrow",
    keys: ["deal_id", "by", "to_payee", "to_payer"],
    optional: [],
  },
  escrow_refunded: {
    contract: "royalty-escrow",
    keys: ["deal_id", "by", "to_payee", "to_payer"],
    optional: [],
  },
  escrow_resolved: {
    contract: "royalty-escrow",
    keys: ["deal_id", "by", "to_payee", "to_payer"],
    optional: [],
  },
  escrow_settled: {
    contract: "royalty-escrow",
    keys: ["deal_id", "by", "to_payee", "to_payer"],
    optional: [],
  },
  escrow_topped_up: {
    contract: "royalty-escrow",
    keys: ["deal_id", "by", "to_payee", "to_payer"],
    optional: [],
  },
  escrow_dispute_opened: {
    contract: "royalty-escrow",
    keys: ["deal_id", "by", "to_payee", "to_payer"],
    optional: [],
  },
  escrow_dispute_expired: {
    contract: "royalty-escrow",
    keys: ["deal_id", "by", "to_payee", "to_payer"],
    optional: [],
  },
  escrow_settlement_proposed: {
    contract: "royalty-escrow",
    keys: ["deal_id", "by", "to_payee", "to_payer"],
    optional: [],
  },
  escrow_settlement_voided: {
    contract: "royalty-escrow",
    keys: ["deal_id", "by", "to_payee", "to_payer"],
    optional: [],
  },
  escrow_payout_held: {
    contract: "royalty-escrow",
    keys: ["to", "asset", "amount", "code"],
    optional: [],
  },
  escrow_held_released: {
    contract: "royalty-escrow",
    keys: ["address", "to", "asset", "amount", "by", "reason"],
    optional: ["reason"],
  },
  escrow_stray_swept: {
    contract: "royalty-escrow",
    keys: ["asset", "amount", "to", "by"],
    optional: [],
  },
  royalty_work_registered: {
    contract: "royalty-escrow",
    keys: ["work_id", "owner", "epoch", "recipients"],
    optional: [],
  },
  royalty_split_updated: {
    contract: "royalty-escrow",
    keys: ["work_id", "owner", "epoch", "recipients"],
    optional: [],
  },
  royalty_paid: {
    contract: "royalty-escrow",
    keys: ["work_id", "epoch", "payer", "asset", "amount"],
    optional: [],
  },
  royalty_claimed: {
    contract: "royalty-escrow",
    keys: ["work_id", "epoch", "recipient", "asset", "amount"],
    optional: [],
  },
} as const satisfies Record<string, EventSpec>;

type Specs = typeof EVENT_SPECS;

/** Every custom event type, without the `wasm-` prefix (`"token_channel_opened"`). */
export type FarthingEventType = keyof Specs;

export const FARTHING_EVENT_TYPES = Object.keys(EVENT_SPECS) as FarthingEventType[];

type OptionalKey<T extends FarthingEventType> = Specs[T]["optional"][number];
type RequiredKey<T extends FarthingEventType> = Exclude<Specs[T]["keys"][number], OptionalKey<T>>;
type Simplify<T> = { [K in keyof T]: T[K] } & {};

/**
 * A decoded event: `type` (without `wasm-`), `contract` (its `_contract_address`),
 * `msgIndex` (the SDK's `msg_index`, when present) and one string field per attribute key.
 */
export type FarthingEventOf<T extends FarthingEventType> = Simplify<
  {
    readonly type: T;
    /** The emitting contract's address (the event's `_contract_address`). */
    readonly contract: string;
    /** Index of the transaction message that emitted it (Cosmos SDK 0.50+). */
    readonly msgIndex?: number;
  } & { readonly [K in RequiredKey<T>]: string } & { readonly [K in OptionalKey<T>]?: string }
>;

/** Any Farthing event: a union discriminated by `type`. */
export type FarthingEvent = { [T in FarthingEventType]: FarthingEventOf<T> }[FarthingEventType];

/** One alias per event type, for signatures. */
export type KycRecordUpdatedEvent = FarthingEventOf<"kyc_record_updated">;
export type KycStatusChangedEvent = FarthingEventOf<"kyc_status_changed">;
export type KycRecordRemovedEvent = FarthingEventOf<"kyc_record_removed">;
export type KycPolicyUpdatedEvent = FarthingEventOf<"kyc_policy_updated">;
export type KycOfficerAddedEvent = FarthingEventOf<"kyc_officer_added">;
export type KycOfficerRemovedEvent = FarthingEventOf<"kyc_officer_removed">;
export type KycOwnershipUpdatedEvent = FarthingEventOf<"kyc_ownership_updated">;
export type TokenPaymentEvent = FarthingEventOf<"token_payment">;
export type TokenBatchTransferEvent = FarthingEventOf<"token_batch_transfer">;
export type TokenPausedEvent = FarthingEventOf<"token_paused">;
export type TokenUnpausedEvent = FarthingEventOf<"token_unpaused">;
export type TokenFrozenEvent = FarthingEventOf<"token_frozen">;
export type TokenUnfrozenEvent = FarthingEventOf<"token_unfrozen">;
export type TokenTokensFrozenEvent = FarthingEventOf<"token_tokens_frozen">;
export type TokenTokensUnfrozenEvent = FarthingEventOf<"token_tokens_unfrozen">;
export type TokenForcedTransferEvent = FarthingEventOf<"token_forced_transfer">;
export type TokenRecoveredEvent = FarthingEventOf<"token_recovered">;
export type TokenRoleGrantedEvent = FarthingEventOf<"token_role_granted">;
export type TokenRoleRevokedEvent = FarthingEventOf<"token_role_revoked">;
export type TokenRegistrySetEvent = FarthingEventOf<"token_registry_set">;
export type TokenChannelOpenedEvent = FarthingEventOf<"token_channel_opened">;
export type TokenChannelToppedUpEvent = FarthingEventOf<"token_channel_topped_up">;
export type TokenChannelExtendedEvent = FarthingEventOf<"token_channel_extended">;
export type TokenChannelClaimedEvent = FarthingEventOf<"token_channel_claimed">;
export type TokenChannelClosingEvent = FarthingEventOf<"token_channel_closing">;
export type TokenChannelClosedEvent = FarthingEventOf<"token_channel_closed">;
export type EscrowDealCreatedEvent = FarthingEventOf<"escrow_deal_created">;
export type EscrowReleasedEvent = FarthingEventOf<"escrow_released">;
export type EscrowRefundedEvent = FarthingEventOf<"escrow_refunded">;
export type EscrowResolvedEvent = FarthingEventOf<"escrow_resolved">;
export type EscrowSettledEvent = FarthingEventOf<"escrow_settled">;
export type EscrowToppedUpEvent = FarthingEventOf<"escrow_topped_up">;
export type EscrowDisputeOpenedEvent = FarthingEventOf<"escrow_dispute_opened">;
export type EscrowDisputeExpiredEvent = FarthingEventOf<"escrow_dispute_expired">;
export type EscrowSettlementProposedEvent = FarthingEventOf<"escrow_settlement_proposed">;
export type EscrowSettlementVoidedEvent = FarthingEventOf<"escrow_settlement_voided">;
export type EscrowPayoutHeldEvent = FarthingEventOf<"escrow_payout_held">;
export type EscrowHeldReleasedEvent = FarthingEventOf<"escrow_held_released">;
export type EscrowStraySweptEvent = FarthingEventOf<"escrow_stray_swept">;
export type RoyaltyWorkRegisteredEvent = FarthingEventOf<"royalty_work_registered">;
export type RoyaltySplitUpdatedEvent = FarthingEventOf<"royalty_split_updated">;
export type RoyaltyPaidEvent = FarthingEventOf<"royalty_paid">;
export type RoyaltyClaimedEvent = FarthingEventOf<"royalty_claimed">;

/**
 * The attributes each contract adds to the plain `wasm` event, by `action` value, in order
 * (without wasmd's `_contract_address` and the SDK's `msg_index`). Mirrors the "Attributes
 * on the `wasm` event" tables of docs/EVENTS.md (checked by a test).
 */
export const WASM_ACTIONS = {
  "kyc-registry": {
    instantiate: ["action", "sender", "owner"],
    upsert_records: ["action", "sender", "count"],
    set_status: ["action", "sender", "status", "count"],
    remove_records: ["action", "sender", "count"],
    update_policy: ["action", "sender"],
    add_officer: ["action", "sender"],
    remove_officer: ["action", "sender"],
    update_ownership: ["owner", "pending_owner", "pending_expiry", "action", "sender"],
    migrate: ["action", "from_version", "to_version"],
  },
  "micropay-token": {
    instantiate: ["action", "sender"],
    transfer: ["action", "from", "to", "amount"],
    send: ["action", "from", "to", "amount"],
    burn: ["action", "from", "amount"],
    mint: ["action", "to", "amount"],
    transfer_from: ["action", "from", "to", "by", "amount"],
    send_from: ["action", "from", "to", "by", "amount"],
    burn_from: ["action", "from", "by", "amount"],
    update_minter: ["action", "new_minter"],
    increase_allowance: ["action", "owner", "spender", "amount"],
    decrease_allowance: ["action", "owner", "spender", "amount"],
    update_marketing: ["action"],
    upload_logo: ["action"],
    batch_transfer: ["action", "from", "count", "amount"],
    pay: ["action", "from", "to", "amount"],
    pause: ["action", "sender"],
    unpause: ["action", "sender"],
    freeze: ["action", "sender"],
    unfreeze: ["action", "sender"],
    freeze_tokens: ["action", "sender"],
    unfreeze_tokens: ["action", "sender"],
    forced_transfer: ["action", "sender"],
    recover: ["action", "sender"],
    grant_role: ["action", "sender"],
    revoke_role: ["action", "sender"],
    set_registry: ["action", "sender"],
    update_ownership: ["owner", "pending_owner", "pending_expiry", "action", "sender"],
    set_settle_period: ["action", "sender", "seconds"],
    open_channel: ["action", "sender", "channel"],
    top_up_channel: ["action", "sender"],
    extend_channel: ["action", "sender"],
    claim: ["action", "sender", "amount"],
    claim_many: ["action", "sender", "amount"],
    start_close: ["action", "sender"],
    close_channel: ["action", "sender"],
    migrate: ["action", "from_version", "to_version"],
  },
  "royalty-escrow": {
    instantiate: ["action", "sender"],
    create_deal: ["action", "sender", "deal_id"],
    top_up: ["action", "sender", "amount"],
    release: ["action", "sender", "amount"],
    refunded: ["action", "sender", "deal_id"],
    open_dispute: ["action", "sender"],
    resolved: ["action", "sender", "deal_id"],
    propose_settlement: ["action", "sender"],
    settled: ["action", "sender", "deal_id"],
    dispute_expired: ["action", "sender", "deal_id"],
    register_work: ["action", "sender", "work_id"],
    update_split: ["action", "sender"],
    pay: ["action", "sender"],
    claim: ["action", "sender", "amount"],
    claim_held: ["action", "sender", "amount"],
    resolve_held: ["action", "sender"],
    sweep_stray: ["action", "sender"],
    allow_token: ["action", "sender", "token"],
    disallow_token: ["action", "sender", "token"],
    set_registry: ["action", "sender", "registry"],
    update_ownership: ["owner", "pending_owner", "pending_expiry", "action", "sender"],
    payout_held: ["sender", "action"],
    payout_sent: ["sender", "action"],
    migrate: ["action", "from_version", "to_version"],
  },
} as const satisfies Record<FarthingContract, Record<string, readonly string[]>>;

/** The plain `wasm` event of one contract call: its `action` and all its attributes. */
export interface WasmAction {
  /** The emitting contract's address (`_contract_address`). */
  readonly contract: string;
  readonly action: string;
  /** Every attribute but `_contract_address` and `msg_index`. */
  readonly attributes: Readonly<Record<string, string>>;
  readonly msgIndex?: number;
}

export interface DecodeOptions {
  /** Only events of these contract addresses (default: any contract). */
  readonly contracts?: readonly string[];
  /**
   * Throw on a `wasm-<type>` event of a Farthing type that lacks a required key (default:
   * skip it, as an event of some other contract that happens to use the same type).
   */
  readonly strict?: boolean;
}

const PREFIX = "wasm-";

function isEventType(t: string): t is FarthingEventType {
  return Object.prototype.hasOwnProperty.call(EVENT_SPECS, t);
}

function msgIndexOf(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}

/** The first value of each key (a contract never repeats a key in one event). */
function attributeMap(event: RawEvent): Map<string, string> {
  const map = new Map<string, string>();
  for (const { key, value } of event.attributes) {
    if (!map.has(key)) map.set(key, value);
  }
  return map;
}

function decodeOne(event: RawEvent, options: DecodeOptions): FarthingEvent | undefined {
  if (!event.type.startsWith(PREFIX)) return undefined;
  const type = event.type.slice(PREFIX.length);
  if (!isEventType(type)) return undefined;
  const attrs = attributeMap(event);
  const contract = attrs.get("_contract_address");
  if (contract === undefined) return undefined;
  if (options.contracts && !options.contracts.includes(contract)) return undefined;
  const spec: EventSpec = EVENT_SPECS[type];
  const out: Record<string, unknown> = { type, contract };
  const msgIndex = msgIndexOf(attrs.get("msg_index"));
  if (msgIndex !== undefined) out.msgIndex = msgIndex;
  for (const key of spec.keys) {
    const value = attrs.get(key);
    if (value !== undefined) {
      out[key] = value;
    } else if (!spec.optional.includes(key)) {
      if (options.strict) {
        throw new Error(`${event.type} of ${contract} lacks its attribute ${key}`);
      }
      return undefined;
    }
  }
  return out as FarthingEvent;
}

/**
 * The Farthing events of a transaction result, in order: every `wasm-<type>` event whose
 * type is one of {@link FARTHING_EVENT_TYPES}. Other events (bank, the plain `wasm` event,
 * other contracts' custom events) are skipped; so is an event of a Farthing type without
 * `_contract_address` or without one of its required keys (unless `strict`).
 */
export function decodeEvents(
  events: readonly RawEvent[],
  options: DecodeOptions = {}
): FarthingEvent[] {
  const out: FarthingEvent[] = [];
  for (const event of events) {
    const decoded = decodeOne(event, options);
    if (decoded) out.push(decoded);
  }
  return out;
}

/** Every decoded event of type `type` (`"escrow_deal_created"`, without `wasm-`). */
export function filterEvents<T extends FarthingEventType>(
  events: readonly RawEvent[],
  type: T,
  options: DecodeOptions = {}
): FarthingEventOf<T>[] {
  return decodeEvents(events, options).filter(
    (e): e is Extract<FarthingEvent, { type: T }> => e.type === type
  ) as FarthingEventOf<T>[];
}

/** The first decoded event of type `type`, or `undefined`. */
export function findEvent<T extends FarthingEventType>(
  events: readonly RawEvent[],
  type: T,
  options: DecodeOptions = {}
): FarthingEventOf<T> | undefined {
  return filterEvents(events, type, options)[0];
}

/** The ids a transaction created, from its events, in order. */
export interface CreatedIds {
  /** `open_channel`: `token_channel_opened.channel`. */
  readonly channels: string[];
  /** `create_deal` (native or through a cw20 `send`): `escrow_deal_created.deal_id`. */
  readonly deals: string[];
  /** `register_work`: `royalty_work_registered.work_id`. */
  readonly works: string[];
}

/**
 * The channel, deal and work ids a transaction created. A deal funded through the token's
 * cw20 `send` has its id only here (the token does not forward the escrow's response data).
 */
export function createdIds(events: readonly RawEvent[], options: DecodeOptions = {}): CreatedIds {
  const ids: CreatedIds = { channels: [], deals: [], works: [] };
  for (const e of decodeEvents(events, options)) {
    if (e.type === "token_channel_opened") ids.channels.push(e.channel);
    else if (e.type === "escrow_deal_created") ids.deals.push(e.deal_id);
    else if (e.type === "royalty_work_registered") ids.works.push(e.work_id);
  }
  return ids;
}

/**
 * The plain `wasm` events that carry an `action`, in order: one per contract call (a
 * reply makes one more). Any contract's, cw20-base's included: tell them apart by
 * `contract`, or pass `options.contracts`. {@link WASM_ACTIONS} lists what each Farthing
 * contract puts in them.
 */
export function decodeActions(
  events: readonly RawEvent[],
  options: Pick<DecodeOptions, "contracts"> = {}
): WasmAction[] {
  const out: WasmAction[] = [];
  for (const event of events) {
    if (event.type !== "wasm") continue;
    const attrs = attributeMap(event);
    const contract = attrs.get("_contract_address");
    const action = attrs.get("action");
    if (contract === undefined || action === undefined) continue;
    if (options.contracts && !options.contracts.includes(contract)) continue;
    const attributes: Record<string, string> = {};
    for (const [k, v] of attrs) {
      if (k !== "_contract_address" && k !== "msg_index") attributes[k] = v;
    }
    const msgIndex = msgIndexOf(attrs.get("msg_index"));
    out.push(
      msgIndex === undefined
        ? { contract, action, attributes }
        : { contract, action, attributes, msgIndex }
    );
  }
  return out;
}
