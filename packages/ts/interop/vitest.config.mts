import { resolve } from "node:path";
import { defineConfig } from "vitest/config";

// The cross-language test: run by packages/gateway/tests/interop.rs, which starts the Rust
// gateway on a devnode and passes its addresses in the environment. Not part of `npm test`.
export default defineConfig({
  resolve: { alias: { "@farthing/sdk": resolve(__dirname, "../src/index.ts") } },
  test: {
    root: resolve(__dirname, ".."),
    include: ["interop/**/*.interop.ts"],
    testTimeout: 120_000,
  },
});
