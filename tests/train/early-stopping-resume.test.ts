import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../src/backend/index.js";
import { MemoryWriter } from "../../src/tensorboard/index.js";
import { trainLoop, type TrainResult } from "../../src/train/loop.js";
import { tinyConfig, tinyDataset } from "../helpers/tiny-run.js";

beforeAll(async () => {
  await selectBackend("wasm");
});

/**
 * A tiny VAE with a validation split and early stopping. minDelta as large as the loss means only the
 * first judged epoch improves, so the stop falls at a known epoch while the networks keep learning.
 */
function config(epochs: number, patience: number) {
  const base = tinyConfig({ train: { epochs, earlyStopping: { patience, minDelta: 1e6, minRelativeDelta: 0, startFromEpoch: 0, restoreBestWeights: true } } });
  return { ...base, data: { ...base.data, validation: 0.1 } };
}
type Config = ReturnType<typeof config>;

const STEPS_PER_EPOCH = 8;

function points(writer: MemoryWriter, filter: (tag: string, step: number) => boolean = () => true): string[] {
  return writer.scalars
    .filter((s) => !s.tag.startsWith("perf/") && filter(s.tag, s.step))
    .map((s) => `${s.tag}@${s.step}=${s.value}`)
    .sort();
}

/** Epoch summaries without their timings, which differ from run to run. */
function epochs(result: TrainResult) {
  return result.epochs.map(({ trainSeconds: _t, imagesPerSecond: _i, ...rest }) => rest);
}

async function uninterrupted(c: Config): Promise<{ writer: MemoryWriter; result: TrainResult }> {
  const writer = new MemoryWriter();
  const result = await trainLoop({ config: c, dataset: await tinyDataset(), writer, checkpointDir: mkdtempSync(join(tmpdir(), "aelab-es-resume-")) });
  return { writer, result };
}

describe("resuming a run with early stopping", () => {
  // Stopped mid-epoch 2 (its wait counter is then 0, its best epoch 1) and at the end of epoch 2 (wait 1).
  for (const stopAt of [STEPS_PER_EPOCH + 4, 2 * STEPS_PER_EPOCH]) {
    it(`stops at the same epoch with the same losses and the same restored weights (interrupted after step ${stopAt})`, async () => {
      const reference = await uninterrupted(config(10, 2));
      expect(reference.result.convergence).toMatchObject({ converged: true, stoppedEpoch: 3, bestEpoch: 1, weightsEpoch: 1 });

      const dir = mkdtempSync(join(tmpdir(), "aelab-es-resume-"));
      const dataset = await tinyDataset();
      let steps = 0;
      const before = new MemoryWriter();
      const first = await trainLoop({ config: config(10, 2), dataset, writer: before, checkpointDir: dir, shouldStop: () => ++steps >= stopAt });
      expect(first.stopped).toBe(true);
      expect(first.convergence).toMatchObject({ converged: false, epochsRun: stopAt === 2 * STEPS_PER_EPOCH ? 2 : 1 });
      const after = new MemoryWriter();
      const second = await trainLoop({ config: config(10, 2), dataset, writer: after, checkpointDir: dir, resume: true });

      expect(second.convergence).toEqual(reference.result.convergence);
      // (An epoch resumed mid-way averages only its resumed steps' training losses, as without early stopping.)
      const judged = (result: TrainResult) => epochs(result).map(({ train: _train, ...rest }) => rest);
      expect(judged(second)).toEqual(judged(reference.result).filter((e) => e.epoch >= second.epochs[0].epoch));
      expect(second.epochs.map((e) => e.epoch)).toEqual(stopAt === 2 * STEPS_PER_EPOCH ? [3] : [2, 3]);
      const fullEpochs = (tag: string, step: number) => !tag.startsWith("test/") || step % STEPS_PER_EPOCH === 0;
      const resumedSide = (tag: string, step: number) => fullEpochs(tag, step) && step > stopAt;
      // Training curves stitch together exactly; validation and test points of whole epochs match the reference.
      expect(points(after, resumedSide)).toEqual(points(reference.writer, resumedSide));
      expect(points(after).some((p) => p.startsWith("validation/autoencoder/loss@24="))).toBe(true);
      expect(points(reference.writer).some((p) => p.includes(`@${4 * STEPS_PER_EPOCH}=`))).toBe(false);
    });
  }

  it("a run that stopped early does not train on when resumed, even with a higher cap", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aelab-es-resume-"));
    const dataset = await tinyDataset();
    const first = await trainLoop({ config: config(10, 1), dataset, writer: new MemoryWriter(), checkpointDir: dir });
    expect(first.convergence).toMatchObject({ converged: true, stoppedEpoch: 2 });
    const again = await trainLoop({ config: config(20, 1), dataset, writer: new MemoryWriter(), checkpointDir: dir, resume: true });
    expect(again.epochs).toEqual([]);
    expect(again.convergence).toMatchObject({ converged: true, stoppedEpoch: 2, bestEpoch: 1, weightsEpoch: 1, epochsRun: 2 });
  });

  it("a run that hit its cap with restored weights continues from its last weights when the cap is raised", async () => {
    const reference = await uninterrupted(config(4, 5));
    expect(reference.result.convergence).toMatchObject({ converged: false, bestEpoch: 1, weightsEpoch: 1, epochsRun: 4 });
    const dir = mkdtempSync(join(tmpdir(), "aelab-es-resume-"));
    const dataset = await tinyDataset();
    const first = await trainLoop({ config: config(2, 5), dataset, writer: new MemoryWriter(), checkpointDir: dir });
    expect(first.convergence).toMatchObject({ converged: false, bestEpoch: 1, weightsEpoch: 1, epochsRun: 2 });
    const after = new MemoryWriter();
    const second = await trainLoop({ config: config(4, 5), dataset, writer: after, checkpointDir: dir, resume: true });
    expect(epochs(second)).toEqual(epochs(reference.result).slice(2));
    expect(second.convergence).toEqual(reference.result.convergence);
    const later = (_: string, step: number) => step > 2 * STEPS_PER_EPOCH;
    expect(points(after, later)).toEqual(points(reference.writer, later));
  });
});
