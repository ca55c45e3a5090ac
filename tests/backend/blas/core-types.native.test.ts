import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ADDON_PATH } from "../../../src/backend/blas/addon.js";

// OpenBLAS picks its kernels for the CPU it finds, unless OPENBLAS_CORETYPE names a core: some machines of
// one kind set OPENBLAS_CORETYPE=Haswell (AVX2 kernels), others leave it unset (AVX-512 here), and CI
// inherits whichever the machine has. The native-kernel tests and the determinism tests run again here in
// child processes, once per core type and per OpenBLAS build (pthreads, OpenMP), so that an assertion that
// holds for one set of kernels only cannot land. The variable is set in those children only.

/** The main suite's tests that state a determinism guarantee (README, "Determinism"). */
const DETERMINISM_FILES = [
  "tests/train/loop.test.ts", // same seed, same losses, bit for bit
  "tests/train/thread-count.test.ts", // 1 or 2 BLAS threads, bit for bit
  "tests/report/workers.test.ts", // a report measured by 1-thread workers, digit for digit
  "tests/train/resume.test.ts", // interrupted and resumed, bit for bit
  "tests/train/checkpoint.test.ts",
  "tests/train/adversarial.test.ts",
  "tests/train/likelihoods.test.ts",
  "tests/models/adversarial-weight.test.ts", // a GAN before its warm-up ends: its plain twin, bit for bit
  "tests/models/adversarial-variants.test.ts",
  "tests/metrics/classifier.test.ts", // another batch size: within 1e-5
];

const SELF = "tests/backend/blas/core-types.native.test.ts";
const NATIVE_FILES = readdirSync("tests", { recursive: true, encoding: "utf8" })
  .filter((f) => f.endsWith(".native.test.ts"))
  .map((f) => join("tests", f))
  .filter((f) => f !== SELF);

/** Debian's OpenMP build of OpenBLAS, loaded in place of the default (pthreads) one by the library path. */
const OPENMP_DIR = "/usr/lib/x86_64-linux-gnu/openblas-openmp";
const BUILDS = [
  { name: "pthreads", env: {} },
  { name: "openmp", env: { LD_LIBRARY_PATH: [OPENMP_DIR, process.env.LD_LIBRARY_PATH].filter(Boolean).join(":") } },
] as const;

/** This process's environment without vitest's own variables (a child vitest starts afresh) or OpenBLAS's. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith("VITEST") && !key.startsWith("OPENBLAS_") && key !== "NODE_ENV" && key !== "TEST") env[key] = value;
  }
  return { ...env, ...extra };
}

/** What the addon reports of the BLAS it loaded, in a child with this environment. */
function blasIn(env: NodeJS.ProcessEnv): { core: string; parallel: string } {
  const script = `const a = require(${JSON.stringify(ADDON_PATH)}); const i = a.blasInfo(); console.log(JSON.stringify({ core: i.core, parallel: i.parallel }));`;
  const child = spawnSync(process.execPath, ["-e", script], { env, encoding: "utf8" });
  expect(child.status, child.stderr).toBe(0);
  return JSON.parse(child.stdout) as { core: string; parallel: string };
}

/** The core OpenBLAS picks on this CPU when nothing is forced, and Haswell's AVX2 kernels. */
function coreTypes(): string[] {
  const found = blasIn(childEnv({})).core;
  return [...new Set([found, "Haswell"])];
}

describe("the native-kernel and determinism tests on every OpenBLAS core type and build", () => {
  it("has files to run, and Debian's OpenMP build of OpenBLAS beside the default one (apt-get install libopenblas0-openmp)", () => {
    expect(NATIVE_FILES.length).toBeGreaterThan(5);
    for (const file of DETERMINISM_FILES) expect(existsSync(file), file).toBe(true);
    expect(existsSync(join(OPENMP_DIR, "libopenblas.so.0")), `${OPENMP_DIR}/libopenblas.so.0`).toBe(true);
  });

  for (const build of BUILDS) {
    for (const core of coreTypes()) {
      it(`${build.name} build, ${core} kernels`, () => {
        const env = childEnv({ ...build.env, OPENBLAS_CORETYPE: core });
        // The child really runs what it is said to run: an ignored variable would make this test vacuous.
        expect(blasIn(env)).toEqual({ core, parallel: build.name });
        const child = spawnSync(
          process.execPath,
          ["node_modules/vitest/vitest.mjs", "run", "--project", "native", "--project", "main", "--reporter=dot", ...NATIVE_FILES, ...DETERMINISM_FILES],
          { env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
        );
        // biome-ignore lint/suspicious/noControlCharactersInRegex: strips the terminal colour codes of vitest's output
        const output = `${child.stdout}${child.stderr}`.replace(/\x1b\[[0-9;]*m/g, "");
        expect(child.status, output.slice(-6000)).toBe(0);
        expect(output).toMatch(/Tests\s+\d+ passed/);
        expect(output).not.toMatch(/\d+ (failed|skipped)/);
      }, 900_000);
    }
  }
});
