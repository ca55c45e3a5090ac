import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/index.js";
import { readRecord, runTraining } from "../../src/train/run.js";
import { loggedScalars } from "../helpers/logged-scalars.js";
import { scalarAgreement } from "../../src/tensorboard/index.js";

// Every shipped config (MLP and conv; AE, VAE, AAE, VAE-GAN, pixel GANs; every likelihood) trains a few
// steps from the same seed on the cpu backend (plain JavaScript, the reference) and on webgpu, and
// every scalar either logs (train losses, gradient norms, diagnostics, test metrics at steps 0 and 4)
// must agree to a relative 1e-4. Plus 1e-6 absolute: a KL near the prior, 0.5(exp(lv) - 1 - lv) with
// lv ~ 0.01, cancels to ~1e-4 nats in float32 and keeps only 3-4 significant digits on any backend
// (the two differ there by up to 2e-4 relative, 4e-8 absolute); every loss that matters is O(1) or more.
const TOLERANCE = 1e-4;
const FLOOR = 1e-6;
// The colour conv VAE (a 64-dimensional code, 3,072 outputs per image, leaky ReLUs): its forward pass and first
// gradients agree to TOLERANCE like every config's, but after the first Adam updates the backends drift apart
// faster (Adam's first steps normalise each gradient element, so an element at float32 noise level on both
// backends moves its weight by about ±lr either way): after 3 updates its encoder's gradient norm agreed to
// 6.7e-4 relative and its per-dimension KLs (~2e-4 nats, most dimensions at the prior) to 2e-6 absolute.
// Steps 0 and 1 keep the common tolerance; later steps get this one.
const AFTER_FIRST_UPDATE: Record<string, { tolerance: number; floor: number }> = { "conv-vae-colour.yaml": { tolerance: 1e-3, floor: 1e-5 } };
const BUDGET = ["train.epochs=1", "train.batchSize=32", "data.trainLimit=128", "data.testLimit=32", "log.every=1", "log.images=8", "log.nllSamples=0"];

const configs = readdirSync("configs")
  .filter((f) => f.endsWith(".yaml"))
  .sort();

async function train(file: string, backend: "cpu" | "webgpu") {
  const logdir = mkdtempSync(join(tmpdir(), `aelab-webgpu-${backend}-`));
  const config = loadConfig(join("configs", file), BUDGET);
  const outcome = await runTraining({ config, configFile: join("configs", file), logdir, backend });
  return { outcome, scalars: loggedScalars(outcome.dir), record: readRecord(outcome.dir) };
}

describe("every shipped config: the same losses on webgpu as on cpu", () => {
  for (const file of configs) {
    it(file, async () => {
      const cpu = await train(file, "cpu");
      const gpu = await train(file, "webgpu");
      expect(gpu.outcome.result.steps).toBe(4);
      expect((gpu.record.backend as { name: string }).name).toBe("webgpu");
      expect(cpu.scalars.size).toBeGreaterThan(10);
      const loose = AFTER_FIRST_UPDATE[file];
      const updated = (key: string) => loose !== undefined && Number(key.slice(key.lastIndexOf("@") + 1)) > 1;
      const part = (scalars: Map<string, number>, later: boolean) => new Map([...scalars].filter(([key]) => updated(key) === later));
      const { worst, differing, missing } = scalarAgreement(part(cpu.scalars, false), part(gpu.scalars, false), TOLERANCE, FLOOR);
      const after = scalarAgreement(part(cpu.scalars, true), part(gpu.scalars, true), loose?.tolerance ?? TOLERANCE, loose?.floor ?? FLOOR);
      console.info(`${file}: ${cpu.scalars.size} scalars, largest relative difference ${Math.max(worst, after.worst).toExponential(2)}`);
      expect([...missing, ...after.missing]).toEqual([]);
      expect([...differing, ...after.differing]).toEqual([]);
    });
  }
});
