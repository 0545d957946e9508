/**
 * Typed errors of the Farthing contracts.
 *
 * Every refusal of every contract carries one tag at the start of its message, which
 * survives wasmd's wrapping of the error in a failed transaction's log
 * (`failed to execute message; message index: 0: <tag> <message>: execute wasm contract
 * failed`):
 *
 * ```text
 * [code=<code>] <message>
 * [code=<code> role=<sender|recipient|spender> party=<address>] refused by compliance: <message>
 * ```
 *
 * {@link parseTag} is `farthing_types::errors::parse` (packages/types/src/errors.rs) to the
 * letter; {@link parseError} applies it to whatever a client threw. The code lists below
 * are checked against the contracts' sources and the README by `test/errors.test.ts`.
 */

import type { FarthingContract } from "./events";

/**
 * Compliance codes (`DenialCode`, packages/types/src/kyc/verdict.rs): the `code` of a
 * verdict of `check_transfer` (registry) and `can_transfer` (token), of a refusal in the
 * denial form (`[code=… role=… party=…]`), and of an escrow payout hold
 * (`transfer_refused` is only ever a hold reason, never an error).
 */
export const DENIAL_CODES = [
  "not_listed",
  "suspended",
  "revoked",
  "expired",
  "jurisdiction_blocked",
  "over_per_transfer_limit",
  "travel_rule",
  "volume_window_exceeded",
  "paused",
  "frozen",
  "insufficient_funds",
  "transfer_refused",
] as const;

/** Codes of the KYC registry's errors (`contracts/kyc-registry/src/error.rs`). */
export const REGISTRY_ERROR_CODES = [
  "std",
  "wrong_contract",
  "newer_version",
  "invalid_version",
  "ownership",
  "not_officer",
  "empty_batch",
  "batch_too_large",
  "duplicate_address",
  "invalid_tier",
  "invalid_record_jurisdiction",
  "invalid_attestation",
  "invalid_reason",
  "expiry_not_in_future",
  "record_not_found",
  "already_officer",
  "not_an_officer",
  "wrong_tier_limit_count",
  "missing_window",
  "invalid_blocked_jurisdiction",
  "duplicate_jurisdiction",
  "too_many_blocked_jurisdictions",
  "invalid_travel_rule_tier",
  "zero_travel_rule_threshold",
] as const;

/**
 * Codes of the micropayment token's errors (`contracts/micropay-token/src/error.rs`),
 * cw20-base's included; a refused voucher has a {@link VOUCHER_ERROR_CODES} code and a
 * compliance refusal a {@link DENIAL_CODES} one.
 */
export const TOKEN_ERROR_CODES = [
  "std",
  "wrong_contract",
  "newer_version",
  "invalid_version",
  "overflow",
  "ownership",
  "paused",
  "not_paused",
  "frozen",
  "not_frozen",
  "insufficient_funds",
  "volume_window_exceeded",
  "zero_amount",
  "unfreeze_too_much",
  "missing_role",
  "role_already_granted",
  "role_not_granted",
  "empty_batch",
  "batch_too_large",
  "invalid_reference",
  "invalid_travel_rule_ref",
  "invalid_reason",
  "recovery_target_not_empty",
  "recover_to_self",
  "payment",
  "not_a_registry",
  "forced_transfer_to_self",
  "channel_to_self",
  "channel_not_found",
  "channel_closed",
  "channel_closing",
  "settle_period_over",
  "not_channel_party",
  "voucher_already_claimed",
  "voucher_exceeds_deposit",
  "close_too_early",
  "expiry_too_early",
  "settle_period_too_short",
  "settle_period_too_long",
  "expiry_too_late",
  "too_many_claims",
  "unauthorized",
  "cannot_set_own_account",
  "expired",
  "no_allowance",
  "cannot_exceed_cap",
  "logo_too_big",
  "invalid_xml_preamble",
  "invalid_png_header",
  "invalid_expiration",
  "duplicate_initial_balance_addresses",
  "initial_supply_over_cap",
  "invalid_name",
  "invalid_symbol",
  "invalid_decimals",
] as const;

/** Codes of a refused voucher (`VoucherError`, packages/voucher): token errors too. */
export const VOUCHER_ERROR_CODES = [
  "invalid_key",
  "invalid_signature_length",
  "high_s",
  "bad_signature",
  "field_too_long",
] as const;

