#!/usr/bin/env node
// Generates the typed clients in src/generated/ from the committed schema (../../schema),
// with @cosmwasm/ts-codegen's programmatic API (it never prompts; the version is pinned in
// package.json). Before generating, it lints the schema so the generated types stay
// pleasant: every enum variant documented (schemars merges undocumented variants, and the
// unions come out nested), no tuples (positional arrays in TS), and no 64-bit number that
// JSON.parse would round (Farthing's u64s travel as strings; only cw20's
// `Expiration.at_height` is a number, as cw20 defines it).
//
//   node scripts/codegen.mjs          regenerate src/generated/
//   node scripts/codegen.mjs --check  fail if src/generated/ differs from a fresh generation
import { createRequire } from "node:module";
import { cpSync, existsSync, mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

// ts-codegen writes a different header under NODE_ENV=test (test runners set it), so the
// output, and the gate, must not depend on the caller's NODE_ENV.
delete process.env.NODE_ENV;

const require = createRequire(import.meta.url);
const codegen = require("@cosmwasm/ts-codegen").default;

const here = dirname(fileURLToPath(import.meta.url));
const pkg = resolve(here, "..");
// FARTHING_SCHEMA_DIR: another schema folder (the gate's own test uses a modified copy).
const schemaRoot = resolve(process.env.FARTHING_SCHEMA_DIR ?? resolve(pkg, "../../schema"));
const outDir = join(pkg, "src/generated");
const check = process.argv.includes("--check");

// Each contract's API file, and the escrow's cw20 hook message (raw/receive_msg.json: the
// `msg` of a token's `Send` to the escrow, which the API file has no slot for).
const contracts = [
  { name: "KycRegistry", schema: "kyc-registry" },
  { name: "MicropayToken", schema: "micropay-token" },
  { name: "RoyaltyEscrow", schema: "royalty-escrow" },
];
const hooks = [{ name: "RoyaltyEscrowHook", file: "royalty-escrow/raw/receive_msg.json" }];

function lint(file, json) {
  const problems = [];
  const walk = (node, path) => {
    if (Array.isArray(node)) {
      node.forEach((v, i) => walk(v, `${path}[${i}]`));
      return;
    }
    if (!node || typeof node !== "object") return;
    if (Array.isArray(node.oneOf)) {
      node.oneOf.forEach((v, i) => {
        if (!v.description) {
          const name = (v.required ?? v.enum ?? []).join(", ");
          problems.push(`${path}/oneOf[${i}] (${name}): variant without a doc comment`);
        }
      });
    }
    if (node.type === "array" && Array.isArray(node.items)) {
      problems.push(`${path}: a tuple (use a struct with named fields)`);
    }
    if ((node.format === "uint64" || node.format === "int64") && !path.endsWith("/at_height")) {
      problems.push(`${path}: a 64-bit JSON number (use Uint64, a string)`);
    }
    for (const [k, v] of Object.entries(node)) walk(v, `${path}/${k}`);
  };
  walk(json, "");
  return problems.map((p) => `${file}: ${p}`);
}

const schemaFiles = [
  ...contracts.map((c) => join(schemaRoot, c.schema, `${c.schema}.json`)),
  ...hooks.map((h) => join(schemaRoot, h.file)),
];
const problems = schemaFiles.flatMap((file) =>
  lint(relative(pkg, file), JSON.parse(readFileSync(file, "utf8"))),
);
if (problems.length) {
  console.error(`error: the schema needs polish before clients are generated:\n  ${problems.join("\n  ")}`);
  process.exit(1);
}

// ts-codegen reads a directory: the API file for a contract, or a single schema file for
// the hook (its legacy single-file mode, types only).
const work = mkdtempSync(join(tmpdir(), "farthing-codegen-"));
const target = check ? join(work, "out") : outDir;
const hookDirs = hooks.map((h) => {
  const dir = join(work, h.name);
  mkdirSync(dir);
  cpSync(join(schemaRoot, h.file), join(dir, "receive_msg.json"));
  return { name: h.name, dir };
});

const warn = console.warn;
console.warn = (...args) => {
  // The single-file mode of the hook is intended; keep the rest of ts-codegen's warnings.
  if (String(args[0]).startsWith("Found a single schema file with missing idl_version")) return;
  warn(...args);
};
const log = console.log;
console.log = () => {}; // ts-codegen prints a banner per file

try {
  if (!check) rmSync(outDir, { recursive: true, force: true });
  await codegen({
    contracts: contracts.map((c) => ({ name: c.name, dir: join(schemaRoot, c.schema) })),
    outPath: target,
    options: {
      bundle: { enabled: false },
      types: { enabled: true, aliasExecuteMsg: false },
      client: { enabled: true },
      messageComposer: { enabled: true },
      reactQuery: { enabled: false },
      recoil: { enabled: false },
      useContractsHook: { enabled: false },
    },
  });
  await codegen({
    contracts: hookDirs,
    outPath: target,
    options: {
      bundle: { enabled: false },
      types: { enabled: true },
      client: { enabled: false },
      messageComposer: { enabled: false },
    },
  });
} finally {
  console.warn = warn;
  console.log = log;
}

if (check) {
  const fresh = list(target);
  const committed = list(outDir);
  const stale = [...new Set([...fresh, ...committed])].filter((f) => {
    const a = join(target, f);
    const b = join(outDir, f);
    return !existsSync(a) || !existsSync(b) || readFileSync(a, "utf8") !== readFileSync(b, "utf8");
  });
  rmSync(work, { recursive: true, force: true });
  if (stale.length) {
    console.error(
      `error: packages/ts/src/generated is stale (${stale.join(", ")}): ` +
        "run `npm run codegen` in packages/ts and commit the result",
    );
    process.exit(1);
  }
  console.log(`src/generated is up to date (${fresh.length} files)`);
} else {
  rmSync(work, { recursive: true, force: true });
  console.log(`generated ${list(outDir).length} files in ${relative(pkg, outDir)}`);
}

function list(dir) {
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}
