import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    // The WebGPU suite needs a Vulkan driver: npm run test:webgpu (vitest.webgpu.config.ts), run by .ci/run.
    exclude: ["tests/webgpu/**", "**/node_modules/**"],
    globalSetup: ["tests/global-setup.ts"],
    // Training tests run real (small) networks on the wasm backend; two cores make them slow, not flaky.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
