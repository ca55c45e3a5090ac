import { defineConfig } from "vitest/config";
import { FILE_SUITES } from "./tests/suites.js";

// One project per suite (tests/suites.ts): `npm test` runs "main", which needs only Node and npm; the
// others need a system package and run with `npm run test:<name>`. The WebGPU suite has its own config.
const suiteFiles = (suite: string) => `tests/**/*.${suite}.test.ts`;

export default defineConfig({
  test: {
    globalSetup: ["tests/global-setup.ts"],
    // Training tests run real (small) networks on the wasm backend; two cores make them slow, not flaky.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    projects: [
      {
        extends: true,
        test: {
          name: "main",
          include: ["tests/**/*.test.ts"],
          exclude: ["tests/webgpu/**", "**/node_modules/**", ...FILE_SUITES.map(suiteFiles)],
        },
      },
      ...FILE_SUITES.map((suite) => ({ extends: true, test: { name: suite, include: [suiteFiles(suite)] } })),
    ],
  },
});
