import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

const lock = JSON.parse(readFileSync(resolve(__dirname, "../package-lock.json"), "utf8"));
const pkg = JSON.parse(readFileSync(resolve(__dirname, "../package.json"), "utf8"));

describe("the client stack", () => {
  it("is interchainjs, every package of it on one version", () => {
    const versions = new Map<string, string>();
    for (const [path, entry] of Object.entries<{ version?: string }>(lock.packages)) {
      const name = path.replace(/^.*node_modules\//, "");
      if (name === "interchainjs" || name.startsWith("@interchainjs/")) {
        versions.set(`${name} (${path})`, entry.version ?? "?");
      }
    }
    expect(versions.size).toBeGreaterThan(5);
    expect(new Set(versions.values())).toEqual(new Set([pkg.dependencies.interchainjs]));
  });

  it("pins ts-codegen and every dependency to an exact version", () => {
    expect(pkg.devDependencies["@cosmwasm/ts-codegen"]).toBe("1.14.1");
    for (const deps of [pkg.dependencies, pkg.devDependencies]) {
      for (const [name, version] of Object.entries<string>(deps)) {
        expect(version, name).toMatch(/^\d+\.\d+\.\d+$/);
      }
    }
  });

  it("has no cosmjs in the SDK's own dependencies (one stack)", () => {
    for (const name of Object.keys(pkg.dependencies)) expect(name).not.toMatch(/^@cosmjs\//);
  });
});
