import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { selectBackend } from "../../src/backend/index.js";
import { loadRun } from "../../src/train/load-run.js";
import { readRecord, runTraining } from "../../src/train/run.js";
import { loadConfig } from "../../src/config/index.js";
import { expectExactResume, points, uninterrupted } from "../helpers/resume-run.js";
import { tinyConfig, tinyDataset } from "../helpers/tiny-run.js";

type Config = ReturnType<typeof tinyConfig>;

describe("determinism and resume on webgpu", () => {
  const cases: Array<[string, Config]> = [
    ["vae", tinyConfig({ train: { epochs: 2, batchSize: 64 } })],
    // Gating reads its signals back within the step: the one read-back a step has.
    [
      "vaegan with gating",
      tinyConfig({
        model: { variant: "vaegan", recon: "feature" },
        adversarial: { gating: { enabled: true, equilibrium: 0.68, margin: 0.05 } },
        train: { epochs: 2 },
      }),
    ],
    // Conv networks, a spectrally normalised patch discriminator, the adaptive weight after a warm-up.
    [
      "conv vae+gan (patch D, adaptive weight)",
      loadConfig("configs/conv-vae-mse+patchgan.yaml", ["train.epochs=1", "train.batchSize=64", "adversarial.start=2", "log.every=2", "log.images=8"]),
    ],
  ];
  for (const [name, config] of cases) {
    it(`${name}: the same seed gives the same losses bit for bit, and a run interrupted mid-epoch resumes to them`, async () => {
      await selectBackend("webgpu");
      const reference = await uninterrupted(config);
      expect(points(await uninterrupted(config))).toEqual(points(reference));
      // Step 4 of 8 in epoch 1.
      await expectExactResume(config, reference, 4, 8);
    });
  }
});

describe("a checkpoint written on webgpu", () => {
  it("loads on wasm and reconstructs the same to 1e-5", async () => {
    const logdir = mkdtempSync(join(tmpdir(), "aelab-webgpu-ckpt-"));
    const config = loadConfig("configs/conv-vae-bce.yaml", ["train.epochs=1", "data.trainLimit=128", "data.testLimit=32", "train.batchSize=32"]);
    const outcome = await runTraining({ config, configFile: "configs/conv-vae-bce.yaml", logdir, backend: "webgpu" });
    expect((readRecord(outcome.dir).backend as { name: string }).name).toBe("webgpu");
    const x = (await tinyDataset()).test.images.slice(0, 16 * 784);
    const reconstruct = async () => {
      const run = await loadRun(outcome.dir);
      const input = tf.tensor4d(x, [16, 28, 28, 1]);
      const y = tf.tidy(() => tf.sigmoid(run.variant.reconstructLogits(input)));
      const values = (await y.data()) as Float32Array;
      tf.dispose([input, y]);
      run.variant.dispose();
      return values;
    };
    const onGpu = await reconstruct();
    await selectBackend("wasm");
    const onWasm = await reconstruct();
    let worst = 0;
    onGpu.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - onWasm[i]))));
    expect(onGpu.length).toBe(16 * 784);
    expect(worst).toBeLessThan(1e-5);
  });
});
