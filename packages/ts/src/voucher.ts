/**
 * Vouchers of Farthing payment channels, byte for byte as the Rust crate
 * `farthing-voucher` (packages/voucher/src/lib.rs and sign.rs) encodes, signs and verifies
 * them. The committed test vectors (packages/voucher/test-vectors.json) are reproduced by
 * test/voucher.test.ts.
 *
 * Canonical encoding (version 1), signed as its SHA-256 digest:
 * ```text
 * "farthing-voucher/v1"               19 bytes (domain tag)
 * u16 BE length, chain_id             UTF-8
 * u16 BE length, token                contract address, UTF-8
 * u64 BE channel_id
 * u16 BE length, payee                address, UTF-8
 * u128 BE cumulative                  16 bytes
 * ```
 * secp256k1: ECDSA over the digest (RFC 6979, no extra entropy), 64-byte `r || s`, low-S
 * only. ed25519: Ed25519 signature of the 32-byte digest.
 */

import { ed25519 } from "@noble/curves/ed25519.js";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex as nobleBytesToHex, concatBytes, hexToBytes as nobleHexToBytes } from "@noble/hashes/utils.js";

/** The domain tag every encoding starts with. */
export const VOUCHER_DOMAIN = "farthing-voucher/v1";

/** Largest channel id (u64). */
export const U64_MAX = (1n << 64n) - 1n;
/** Largest amount (u128, cosmwasm `Uint128`). */
export const U128_MAX = (1n << 128n) - 1n;
/** Longest string field, in UTF-8 bytes (its length is a u16). */
export const MAX_FIELD_BYTES = 0xffff;

/** Which kind of key signs a channel's vouchers. */
export type KeyType = "secp256k1" | "ed25519";

export const KEY_TYPES: readonly KeyType[] = ["secp256k1", "ed25519"];

/**
 * The `signer` of `OpenChannel` (Rust `SignerKey`), as it is on the wire:
 * `{"secp256k1": "<hex of 33 bytes, compressed SEC1>"}` or `{"ed25519": "<hex of 32 bytes>"}`.
 */
export type SignerKey = { secp256k1: string } | { ed25519: string };

/**
 * A voucher: the payee of channel `channel_id` of token `token` on chain `chain_id` may
 * claim `cumulative` in total. Field names are those of the Rust struct's JSON.
 *
 * `channel_id` is a u64 and `cumulative` a u128: a bigint, or a canonical decimal string
 * (digits only, no sign, no leading zero except "0" itself).
 */
export interface Voucher {
  chain_id: string;
  token: string;
  channel_id: string | bigint;
  payee: string;
  cumulative: string | bigint;
}

/**
 * Stable machine-readable codes. The first five are the Rust `VoucherError::code()` values
 * (what the token's `[code=...]` says for a refused voucher); the others refuse input that
 * the Rust types cannot even hold.
 */
export type VoucherErrorCode =
  | "invalid_key"
  | "invalid_signature_length"
  | "high_s"
  | "bad_signature"
  | "field_too_long"
  | "invalid_channel_id"
  | "invalid_amount"
  | "invalid_string"
  | "invalid_hex"
  | "invalid_key_type";

export class VoucherError extends Error {
  readonly code: VoucherErrorCode;
  constructor(code: VoucherErrorCode, message: string) {
    super(`[code=${code}] ${message}`);
    this.name = "VoucherError";
    this.code = code;
  }
}

// ---- hex ----

/** Lower-case hex of `bytes`. */
export function bytesToHex(bytes: Uint8Array): string {
  return nobleBytesToHex(bytes);
}

/**
 * Bytes of a hex string (either case, even length, no `0x`). Throws a `VoucherError` with
 * code `invalid_hex` otherwise.
 */
export function hexToBytes(hex: string): Uint8Array {
  if (typeof hex !== "string") throw new VoucherError("invalid_hex", "expected a hex string");
  try {
    return nobleHexToBytes(hex);
  } catch {
    throw new VoucherError("invalid_hex", `not an even-length hex string: ${JSON.stringify(hex.slice(0, 80))}`);
  }
}

function bytesOrHex(value: Uint8Array | string): Uint8Array {
  return typeof value === "string" ? hexToBytes(value) : value;
}

// ---- integers ----

const DECIMAL = /^(0|[1-9][0-9]*)$/;

function parseUint(value: unknown, max: bigint, code: "invalid_channel_id" | "invalid_amount", what: string): bigint {
  let n: bigint;
  if (typeof value === "bigint") {
    n = value;
  } else if (typeof value === "string") {
    // 40 digits is more than u128 needs: refuse huge strings before BigInt parses them.
    if (!DECIMAL.test(value) || value.length > 40) {
      throw new VoucherError(code, `${what} must be a canonical decimal string, got ${JSON.stringify(value.slice(0, 60))}`);
    }
    n = BigInt(value);
  } else {
    throw new VoucherError(code, `${what} must be a bigint or a decimal string, got ${typeof value}`);
  }
  if (n < 0n || n > max) {
    throw new VoucherError(code, `${what} ${n} is out of range 0..=${max}`);
  }
  return n;
}

