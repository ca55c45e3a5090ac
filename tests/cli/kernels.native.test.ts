import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ADDON_PATH } from "../../src/backend/blas/addon.js";
import { aelab, trainSmall } from "../helpers/kernels-cli.js";

describe("native kernels, where the addon is built (npm run test:native)", () => {
  it("the addon is built here (CI installs libopenblas-dev before npm ci)", () => {
    expect(readFileSync(ADDON_PATH).length, `${ADDON_PATH} is missing: install libopenblas-dev, then npm run build:native`).toBeGreaterThan(0);
  });

  it("trains on the native kernels when they are built, and the run records the BLAS", () => {
    const kernels = trainSmall("native", {});
    expect(kernels.native).toBe(true);
    expect(kernels.blas).toMatch(/OpenBLAS|Accelerate/);
  });

  it("aelab info lists the native kernels, the BLAS and its threads", () => {
    const info = aelab({}, "info", "--threads", "1");
    expect(info.status).toBe(0);
    expect(info.stdout).toMatch(/kernels {3}native BLAS: OpenBLAS .*, 1 thread\(s\)/);
    expect(info.stdout).toMatch(/BatchMatMul: native/);
    const off = aelab({ AELAB_KERNELS: "wasm" }, "info");
    expect(off.stdout).toMatch(/kernels {3}wasm \(native kernels off/);
  });
});