/** Codes of the royalty/escrow contract's errors (`contracts/royalty-escrow/src/error.rs`). */
export const ESCROW_ERROR_CODES = [
  "std",
  "wrong_contract",
  "newer_version",
  "invalid_version",
  "overflow",
  "ownership",
  "payment",
  "token_not_accepted",
  "token_already_accepted",
  "deal_not_found",
  "work_not_found",
  "not_allowed",
  "wrong_status",
  "zero_amount",
  "milestones_mismatch",
  "too_many_milestones",
  "invalid_milestone",
  "expiry_in_past",
  "not_expired",
  "expired",
  "dispute_running",
  "split_too_large",
  "no_proposal",
  "own_proposal",
  "same_parties",
  "wrong_asset",
  "shares_not_whole",
  "recipient_count",
  "zero_share",
  "duplicate_recipient",
  "no_accepted_asset",
  "invalid_name",
  "asset_not_accepted",
  "epoch_not_found",
  "not_a_recipient",
  "nothing_to_claim",
  "exceeds_owed",
  "not_a_registry",
  "dispute_timeout_too_short",
  "held_not_resolvable",
  "nothing_to_sweep",
  "contract_as_party",
  "too_many_assets",
  "unknown_reply",
  "invalid_reason",
] as const;

export type DenialCode = (typeof DENIAL_CODES)[number];
export type RegistryErrorCode = (typeof REGISTRY_ERROR_CODES)[number];
export type TokenErrorCode = (typeof TOKEN_ERROR_CODES)[number];
export type VoucherRefusalCode = (typeof VOUCHER_ERROR_CODES)[number];
export type EscrowErrorCode = (typeof ESCROW_ERROR_CODES)[number];

/** Everything the registry answers or fails with: its errors and its verdicts' codes. */
export type RegistryRefusalCode = RegistryErrorCode | DenialCode;
/** Everything the token answers or fails with. */
export type TokenRefusalCode = TokenErrorCode | VoucherRefusalCode | DenialCode;
/** Everything the escrow fails with or holds a payout for. */
export type EscrowRefusalCode = EscrowErrorCode | DenialCode;
/** Every code of every contract. */
export type RefusalCode = RegistryRefusalCode | TokenRefusalCode | EscrowRefusalCode;

/** The codes each contract's errors can carry outside the denial form. */
export const ERROR_CODES: { readonly [C in FarthingContract]: readonly string[] } = {
  "kyc-registry": REGISTRY_ERROR_CODES,
  "micropay-token": [...TOKEN_ERROR_CODES, ...VOUCHER_ERROR_CODES],
  "royalty-escrow": ESCROW_ERROR_CODES,
};

/** Every code of every contract, each once. */
export const REFUSAL_CODES: readonly RefusalCode[] = [
  ...new Set<RefusalCode>([
    ...DENIAL_CODES,
    ...REGISTRY_ERROR_CODES,
    ...TOKEN_ERROR_CODES,
    ...VOUCHER_ERROR_CODES,
    ...ESCROW_ERROR_CODES,
  ]),
];

/** Who a compliance refusal is about. */
export type PartyRole = "sender" | "recipient" | "spender";

/** A tag as `farthing_types::errors::parse` returns it. */
export interface ErrorTag {
  readonly code: string;
  /** For a compliance refusal: `sender`, `recipient` or `spender`. */
  readonly role?: string;
  /** For a compliance refusal: the address the refusal is about. */
  readonly party?: string;
  /** The rest of the text after the tag, leading whitespace removed. */
  readonly message: string;
}

/** A refusal of a Farthing contract, parsed. */
export interface FarthingError {
  /** The stable code: a {@link RefusalCode}, or a code of a newer contract version. */
  readonly code: RefusalCode | (string & {});
  /** For a compliance refusal: which side of the transfer it is about. */
  readonly role?: PartyRole | (string & {});
  /** For a compliance refusal: the address it is about. */
  readonly party?: string;
  /**
   * The human-readable message after the tag, without wasmd's trailing
   * `: execute wasm contract failed` (and what a node appends after it). A compliance
   * refusal's starts with `refused by compliance: `.
   */
  readonly message: string;
  /**
   * The contract that refused, when the code tells: set when exactly one contract has the
   * code among its errors (`not_officer`: the registry; `high_s`: the token). Unset for the
   * denial form and for codes several contracts share (`std`, `expired`, ...).
   */
  readonly contract?: FarthingContract;
}

