import { readFileSync } from "node:fs";
import { resolve } from "node:path";

import { ed25519 } from "@noble/curves/ed25519.js";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { describe, expect, it } from "vitest";

import {
  bytesToHex,
  checkKey,
  encodeVoucher,
  hexToBytes,
  parseAmount,
  parseChannelId,
  parseSignerKey,
  publicKey,
  signerKey,
  signVoucher,
  U128_MAX,
  U64_MAX,
  verifyVoucher,
  voucherDigest,
  VoucherError,
  type KeyType,
  type SignerKey,
  type Voucher,
} from "../src/index";

interface Vector {
  key_type: KeyType;
  secret: string;
  signer: SignerKey;
  voucher: { chain_id: string; token: string; channel_id: string; payee: string; cumulative: string };
  encoding: string;
  digest: string;
  signature: string;
}

const VECTORS_PATH = resolve(__dirname, "../../voucher/test-vectors.json");

/**
 * The committed vectors. `channel_id` is a JSON number in the encoding of today (u64) and a
 * decimal string once channel ids travel as strings; a JSON number above 2^53 does not
 * survive `JSON.parse`, so a bare number is quoted in the text first. Either form gives the
 * same string.
 */
function loadVectors(): Vector[] {
  const text = readFileSync(VECTORS_PATH, "utf8").replace(/("channel_id"\s*:\s*)(\d+)/g, '$1"$2"');
  const vectors = (JSON.parse(text) as { vectors: Vector[] }).vectors;
  return vectors.map((v) => ({ ...v, voucher: { ...v.voucher, channel_id: String(v.voucher.channel_id) } }));
}

const vectors = loadVectors();

/** Runs `f`, expects a `VoucherError`, returns its code. */
function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(VoucherError);
    return (e as VoucherError).code;
  }
  throw new Error("expected a VoucherError, nothing was thrown");
}

/** s' = n - s: the high-S twin of a low-S secp256k1 signature (Rust `high_s_form`). */
function highSForm(sig: Uint8Array): Uint8Array {
  const n = secp256k1.Point.CURVE().n;
  const s = BigInt("0x" + bytesToHex(sig.subarray(32)));
  const out = sig.slice();
  out.set(hexToBytes((n - s).toString(16).padStart(64, "0")), 32);
  return out;
}

const base: Voucher = vectors[0]!.voucher;

