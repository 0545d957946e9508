// The staleness gate itself: CI runs `npm run codegen:check`; it must fail when a message
// changes and the clients are not regenerated, and refuse schema that would make poor types.
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const pkg = resolve(__dirname, "..");
const schema = resolve(pkg, "../../schema");
const temps: string[] = [];

function check(schemaDir?: string) {
  const r = spawnSync(process.execPath, ["scripts/codegen.mjs", "--check"], {
    cwd: pkg,
    env: { ...process.env, ...(schemaDir ? { FARTHING_SCHEMA_DIR: schemaDir } : {}) },
    encoding: "utf8",
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** A copy of the committed schema with `edit` applied to the token's API file. */
function tokenSchemaWith(edit: (idl: any) => void): string {
  const dir = mkdtempSync(join(tmpdir(), "farthing-schema-"));
  temps.push(dir);
  cpSync(schema, dir, { recursive: true });
  const file = join(dir, "micropay-token/micropay-token.json");
  const idl = JSON.parse(readFileSync(file, "utf8"));
  edit(idl);
  writeFileSync(file, JSON.stringify(idl, null, 2));
  return dir;
}

afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("the generated-code gate", () => {
  it("passes on the committed schema and clients", () => {
    const r = check();
    expect(r.out).toContain("src/generated is up to date (11 files)");
    expect(r.status).toBe(0);
  });

  it("fails when a message changed and the clients were not regenerated", () => {
    const dir = tokenSchemaWith((idl) => {
      const pay = idl.execute.oneOf.find((v: any) => v.required?.[0] === "pay");
      pay.properties.pay.properties.memo = { type: "string" };
    });
    const r = check(dir);
    expect(r.status).toBe(1);
    expect(r.out).toContain("packages/ts/src/generated is stale (MicropayToken.client.ts");
  });

  it("refuses an undocumented variant, a tuple and a u64 as a number", () => {
    const dir = tokenSchemaWith((idl) => {
      delete idl.execute.oneOf[0].description;
      idl.query.oneOf[0].properties.balance.properties.pair = {
        type: "array",
        items: [{ type: "string" }, { type: "string" }],
        maxItems: 2,
        minItems: 2,
      };
      idl.query.oneOf[0].properties.balance.properties.nonce = { type: "integer", format: "uint64" };
    });
    const r = check(dir);
    expect(r.status).toBe(1);
    expect(r.out).toContain("/execute/oneOf[0] (transfer): variant without a doc comment");
    expect(r.out).toContain("/balance/properties/pair: a tuple");
    expect(r.out).toContain("/balance/properties/nonce: a 64-bit JSON number");
  });
});
