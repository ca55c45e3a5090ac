import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { intensityTv, registerIntensityTv, run, totalVariation } from "../../examples/custom-metric.js";
import { comparedMetric } from "../../src/metrics/registry.js";
import { zeroMetrics } from "../report/measured-run.js";

// The example's experiment shrunk on the command line only, as tests/report/beta-sweep-e2e.test.ts shrinks its file.
const TINY = [
  "train.epochs=1",
  "data.trainLimit=256",
  "data.testLimit=64",
  "model.encoder.hidden=[32]",
  "model.decoder.hidden=[32]",
  "model.latent.size=4",
  "log.images=8",
];

let outcome: Awaited<ReturnType<typeof run>>;

beforeAll(async () => {
  outcome = await run({ logdir: mkdtempSync(join(tmpdir(), "aelab-custom-metric-")), set: TINY, backend: "wasm" });
}, 600_000);

describe("examples/custom-metric.ts", () => {
  it("is the total variation of the normalised histograms, read from fields every run's record has", () => {
    expect(totalVariation([1, 1, 2], [2, 2, 4])).toBe(0);
    // [0.25, 0.25, 0.5] against [0.5, 0, 0.5]: half of |−0.25| + |0.25| + 0.
    expect(totalVariation([1, 1, 2], [1, 0, 1])).toBeCloseTo(0.25, 12);
    registerIntensityTv();
    registerIntensityTv();
    expect(comparedMetric("intensityTv")).toBe(intensityTv);
    const m = { ...zeroMetrics(), histogram: { edges: [0, 0.5, 1], output: [3, 1], target: [1, 1] } };
    expect(intensityTv.value(m)).toBeCloseTo(0.25, 12);
  });

  it("is compared by the experiment's claim, with a computed verdict, in the report written from this process", () => {
    const { report, row } = outcome;
    expect(report.groups.map((g) => g.name).sort()).toEqual(["bce", "mse"]);
    expect(row).toMatchObject({ claim: "T1", role: "evidence", metric: "intensity histogram total variation, outputs vs targets", sesoi: "±0.0200" });
    expect(["supported", "contradicted", "equivalent", "inconclusive"]).toContain(row.verdict);
    expect(row.test).toMatch(/^(paired t\(1\) = .*, Holm |no spread)/);
    const md = readFileSync(report.reportPath, "utf8");
    expect(md).toContain("intensity histogram total variation, outputs vs targets");
    expect(md.split("\n")[0]).toBe("# custom-metric: Does the Bernoulli likelihood keep the digits' intensity distribution better than the squared error?");
  });
});