describe("the committed test vectors (packages/voucher/test-vectors.json)", () => {
  it("has the six vectors of the Rust generator, both key types, and the wire forms of today or tomorrow", () => {
    expect(vectors).toHaveLength(6);
    expect(vectors.map((v) => v.key_type)).toEqual(["secp256k1", "secp256k1", "secp256k1", "ed25519", "ed25519", "ed25519"]);
    expect(vectors.map((v) => v.voucher.channel_id)).toEqual(["1", "42", "18446744073709551615", "1", "42", "18446744073709551615"]);
    // Either JSON form (number or string) reads to the same ids.
    const raw = readFileSync(VECTORS_PATH, "utf8");
    const asNumbers = raw.replace(/("channel_id"\s*:\s*)"(\d+)"/g, "$1$2");
    const asStrings = asNumbers.replace(/("channel_id"\s*:\s*)(\d+)/g, '$1"$2"');
    const ids = (JSON.parse(asStrings) as { vectors: Vector[] }).vectors.map((v) => v.voucher.channel_id);
    expect(ids).toEqual(vectors.map((v) => v.voucher.channel_id));
  });

  describe.each(vectors.map((v, i) => [i, v] as const))("vector %i", (_i, v) => {
    it("encodes byte for byte", () => {
      expect(bytesToHex(encodeVoucher(v.voucher))).toBe(v.encoding);
    });
    it("has the same digest", () => {
      expect(bytesToHex(voucherDigest(v.voucher))).toBe(v.digest);
    });
    it("derives the same public key and signer key", () => {
      const pk = publicKey(v.secret, v.key_type);
      expect(signerKey(pk, v.key_type)).toEqual(v.signer);
      expect(signerKey(bytesToHex(pk), v.key_type)).toEqual(v.signer);
    });
    it("signs the same signature (deterministic)", () => {
      expect(bytesToHex(signVoucher(v.voucher, v.secret, v.key_type))).toBe(v.signature);
      expect(bytesToHex(signVoucher(v.voucher, hexToBytes(v.secret), v.key_type))).toBe(v.signature);
    });
    it("verifies, as hex and as bytes", () => {
      expect(verifyVoucher(v.voucher, v.signature, v.signer)).toBeUndefined();
      expect(verifyVoucher(v.voucher, hexToBytes(v.signature), v.signer)).toBeUndefined();
      // The same voucher with bigint fields is the same voucher.
      const asBigints: Voucher = { ...v.voucher, channel_id: BigInt(v.voucher.channel_id), cumulative: BigInt(v.voucher.cumulative) };
      expect(bytesToHex(encodeVoucher(asBigints))).toBe(v.encoding);
      expect(verifyVoucher(asBigints, v.signature, v.signer)).toBeUndefined();
    });
    it("fails for any other cumulative, channel, payee, token or chain", () => {
      const cum = BigInt(v.voucher.cumulative);
      const ch = BigInt(v.voucher.channel_id);
      const others: Voucher[] = [
        // As the Rust test: cumulative + 1, wrapping.
        { ...v.voucher, cumulative: (cum + 1n) & U128_MAX },
        { ...v.voucher, cumulative: cum === 0n ? 1n : cum - 1n },
        { ...v.voucher, channel_id: (ch + 1n) & U64_MAX },
        { ...v.voucher, payee: v.voucher.payee.slice(0, -1) + (v.voucher.payee.endsWith("n") ? "m" : "n") },
        { ...v.voucher, token: v.voucher.payee },
        { ...v.voucher, chain_id: "farthing-2" },
      ];
      for (const other of others) {
        expect(codeOf(() => verifyVoucher(other, v.signature, v.signer))).toBe("bad_signature");
      }
    });
    it("fails with a flipped bit of the signature, or another key", () => {
      const sig = hexToBytes(v.signature);
      for (const i of [0, 31, 32, 63]) {
        const bad = sig.slice();
        bad[i]! ^= 1;
        const code = codeOf(() => verifyVoucher(v.voucher, bad, v.signer));
        // Flipping a low bit of a low-S `s` keeps it low: the crypto refuses it.
        expect(code).toBe("bad_signature");
      }
      const other = v.key_type === "secp256k1" ? "33".repeat(32) : "44".repeat(32);
      const otherKey = signerKey(publicKey(other, v.key_type), v.key_type);
      expect(codeOf(() => verifyVoucher(v.voucher, v.signature, otherKey))).toBe("bad_signature");
    });
  });
});

describe("secp256k1 malleability", () => {
  const secp = vectors.filter((v) => v.key_type === "secp256k1");

  it.each(secp.map((v, i) => [i, v] as const))("the high-S twin of vector %i is a valid ECDSA signature, refused with high_s", (_i, v) => {
    const sig = hexToBytes(v.signature);
    const high = highSForm(sig);
    expect(bytesToHex(high)).not.toBe(v.signature);
    const pk = parseSignerKey(v.signer).publicKey;
    // What the VM would accept (both S forms) ...
    expect(secp256k1.verify(high, hexToBytes(v.digest), pk, { prehash: false, lowS: false })).toBe(true);
    // ... and what the voucher rules refuse, before any crypto.
    expect(codeOf(() => verifyVoucher(v.voucher, high, v.signer))).toBe("high_s");
    // A high-S signature is refused even for a voucher it does not sign (the order of Rust's checks).
    expect(codeOf(() => verifyVoucher({ ...v.voucher, cumulative: "7" }, high, v.signer))).toBe("high_s");
  });

  it("the boundary: s = n/2 passes the shape check (bad_signature), s = n/2 + 1 is high_s", () => {
    const v = secp[0]!;
    const half = secp256k1.Point.CURVE().n >> 1n;
    const withS = (s: bigint) => {
      const sig = hexToBytes(v.signature);
      sig.set(hexToBytes(s.toString(16).padStart(64, "0")), 32);
      return sig;
    };
    expect(codeOf(() => verifyVoucher(v.voucher, withS(half), v.signer))).toBe("bad_signature");
    expect(codeOf(() => verifyVoucher(v.voucher, withS(half + 1n), v.signer))).toBe("high_s");
  });

  it("every signature signVoucher makes is low-S", () => {
    const half = secp256k1.Point.CURVE().n >> 1n;
    for (let c = 1n; c <= 64n; c++) {
      const sig = signVoucher({ ...base, cumulative: c }, "11".repeat(32), "secp256k1");
      expect(BigInt("0x" + bytesToHex(sig.subarray(32))) <= half).toBe(true);
    }
  });
});

