import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    globalSetup: ["tests/global-setup.ts"],
    // Training tests run real (small) networks on the wasm backend; two cores make them slow, not flaky.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
