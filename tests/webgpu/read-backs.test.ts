import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { selectBackend } from "../../src/backend/index.js";
import { MemoryWriter } from "../../src/tensorboard/index.js";
import { trainLoop } from "../../src/train/loop.js";
import { silentProgress, type Progress } from "../../src/train/progress.js";
import { tinyConfig, tinyDataset } from "../helpers/tiny-run.js";

interface Reader {
  read(dataId: object): Promise<unknown>;
}

/**
 * Trains and counts the backend's read-backs between one step's progress report and the next: a step
 * that does not log must not wait for the device.
 */
async function readsPerStep(config: ReturnType<typeof tinyConfig>): Promise<Array<{ logged: boolean; reads: number }>> {
  await selectBackend("webgpu");
  const backend = tf.engine().backend as unknown as Reader;
  const original = backend.read;
  let reads = 0;
  backend.read = function (dataId) {
    reads++;
    return original.call(this, dataId);
  };
  const steps: Array<{ logged: boolean; reads: number }> = [];
  const progress: Progress = {
    ...silentProgress,
    epochStart: () => {
      reads = 0;
    },
    step: (_, values) => {
      steps.push({ logged: values !== undefined, reads });
      reads = 0;
    },
  };
  try {
    await trainLoop({ config, dataset: await tinyDataset(), writer: new MemoryWriter(), progress });
  } finally {
    backend.read = original;
  }
  return steps;
}

describe("a training step on webgpu does not wait for the device except at logging steps", () => {
  const cases: Array<[string, ReturnType<typeof tinyConfig>]> = [
    ["vae", tinyConfig({ train: { epochs: 1 }, log: { every: 4 } })],
    // The adaptive weight's gradient norms and lambda stay on the device too.
    [
      "vae+gan with the adaptive weight",
      tinyConfig({
        model: { variant: "vae+gan", recon: "mse" },
        adversarial: { balance: { mode: "adaptive", max: 1e4 } } as never,
        train: { epochs: 1 },
        log: { every: 4 },
      }),
    ],
  ];
  for (const [name, config] of cases) {
    it(name, async () => {
      const steps = await readsPerStep(config);
      expect(steps.filter((s) => !s.logged).length).toBeGreaterThan(4);
      expect(steps.filter((s) => !s.logged).map((s) => s.reads)).toEqual(steps.filter((s) => !s.logged).map(() => 0));
      // The logging steps do read (the loss sums), so the counter sees read-backs at all.
      expect(steps.filter((s) => s.logged).every((s) => s.reads > 0)).toBe(true);
    });
  }
});