// Rust's `char::is_whitespace` (Unicode White_Space), which `str::trim_start` uses; unlike
// JavaScript's `\s` it includes U+0085 and excludes U+FEFF.
const RUST_LEADING_WHITESPACE =
  /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

/**
 * The first `[code=...]` tag in `text`, exactly as the Rust `farthing_types::errors::parse`:
 * the fields are `code`, `role` and `party` separated by single spaces, `code` is
 * `[a-z0-9_]+`, and anything else (an unknown field, a field without `=`, an empty or
 * invalid code) means no tag, even if a later one would parse.
 */
export function parseTag(text: string): ErrorTag | undefined {
  const start = text.indexOf("[code=");
  if (start < 0) return undefined;
  const rest = text.slice(start + 1);
  const end = rest.indexOf("]");
  if (end < 0) return undefined;
  let code = "";
  let role: string | undefined;
  let party: string | undefined;
  for (const field of rest.slice(0, end).split(" ")) {
    const eq = field.indexOf("=");
    if (eq < 0) return undefined;
    const key = field.slice(0, eq);
    const value = field.slice(eq + 1);
    if (key === "code") code = value;
    else if (key === "role") role = value;
    else if (key === "party") party = value;
    else return undefined;
  }
  if (!/^[a-z0-9_]+$/.test(code)) return undefined;
  const message = rest.slice(end + 1).replace(RUST_LEADING_WHITESPACE, "");
  const tag: { code: string; role?: string; party?: string; message: string } = { code, message };
  if (role !== undefined) tag.role = role;
  if (party !== undefined) tag.party = party;
  return tag;
}

// wasmd wraps a contract's error as `<error>: execute wasm contract failed` (instantiate,
// migrate, query, ... likewise), once per level of sub-message; a node may append more
// (`[CosmWasm/wasmd@.../keeper.go:..] With gas wanted: ...: unknown request`).
const WASMD_SUFFIX = /:\s*(?:execute|instantiate|migrate|query|sudo|reply) wasm contract failed/;

function withoutWasmdSuffix(message: string): string {
  const m = WASMD_SUFFIX.exec(message);
  return m ? message.slice(0, m.index) : message;
}

function contractOf(tag: ErrorTag): FarthingContract | undefined {
  if (tag.role !== undefined || tag.party !== undefined) return undefined;
  const owners = (Object.keys(ERROR_CODES) as FarthingContract[]).filter((c) =>
    ERROR_CODES[c].includes(tag.code)
  );
  return owners.length === 1 ? owners[0] : undefined;
}

function toFarthingError(tag: ErrorTag): FarthingError {
  const contract = contractOf(tag);
  return {
    code: tag.code,
    ...(tag.role !== undefined ? { role: tag.role } : {}),
    ...(tag.party !== undefined ? { party: tag.party } : {}),
    message: withoutWasmdSuffix(tag.message),
    ...(contract !== undefined ? { contract } : {}),
  };
}

/** The texts a thrown value or a failed result may carry its log in, most specific first. */
function texts(e: unknown, depth = 0): string[] {
  if (depth > 4 || e === null || e === undefined) return [];
  if (typeof e === "string") return [e];
  if (typeof e !== "object") return [];
  const o = e as Record<string, unknown>;
  const out: string[] = [];
  for (const key of ["rawLog", "raw_log", "log", "message"]) {
    const v = o[key];
    if (typeof v === "string") out.push(v);
  }
  for (const key of ["cause", "txResponse", "tx_response"]) {
    if (key in o) out.push(...texts(o[key], depth + 1));
  }
  return out;
}

