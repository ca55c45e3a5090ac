import { availableParallelism } from "node:os";
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
    // Two test files at a time even on 2 cores (vitest's default there is one): much of a test's time is
    // single-threaded JS and process start-up, so the main suite took 7.4 min this way against 17.5 min
    // one at a time on a 2-core AMD EPYC (docs/development.md). Results do not depend on it: the native
    // kernels give the same bits on any thread count, and every test writes under its own temp folder.
    maxWorkers: Math.max(2, availableParallelism() - 1),
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
