import { defineConfig } from "vitest/config";

// The WebGPU suite (npm run test:webgpu): needs a Vulkan driver Dawn accepts, e.g. from
// scripts/lavapipe.sh (`eval "$(scripts/lavapipe.sh)"` first) or a GPU's own. .ci/run runs it.
export default defineConfig({
  test: {
    include: ["tests/webgpu/**/*.test.ts"],
    globalSetup: ["tests/global-setup.ts"],
    // Plain-JavaScript cpu runs of the conv configs are the slow part.
    testTimeout: 600_000,
    hookTimeout: 120_000,
    pool: "forks",
    // One file at a time: a software Vulkan driver already uses every core.
    fileParallelism: false,
  },
});