/**
 * The Farthing refusal in a failed transaction or query: `e` may be an `Error` (a client's
 * broadcast or simulation failure; its `cause` is read too), the raw log as a string, or a
 * result object with `rawLog`, `raw_log`, `log` or `message` (or a `txResponse` holding
 * one). `undefined` when no text holds a valid tag (a failure that is not a contract's
 * refusal: out of gas, a wrong sequence, ...).
 *
 * @example
 * ```ts
 * try { await client.execute(...) } catch (e) {
 *   const err = parseError(e);
 *   if (err && isDenial(err)) alert(`${err.party} (${err.role}): ${err.message}`);
 * }
 * ```
 */
export function parseError(e: unknown): FarthingError | undefined {
  for (const text of texts(e)) {
    const tag = parseTag(text);
    if (tag) return toFarthingError(tag);
  }
  return undefined;
}

/** Whether `code` is one of the contracts' codes (this SDK version's). */
export function isRefusalCode(code: string): code is RefusalCode {
  return (REFUSAL_CODES as readonly string[]).includes(code);
}

/**
 * Whether a code is a compliance code ({@link DENIAL_CODES}), or a parsed error a
 * compliance refusal (the denial form, with `role` and `party`).
 *
 * Five compliance codes are also the codes of plain token errors: `paused`, `frozen`,
 * `insufficient_funds` and `volume_window_exceeded` (the token refuses these itself; its
 * `can_transfer` reports them as denials), and `expired` (a cw20 allowance's expiry, and
 * an escrow deal's). Pass the parsed error, not its code, to tell which one you have.
 */
export function isDenial(code: string): code is DenialCode;
export function isDenial(error: FarthingError): boolean;
export function isDenial(x: string | FarthingError): boolean {
  if (typeof x === "string") return (DENIAL_CODES as readonly string[]).includes(x);
  return x.role !== undefined && x.party !== undefined;
}

/** A refusal's sentence as the registry and the token word a compliance denial. */
export const DENIAL_PREFIX = "refused by compliance: ";

/**
 * The `denial` of a verdict as JSON (`Denial` in packages/types/src/kyc/verdict.rs; the
 * generated clients' `Denial` type has this shape).
 */
export interface DenialJson {
  readonly party: string;
  readonly role: PartyRole;
  readonly code: DenialCode;
  readonly message: string;
}

/** The answer of the registry's `check_transfer` query (`Verdict`) as JSON. */
export interface VerdictJson {
  readonly allowed: boolean;
  readonly denial?: DenialJson | null;
}

/** The answer of the token's `can_transfer` query (`CanTransferResponse`) as JSON. */
export interface CanTransferJson {
  readonly verdict: VerdictJson;
  /** How much more the sender may move in its current volume window (`null`: no limit). */
  readonly remaining_in_window?: string | null;
  /** When the sender's window closes (nanoseconds, as a string; `null`: none). */
  readonly window_resets_at?: string | null;
}

/**
 * The dry-run pattern: ask before the user signs. Maps a `check_transfer` verdict (the
 * registry) or a `can_transfer` answer (the token) to the {@link FarthingError} the
 * transfer would fail with, so a dApp shows the same `code`, `role`, `party` and `message`
 * before signing as {@link parseError} gives after a failed transaction. `undefined` when
 * the transfer is allowed.
 *
 * The registry's codes fail a transaction in the denial form, whose message is
 * `refused by compliance: <denial.message>`. The token's own codes (`paused`, `frozen`,
 * `insufficient_funds`, `volume_window_exceeded`) fail it with a plain tag: `can_transfer`
 * gives that whole tagged error as `denial.message`, and the message returned is its text
 * after the tag. `role` and `party` are the verdict's in both cases (a failed transaction
 * has them only in the denial form).
 *
 * @example
 * ```ts
 * const answer = await token.canTransfer({ from, to, amount });
 * const refusal = explainVerdict(answer);
 * if (refusal) return showError(refusal.message); // don't ask for a signature
 * ```
 */
export function explainVerdict(verdict: VerdictJson | CanTransferJson): FarthingError | undefined {
  const v: VerdictJson = "verdict" in verdict ? verdict.verdict : verdict;
  if (v.allowed || !v.denial) return undefined;
  const d = v.denial;
  const inner = parseTag(d.message);
  const message =
    inner && d.message.startsWith("[code=")
      ? withoutWasmdSuffix(inner.message)
      : `${DENIAL_PREFIX}${d.message}`;
  return { code: d.code, role: d.role, party: d.party, message };
}