describe("signature and key shape", () => {
  const secp = vectors[0]!;
  const ed = vectors[3]!;

  it("refuses a signature that is not 64 bytes, before the key and the voucher are looked at", () => {
    for (const v of [secp, ed]) {
      const sig = hexToBytes(v.signature);
      expect(codeOf(() => verifyVoucher(v.voucher, sig.subarray(0, 63), v.signer))).toBe("invalid_signature_length");
      expect(codeOf(() => verifyVoucher(v.voucher, new Uint8Array([...sig, 0]), v.signer))).toBe("invalid_signature_length");
      expect(codeOf(() => verifyVoucher(v.voucher, new Uint8Array(0), v.signer))).toBe("invalid_signature_length");
      // Even with a malformed key (the length comes first, as in Rust).
      expect(codeOf(() => verifyVoucher(v.voucher, sig.subarray(0, 63), { ed25519: "00" }))).toBe("invalid_signature_length");
    }
    try {
      verifyVoucher(secp.voucher, hexToBytes(secp.signature).subarray(0, 63), secp.signer);
    } catch (e) {
      expect((e as Error).message).toBe("[code=invalid_signature_length] the signature must be 64 bytes, got 63");
    }
  });

  it("refuses a signature that is not hex", () => {
    expect(codeOf(() => verifyVoucher(secp.voucher, "zz".repeat(64), secp.signer))).toBe("invalid_hex");
    expect(codeOf(() => verifyVoucher(secp.voucher, secp.signature.slice(1), secp.signer))).toBe("invalid_hex");
  });

  it("refuses keys of the wrong shape with invalid_key (Rust check_key_shape)", () => {
    const secpHex = (secp.signer as { secp256k1: string }).secp256k1;
    const edHex = (ed.signer as { ed25519: string }).ed25519;
    const bad: SignerKey[] = [
      { secp256k1: secpHex.slice(0, 64) }, // 32 bytes
      { secp256k1: "04" + secpHex.slice(2) }, // wrong prefix
      { secp256k1: secpHex + "00" }, // 34 bytes
      { ed25519: edHex.slice(0, 62) }, // 31 bytes
      { ed25519: edHex + "00" }, // 33 bytes
      { ed25519: "not hex" },
      { secp256k1: secpHex, ed25519: edHex } as unknown as SignerKey,
      { rsa: edHex } as unknown as SignerKey,
    ];
    for (const key of bad) {
      expect(codeOf(() => verifyVoucher(secp.voucher, secp.signature, key))).toBe("invalid_key");
      expect(codeOf(() => checkKey(key))).toBe("invalid_key");
    }
    // Upper-case hex is hex (cosmwasm's HexBinary accepts it too).
    expect(verifyVoucher(secp.voucher, secp.signature.toUpperCase(), { secp256k1: secpHex.toUpperCase() })).toBeUndefined();
  });

  it("a key of one kind does not verify a signature of the other", () => {
    // An ed25519 signature under a secp256k1 key: a 64-byte signature whose `s` may be high.
    const code = codeOf(() => verifyVoucher(ed.voucher, ed.signature, secp.signer));
    expect(["bad_signature", "high_s"]).toContain(code);
    expect(codeOf(() => verifyVoucher(secp.voucher, secp.signature, ed.signer))).toBe("bad_signature");
  });

  it("a secp256k1 key that is not a point: check_key refuses it, verify says bad_signature", () => {
    // x = 5 is not the x of a secp256k1 point (5^3 + 7 = 132 is not a square mod p).
    const key: SignerKey = { secp256k1: "02" + "00".repeat(31) + "05" };
    expect(() => secp256k1.Point.fromBytes(hexToBytes(key.secp256k1))).toThrow();
    expect(codeOf(() => checkKey(key))).toBe("invalid_key");
    expect(codeOf(() => signerKey(key.secp256k1, "secp256k1"))).toBe("invalid_key");
    // As Rust `verify`: the shape passes, the chain's verifier fails, so bad_signature.
    expect(codeOf(() => verifyVoucher(secp.voucher, secp.signature, key))).toBe("bad_signature");
  });
});