/** A channel id (u64) as a bigint; `invalid_channel_id` when it is not one. */
export function parseChannelId(value: string | bigint): bigint {
  return parseUint(value, U64_MAX, "invalid_channel_id", "channel id");
}

/** An amount (u128) as a bigint; `invalid_amount` when it is not one. */
export function parseAmount(value: string | bigint): bigint {
  return parseUint(value, U128_MAX, "invalid_amount", "amount");
}

// ---- encoding ----

// A lone UTF-16 surrogate: a Rust `String` cannot hold one, and UTF-8 encoders replace it.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const utf8 = new TextEncoder();

function lengthPrefixed(value: unknown, field: string): Uint8Array {
  if (typeof value !== "string") {
    throw new VoucherError("invalid_string", `${field} must be a string, got ${typeof value}`);
  }
  if (LONE_SURROGATE.test(value)) {
    throw new VoucherError("invalid_string", `${field} is not well-formed Unicode (lone surrogate)`);
  }
  const bytes = utf8.encode(value);
  if (bytes.length > MAX_FIELD_BYTES) {
    throw new VoucherError("field_too_long", `a voucher field is longer than 65,535 bytes (${field}: ${bytes.length})`);
  }
  const out = new Uint8Array(2 + bytes.length);
  out[0] = bytes.length >> 8;
  out[1] = bytes.length & 0xff;
  out.set(bytes, 2);
  return out;
}

function bigEndian(n: bigint, bytes: number): Uint8Array {
  const out = new Uint8Array(bytes);
  for (let i = bytes - 1; i >= 0; i--) {
    out[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return out;
}

/** The canonical bytes of `v` (encoding v1), exactly as Rust `Voucher::encode`. */
export function encodeVoucher(v: Voucher): Uint8Array {
  const chainId = lengthPrefixed(v.chain_id, "chain_id");
  const token = lengthPrefixed(v.token, "token");
  const channel = bigEndian(parseChannelId(v.channel_id), 8);
  const payee = lengthPrefixed(v.payee, "payee");
  const cumulative = bigEndian(parseAmount(v.cumulative), 16);
  return concatBytes(utf8.encode(VOUCHER_DOMAIN), chainId, token, channel, payee, cumulative);
}

/** SHA-256 of the canonical bytes: what is signed. */
export function voucherDigest(v: Voucher): Uint8Array {
  return sha256(encodeVoucher(v));
}

// ---- keys ----

function checkKeyType(keyType: unknown): KeyType {
  if (keyType !== "secp256k1" && keyType !== "ed25519") {
    throw new VoucherError("invalid_key_type", `unknown key type ${JSON.stringify(keyType)}: use secp256k1 or ed25519`);
  }
  return keyType;
}

function secretBytes(secret: Uint8Array | string, keyType: KeyType): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = bytesOrHex(secret);
  } catch {
    throw new VoucherError("invalid_key", `the secret is not a valid ${keyType} secret key (not hex)`);
  }
  if (!(bytes instanceof Uint8Array) || bytes.length !== 32) {
    throw new VoucherError("invalid_key", `the secret must be 32 bytes`);
  }
  if (keyType === "secp256k1" && !secp256k1.utils.isValidSecretKey(bytes)) {
    // As k256's SigningKey::from_bytes: zero, or not below the group order.
    throw new VoucherError("invalid_key", "the secret is not a valid secp256k1 secret key");
  }
  return bytes;
}

/** The public key of a 32-byte secret: 33 bytes (compressed SEC1) or 32 bytes (ed25519). */
export function publicKey(secret: Uint8Array | string, keyType: KeyType): Uint8Array {
  checkKeyType(keyType);
  const sk = secretBytes(secret, keyType);
  return keyType === "secp256k1" ? secp256k1.getPublicKey(sk, true) : ed25519.getPublicKey(sk);
}

/** The key type and the public-key bytes of a `SignerKey`, with its shape checked. */
export function parseSignerKey(key: SignerKey): { keyType: KeyType; publicKey: Uint8Array } {
  if (typeof key !== "object" || key === null || Object.keys(key).length !== 1) {
    throw new VoucherError("invalid_key", 'a signer key is {"secp256k1": hex} or {"ed25519": hex}');
  }
  const keyType = Object.keys(key)[0];
  if (keyType !== "secp256k1" && keyType !== "ed25519") {
    throw new VoucherError("invalid_key", `unknown signer key kind ${JSON.stringify(keyType)}`);
  }
  const hex = (key as Record<string, unknown>)[keyType];
  let bytes: Uint8Array;
  try {
    bytes = hexToBytes(hex as string);
  } catch {
    throw new VoucherError("invalid_key", `the signer key is not a valid ${keyType} public key (not hex)`);
  }
  checkKeyShape(keyType, bytes);
  return { keyType, publicKey: bytes };
}

