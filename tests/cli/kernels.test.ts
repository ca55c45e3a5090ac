import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { aelab, trainSmall } from "../helpers/kernels-cli.js";

const MISSING_ADDON = join(mkdtempSync(join(tmpdir(), "aelab-kernels-")), "no-such-build", "aelab_kernels.node");

describe("native kernels are optional", () => {
  it("trains on the wasm kernels when the addon is absent, and records why", () => {
    const kernels = trainSmall("fallback", { AELAB_NATIVE_ADDON: MISSING_ADDON });
    expect(kernels.native).toBe(false);
    expect(kernels.reason).toContain("was not built");
  });

  it("--kernels wasm turns them off", () => {
    const kernels = trainSmall("wasm", {}, "--kernels", "wasm");
    expect(kernels).toEqual({ native: false, reason: expect.stringContaining("wasm kernels were asked for") });
  });

  it("--kernels native without the addon fails in one line that says how to get it", () => {
    const run = aelab({ AELAB_NATIVE_ADDON: MISSING_ADDON }, "info", "--kernels", "native");
    expect(run.status).toBe(2);
    expect(run.stderr.split("\n")).toHaveLength(1);
    expect(run.stderr).toMatch(/^aelab: native kernels requested \(--kernels native\) but the native addon was not built .*libopenblas-dev/);
  });
});