describe("small-order ed25519 keys (Rust check_key)", () => {
  // The identity point (0, 1) and the point of order 2 (0, -1), as compressed Edwards y.
  const IDENTITY = "01" + "00".repeat(31);
  const ORDER_2 = "ec" + "ff".repeat(30) + "7f";
  // R = identity, s = 0: under a small-order key, verifies EVERY message with the
  // cofactored ZIP-215 equation [8]sB = [8]R + [8]kA, since [8]A = [8]R = 0 and s = 0.
  const FORGED = IDENTITY + "00".repeat(32);

  it("the identity and the other small-order points are refused by checkKey and signerKey", () => {
    for (const hex of [IDENTITY, ORDER_2]) {
      expect(ed25519.Point.fromBytes(hexToBytes(hex), true).isSmallOrder()).toBe(true);
      expect(codeOf(() => checkKey({ ed25519: hex }))).toBe("invalid_key");
      expect(codeOf(() => signerKey(hex, "ed25519"))).toBe("invalid_key");
    }
    // All eight small-order points: the torsion subgroup, multiples of a point of order 8.
    const torsion = ed25519.Point.fromBytes(hexToBytes("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"), true);
    let p = ed25519.Point.ZERO;
    for (let i = 0; i < 8; i++) {
      expect(codeOf(() => checkKey({ ed25519: bytesToHex(p.toBytes()) }))).toBe("invalid_key");
      p = p.add(torsion);
    }
    expect(p.equals(ed25519.Point.ZERO)).toBe(true);
    // A real key passes.
    expect(checkKey(vectors[3]!.signer)).toBeUndefined();
  });

  it("a y that is not on the curve is refused", () => {
    // y = 2: x^2 = (y^2 - 1)/(d y^2 + 1) has no root.
    const hex = "02" + "00".repeat(31);
    expect(() => ed25519.Point.fromBytes(hexToBytes(hex), true)).toThrow();
    expect(codeOf(() => checkKey({ ed25519: hex }))).toBe("invalid_key");
  });

  it("verifyVoucher, like Rust verify and the chain's ZIP-215 ed25519_verify, accepts the forgery under such a key: the token refuses the key at OpenChannel instead", () => {
    for (const hex of [IDENTITY, ORDER_2]) {
      for (const cumulative of ["1", "1000000", U128_MAX.toString()]) {
        expect(verifyVoucher({ ...base, cumulative }, FORGED, { ed25519: hex })).toBeUndefined();
      }
    }
    // The forgery is no signature under a real key.
    expect(codeOf(() => verifyVoucher(base, FORGED, vectors[3]!.signer))).toBe("bad_signature");
  });
});

