import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

// Debian's dataset-fashion-mnist (npm run test:fashion-mnist; .ci/run installs it). The colour dataset is
// the generated shapes, as in the main suite's eval test; MNIST is in tests/cli/cli.test.ts.
const FASHION = "/usr/share/datasets/fashion-mnist";
const dir = mkdtempSync(join(tmpdir(), "aelab-eval-datasets-"));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function aelab(...args: string[]) {
  const run = spawnSync(process.execPath, ["bin/aelab.js", ...args], { encoding: "utf8", env: { ...process.env, CI: "true" } });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr.trim() };
}

describe("aelab eval --json reports every image and feature metric", () => {
  it("on Fashion-MNIST, in a feature network trained on its labels", () => {
    const logdir = join(dir, "fashion");
    const trained = aelab(
      "train",
      "configs/vae-mse.yaml",
      "--logdir",
      logdir,
      "--set",
      `data.source=${FASHION}`,
      "--set",
      "train.epochs=1",
      "--set",
      "data.trainLimit=512",
      "--set",
      "data.testLimit=200",
    );
    expect(trained.status, trained.stderr).toBe(0);
    const evaluated = aelab("eval", join(logdir, "vae-mse"), "--json");
    expect(evaluated.status, evaluated.stderr).toBe(0);
    const result = JSON.parse(evaluated.stdout);
    expect(result.features.featureSpace).toMatchObject({ objective: "classes", seed: 2 });
    expect(result.features.featureSpace.key).toMatch(/^fashion-mnist-28x28x1-n512-/);
    // Fashion-MNIST is harder than the digits: a 512-image network still beats chance (10%) by far.
    expect(result.features.featureSpace.testAccuracy).toBeGreaterThan(0.4);
    expectAllFinite(result);
    expect(result.images.msssimScales).toBe(2);
  });
});

describe("aelab eval --json on colour images", () => {
  it("on the generated shapes (32x32 RGB), every metric per channel", () => {
    const logdir = join(dir, "colour");
    const trained = aelab(
      "train",
      "configs/conv-vae-colour.yaml",
      "--logdir",
      logdir,
      "--set",
      "train.epochs=1",
      "--set",
      "data.trainLimit=256",
      "--set",
      "data.testLimit=100",
    );
    expect(trained.status, trained.stderr).toBe(0);
    const evaluated = aelab("eval", join(logdir, "conv-vae-colour"), "--json");
    expect(evaluated.status, evaluated.stderr).toBe(0);
    const result = JSON.parse(evaluated.stdout);
    expect(result.features.featureSpace.key).toMatch(/-32x32x3-n256-/);
    expectAllFinite(result);
  });
});

function expectAllFinite(result: {
  images: Record<string, number>;
  features: { reconstruction: Record<string, unknown>; samples?: Record<string, unknown> };
}): void {
  for (const [name, value] of Object.entries(result.images)) expect(Number.isFinite(value), name).toBe(true);
  for (const scores of [result.features.reconstruction, result.features.samples!]) {
    expect(Number.isFinite(scores.fid as number)).toBe(true);
    expect(Number.isFinite((scores.kid as { mean: number }).mean)).toBe(true);
    for (const share of [scores.precision, scores.recall] as number[]) expect(share >= 0 && share <= 1).toBe(true);
  }
}