/** As Rust `check_key_shape`: 33-byte compressed secp256k1 (02/03 prefix), or 32-byte ed25519. */
function checkKeyShape(keyType: KeyType, bytes: Uint8Array): void {
  if (keyType === "secp256k1" && (bytes.length !== 33 || (bytes[0] !== 0x02 && bytes[0] !== 0x03))) {
    throw new VoucherError("invalid_key", "the signer key is not a valid secp256k1 public key");
  }
  if (keyType === "ed25519" && bytes.length !== 32) {
    throw new VoucherError("invalid_key", "the signer key is not a valid ed25519 public key");
  }
}

/**
 * As Rust `check_key`, which the token runs on `OpenChannel`'s `signer`: the right shape,
 * a point on its curve, and, for ed25519, not of small order (with the identity or another
 * small-order point as the key, one fixed forged signature verifies every voucher under
 * the chain's ZIP-215 verifier). Throws `invalid_key`.
 */
export function checkKey(key: SignerKey): void {
  const { keyType, publicKey: bytes } = parseSignerKey(key);
  let ok: boolean;
  try {
    if (keyType === "secp256k1") {
      secp256k1.Point.fromBytes(bytes).assertValidity();
      ok = true;
    } else {
      // ZIP-215 decoding (non-canonical y accepted), as curve25519-dalek's decompress.
      ok = !ed25519.Point.fromBytes(bytes, true).isSmallOrder();
    }
  } catch {
    ok = false;
  }
  if (!ok) throw new VoucherError("invalid_key", `the signer key is not a valid ${keyType} public key`);
}

/**
 * The `signer` for `OpenChannel` from a public key (bytes or hex). Checked as the token
 * checks it (`checkKey`), so a key the token would refuse is refused here.
 */
export function signerKey(publicKeyBytes: Uint8Array | string, keyType: KeyType): SignerKey {
  checkKeyType(keyType);
  let bytes: Uint8Array;
  try {
    bytes = bytesOrHex(publicKeyBytes);
  } catch {
    throw new VoucherError("invalid_key", `the public key is not a valid ${keyType} public key (not hex)`);
  }
  const hex = bytesToHex(bytes);
  const key: SignerKey = keyType === "secp256k1" ? { secp256k1: hex } : { ed25519: hex };
  checkKey(key);
  return key;
}

// ---- signing and verification ----

/** Half the order of secp256k1: a low-S signature has `s <= HALF_N`. */
const HALF_N = secp256k1.Point.CURVE().n >> 1n;

function bytesToBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt("0x" + bytesToHex(bytes));
}

/**
 * Signs `v` with a 32-byte secret (bytes or hex): a 64-byte signature, deterministic as the
 * Rust `sign` (RFC 6979 and always low-S for secp256k1; Ed25519 of the digest).
 */
export function signVoucher(v: Voucher, secret: Uint8Array | string, keyType: KeyType): Uint8Array {
  checkKeyType(keyType);
  const sk = secretBytes(secret, keyType);
  const digest = voucherDigest(v);
  if (keyType === "secp256k1") {
    return secp256k1.sign(digest, sk, { prehash: false, lowS: true, extraEntropy: false, format: "compact" });
  }
  return ed25519.sign(digest, sk);
}

/**
 * Verifies `signature` (bytes or hex) of `v` by `key` with the rules of the Rust `verify`,
 * in its order: the signature is 64 bytes (`invalid_signature_length`), the key has its
 * shape (`invalid_key`), a secp256k1 `s` is low (`high_s`), the voucher encodes
 * (`field_too_long`, ...), the signature matches (`bad_signature`). Returns nothing; throws a
 * `VoucherError`.
 *
 * Like the Rust `verify` (and the chain's `ed25519_verify`, ZIP-215), it does not check the
 * key for small order: the token's `check_key` refused such keys when the channel was
 * opened. Call `checkKey` for a key that did not come from a channel record.
 */
export function verifyVoucher(v: Voucher, signature: Uint8Array | string, key: SignerKey): void {
  const sig = bytesOrHex(signature);
  if (sig.length !== 64) {
    throw new VoucherError("invalid_signature_length", `the signature must be 64 bytes, got ${sig.length}`);
  }
  const { keyType, publicKey: pk } = parseSignerKey(key);
  if (keyType === "secp256k1" && bytesToBigInt(sig.subarray(32)) > HALF_N) {
    throw new VoucherError("high_s", "high-S secp256k1 signature refused (use the low-S form)");
  }
  const digest = voucherDigest(v);
  let ok: boolean;
  try {
    ok =
      keyType === "secp256k1"
        ? secp256k1.verify(sig, digest, pk, { prehash: false, lowS: false, format: "compact" })
        : ed25519.verify(sig, digest, pk, { zip215: true });
  } catch {
    ok = false;
  }
  if (!ok) {
    throw new VoucherError("bad_signature", "the signature does not match the voucher and the channel's signer");
  }
}