describe("input validation", () => {
  it("channel ids: u64, bigint or canonical decimal string", () => {
    expect(parseChannelId("0")).toBe(0n);
    expect(parseChannelId("18446744073709551615")).toBe(U64_MAX);
    expect(parseChannelId(U64_MAX)).toBe(U64_MAX);
    for (const bad of ["18446744073709551616", "-1", "01", "+1", " 1", "1 ", "", "1.0", "1e3", "0x10", "١"]) {
      expect(codeOf(() => parseChannelId(bad)), bad).toBe("invalid_channel_id");
      expect(codeOf(() => encodeVoucher({ ...base, channel_id: bad })), bad).toBe("invalid_channel_id");
    }
    for (const bad of [-1n, U64_MAX + 1n]) {
      expect(codeOf(() => encodeVoucher({ ...base, channel_id: bad }))).toBe("invalid_channel_id");
    }
    // A JS number is not accepted: above 2^53 it has already lost digits.
    expect(codeOf(() => encodeVoucher({ ...base, channel_id: 1 as unknown as string }))).toBe("invalid_channel_id");
  });

  it("amounts: u128, bigint or canonical decimal string", () => {
    expect(parseAmount("0")).toBe(0n);
    expect(parseAmount(U128_MAX.toString())).toBe(U128_MAX);
    expect(bytesToHex(encodeVoucher({ ...base, cumulative: "0" })).endsWith("00".repeat(16))).toBe(true);
    for (const bad of [(U128_MAX + 1n).toString(), "-5", "007", "1_000", "1,000", "", "9".repeat(100)]) {
      expect(codeOf(() => encodeVoucher({ ...base, cumulative: bad })), bad).toBe("invalid_amount");
    }
    for (const bad of [-1n, U128_MAX + 1n]) {
      expect(codeOf(() => encodeVoucher({ ...base, cumulative: bad }))).toBe("invalid_amount");
    }
    expect(codeOf(() => encodeVoucher({ ...base, cumulative: 5 as unknown as string }))).toBe("invalid_amount");
  });

  it("string fields: up to 65,535 UTF-8 bytes each; longer is field_too_long (Rust FieldTooLong)", () => {
    for (const field of ["chain_id", "token", "payee"] as const) {
      const atMax = { ...base, [field]: "a".repeat(65_535) };
      const enc = encodeVoucher(atMax);
      expect(enc.length).toBe(encodeVoucher(base).length - base[field].length + 65_535);
      expect(codeOf(() => encodeVoucher({ ...base, [field]: "a".repeat(65_536) }))).toBe("field_too_long");
      // Bytes, not UTF-16 units: 21,846 three-byte characters are 65,538 bytes.
      expect(codeOf(() => encodeVoucher({ ...base, [field]: "€".repeat(21_846) }))).toBe("field_too_long");
      expect(encodeVoucher({ ...base, [field]: "€".repeat(21_845) }).length).toBe(enc.length);
      expect(codeOf(() => signVoucher({ ...base, [field]: "a".repeat(65_536) }, "11".repeat(32), "secp256k1"))).toBe("field_too_long");
      // A lone surrogate cannot be in a Rust String (nor in JSON the chain accepts).
      expect(codeOf(() => encodeVoucher({ ...base, [field]: "a\ud800b" }))).toBe("invalid_string");
      expect(codeOf(() => encodeVoucher({ ...base, [field]: 7 as unknown as string }))).toBe("invalid_string");
    }
    // A surrogate pair is a character: 4 UTF-8 bytes.
    const withEmoji = encodeVoucher({ ...base, chain_id: "😀" });
    expect(bytesToHex(withEmoji.subarray(19, 25))).toBe("0004f09f9880");
    // field_too_long comes after a valid signature length and key shape, as in Rust verify.
    const v = vectors[0]!;
    expect(codeOf(() => verifyVoucher({ ...v.voucher, payee: "a".repeat(70_000) }, v.signature, v.signer))).toBe("field_too_long");
  });

  it("the empty voucher encodes: domain, three empty strings, zeros", () => {
    const enc = encodeVoucher({ chain_id: "", token: "", channel_id: 0n, payee: "", cumulative: 0n });
    expect(bytesToHex(enc)).toBe(bytesToHex(new TextEncoder().encode("farthing-voucher/v1")) + "0000" + "0000" + "00".repeat(8) + "0000" + "00".repeat(16));
  });

  it("secrets: 32 bytes, and for secp256k1 a scalar in 1..n-1 (invalid_key, as Rust)", () => {
    const n = secp256k1.Point.CURVE().n;
    for (const bad of ["00".repeat(32), n.toString(16), "ff".repeat(32)]) {
      expect(codeOf(() => publicKey(bad, "secp256k1"))).toBe("invalid_key");
      expect(codeOf(() => signVoucher(base, bad, "secp256k1"))).toBe("invalid_key");
    }
    // Any 32 bytes are an ed25519 seed, zeros included.
    expect(publicKey("00".repeat(32), "ed25519")).toHaveLength(32);
    for (const kt of ["secp256k1", "ed25519"] as const) {
      expect(codeOf(() => publicKey("11".repeat(31), kt))).toBe("invalid_key");
      expect(codeOf(() => publicKey("xy".repeat(32), kt))).toBe("invalid_key");
      expect(codeOf(() => signVoucher(base, new Uint8Array(33), kt))).toBe("invalid_key");
    }
    expect(codeOf(() => publicKey("11".repeat(32), "rsa" as KeyType))).toBe("invalid_key_type");
    expect(codeOf(() => signerKey("11".repeat(32), "rsa" as KeyType))).toBe("invalid_key_type");
  });

  it("publicKey gives 33-byte compressed secp256k1 keys and 32-byte ed25519 keys", () => {
    expect(bytesToHex(publicKey("11".repeat(32), "secp256k1"))).toBe("034f355bdcb7cc0af728ef3cceb9615d90684bb5b2ca5f859ab0f0b704075871aa");
    expect(bytesToHex(publicKey("22".repeat(32), "ed25519"))).toBe("a09aa5f47a6759802ff955f8dc2d2a14a5c99d23be97f864127ff9383455a4f0");
    expect(parseSignerKey({ ed25519: "A09AA5F47A6759802FF955F8DC2D2A14A5C99D23BE97F864127FF9383455A4F0" })).toEqual({
      keyType: "ed25519",
      publicKey: hexToBytes("a09aa5f47a6759802ff955f8dc2d2a14a5c99d23be97f864127ff9383455a4f0"),
    });
  });
});
