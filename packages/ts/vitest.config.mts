import { resolve } from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  // Examples import the SDK by its package name, as a dApp does.
  resolve: { alias: { "@farthing/sdk": resolve(__dirname, "src/index.ts") } },
  test: {
    include: ["test/**/*.test.ts"],
    // The simulator compiles each wasm once per file; the VM tests take a few seconds each.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
