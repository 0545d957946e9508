// The escrow's cw20 hook: to fund a deal, top one up, or pay a work in a cw20 token, the
// payer calls the TOKEN's `send` with the escrow as `contract` and a `ReceiveMsg` as `msg`
// (base64 JSON). These helpers build that payload and the whole `send` message.
import type { ReceiveMsg } from "./generated/RoyaltyEscrowHook.types";
import type { ExecuteMsg as TokenExecuteMsg } from "./generated/MicropayToken.types";

export type { ReceiveMsg as EscrowHookMsg } from "./generated/RoyaltyEscrowHook.types";

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

function fromBase64(b64: string): Uint8Array {
  const binary = atob(b64);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** The base64 `msg` of a cw20 `send` to the escrow: the hook message as JSON, UTF-8, base64. */
export function escrowHookPayload(msg: ReceiveMsg): string {
  return toBase64(new TextEncoder().encode(JSON.stringify(msg)));
}

/** Reads a hook payload back (for indexers and tests). Throws on anything that is not one. */
export function decodeEscrowHookPayload(payload: string): ReceiveMsg {
  const value: unknown = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(fromBase64(payload)));
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error("not an escrow hook message: expected a JSON object");
  }
  const keys = Object.keys(value);
  if (keys.length !== 1 || !["create_deal", "top_up", "pay"].includes(keys[0])) {
    throw new Error(`not an escrow hook message: expected one of create_deal, top_up, pay, got ${keys.join(", ")}`);
  }
  return value as ReceiveMsg;
}

/**
 * The token message that sends `amount` to the escrow with `msg`: execute it on the TOKEN
 * contract (for example `tokenClient.send(sendToEscrow(...).send)`), not on the escrow.
 */
export function sendToEscrow(
  escrow: string,
  amount: string | bigint,
  msg: ReceiveMsg,
): Extract<TokenExecuteMsg, { send: unknown }> {
  return { send: { contract: escrow, amount: amount.toString(), msg: escrowHookPayload(msg) } };
}
