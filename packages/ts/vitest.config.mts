import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The simulator compiles each wasm once per file; the VM tests take a few seconds each.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
