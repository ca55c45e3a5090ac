import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../src/backend/index.js";
import { MemoryWriter } from "../../src/tensorboard/index.js";
import { trainLoop } from "../../src/train/loop.js";
import { expectExactResume, points, uninterrupted } from "../helpers/resume-run.js";
import { tinyConfig, tinyDataset } from "../helpers/tiny-run.js";

beforeAll(async () => {
  await selectBackend("wasm");
});

type Config = ReturnType<typeof tinyConfig>;

describe("checkpoint and exact resume", () => {
  const cases: Array<[string, Config]> = [
    ["vae", tinyConfig({ train: { epochs: 3 } })],
    [
      "vaegan with gating",
      tinyConfig({
        model: { variant: "vaegan", recon: "feature" },
        adversarial: { gating: { enabled: true, equilibrium: 0.68, margin: 0.05 } },
        train: { epochs: 2 },
      }),
    ],
    ["aae", tinyConfig({ model: { variant: "aae", recon: "mse" }, train: { epochs: 2 } })],
    ["aae with separate updates", tinyConfig({ model: { variant: "aae", recon: "mse" }, adversarial: { aaeUpdates: "separate" }, train: { epochs: 2 } })],
    // The ratio weight's running means are state outside the networks and optimizers (Variant.state).
    [
      "vae+gan with the ratio weight",
      tinyConfig({
        model: { variant: "vae+gan", recon: "mse" },
        adversarial: { balance: { mode: "ratio", ratio: 0.1, decay: 0.5, max: 1e4 } },
        train: { epochs: 2 },
      }),
    ],
    // A learned σ is a weight of the decoder in every variant, so the decoder's checkpoint carries it.
    ["aae with a learned-σ Gaussian likelihood", tinyConfig({ model: { variant: "aae", recon: "gaussian", scale: "learned" }, train: { epochs: 2 } })],
    [
      "vaegan with the ratio weight, a warm-up and a spectrally normalised D",
      tinyConfig({
        model: { variant: "vaegan", recon: "feature", discriminator: { type: "mlp", hidden: [64, 32], spectralNorm: true } as never },
        adversarial: { balance: { mode: "ratio", ratio: 0.5, decay: 0.99, max: 1e4 }, start: 3 },
        train: { epochs: 2 },
      }),
    ],
  ];
  for (const [name, config] of cases) {
    it(`${name}: interrupted mid-epoch and resumed gives bit-identical losses`, async () => {
      const reference = await uninterrupted(config);
      // Step 6 of 8 in epoch 1.
      await expectExactResume(config, reference, 6, 8);
    });
  }

  it("a finished run extended with more epochs continues exactly", async () => {
    const reference = await uninterrupted(tinyConfig({ train: { epochs: 3 } }));
    const dir = mkdtempSync(join(tmpdir(), "aelab-resume-"));
    const dataset = await tinyDataset();
    await trainLoop({ config: tinyConfig({ train: { epochs: 2 } }), dataset, writer: new MemoryWriter(), checkpointDir: dir });
    const after = new MemoryWriter();
    const result = await trainLoop({ config: tinyConfig({ train: { epochs: 3 } }), dataset, writer: after, checkpointDir: dir, resume: true });
    expect(result.epochs.map((e) => e.epoch)).toEqual([3]);
    const third = (_tag: string, step: number) => step > 16;
    expect(points(after, third)).toEqual(points(reference, third));
  });
});
