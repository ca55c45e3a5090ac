import * as tf from "@tensorflow/tfjs";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../src/backend/index.js";
import { MemoryWriter } from "../../src/tensorboard/index.js";
import { trainLoop, type TrainResult } from "../../src/train/loop.js";
import type { Observer } from "../../src/train/observers/observer.js";
import { tinyConfig, tinyDataset } from "../helpers/tiny-run.js";

beforeAll(async () => {
  await selectBackend("wasm");
});

const STEPS_PER_EPOCH = 8;

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "aelab-observers-"));
}

function position(dir: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(dir, "checkpoint", "state.json"), "utf8")).extra.position;
}

/** Every hook call as one line, in order. */
function recorder(): Observer & { calls: string[] } {
  const calls: string[] = [];
  return {
    name: "recorder",
    calls,
    setup: (ctx) => void calls.push(`setup ${ctx.stepsPerEpoch}`),
    onTrainStart: (e) => void calls.push(`start ${e.step} ${e.epoch} ${e.resumed}`),
    onEpochStart: (e) => void calls.push(`epochStart ${e.epoch} ${e.step}`),
    onStepEnd: (e) => void calls.push(`step ${e.step} ${e.stepInEpoch}${e.logs ? ` logs ${[...e.logs.keys()].join(",")}` : ""}`),
    onValidationEnd: (e) => void calls.push(`validationEnd ${e.epoch} ${e.step} ${e.validation ? "validation" : "none"}`),
    onEpochEnd: (e) => void calls.push(`epochEnd ${e.epoch} ${e.step} final=${e.final} interrupted=${e.interrupted}`),
    onTrainEnd: (e) => void calls.push(`end ${e.epochsRun} ${e.test ? "test" : "none"}`),
    close: () => void calls.push("close"),
  };
}

describe("observers", () => {
  it("are called in the loop's order, with the steps the scalars are logged at", async () => {
    const observer = recorder();
    const writer = new MemoryWriter();
    const config = tinyConfig({ train: { epochs: 2 }, log: { every: 3 } });
    const result = await trainLoop({ config, dataset: await tinyDataset(), writer, observers: [observer] });
    const calls = observer.calls;
    expect(calls.slice(0, 4)).toEqual(["setup 8", "validationEnd 0 0 none", "start 0 1 false", "epochStart 1 0"]);
    expect(calls.slice(-3)).toEqual(["epochEnd 2 16 final=true interrupted=false", "end 2 test", "close"]);
    expect(calls).toContain("validationEnd 1 8 none");
    expect(calls).toContain("epochEnd 1 8 final=false interrupted=false");
    // Logs every 3 steps and at each epoch's last step, exactly where train/* is written.
    const logged = calls.filter((c) => c.includes(" logs ")).map((c) => Number(c.split(" ")[1]));
    expect(logged).toEqual([3, 6, 8, 9, 12, 15, 16]);
    expect(writer.series("train/autoencoder/loss").map((s) => s.step)).toEqual(logged);
    expect(calls.filter((c) => c.startsWith("step ")).length).toBe(2 * STEPS_PER_EPOCH);
    expect(result.epochs.map((e) => e.epoch)).toEqual([1, 2]);
  });

  it("hand onEpochEnd the epoch as recorded and onStepEnd the means as written", async () => {
    const seen: string[] = [];
    const summaries: unknown[] = [];
    const observer: Observer = {
      name: "check",
      onStepEnd: (e, ctx) => {
        for (const [tag, mean] of e.logs ?? []) seen.push(`${/^(diagnostics|gating)\//.test(tag) ? tag : `train/${tag}`}@${e.step}=${mean}`);
        expect(ctx.stopRequested).toBe(false);
      },
      onEpochEnd: (e) => void summaries.push(e.summary),
    };
    const writer = new MemoryWriter();
    const result = await trainLoop({ config: tinyConfig({ train: { epochs: 2 } }), dataset: await tinyDataset(), writer, observers: [observer] });
    const written = writer.scalars.filter((s) => /^(train|diagnostics)\//.test(s.tag)).map((s) => `${s.tag}@${s.step}=${s.value}`);
    expect(seen).toEqual(written);
    expect(summaries).toEqual(result.epochs);
  });

  it("end training with the epoch a stop was asked in, evaluated and saved as the last one", async () => {
    const dir = tempDir();
    const writer = new MemoryWriter();
    const config = tinyConfig({ train: { epochs: 5 }, log: { imagesEvery: 10 } });
    // Binarized data: bce is then a density, so the last epoch's evaluation estimates test/nll.
    const binarized = { ...config, data: { ...config.data, binarize: "threshold" as const } };
    const stopInSecond: Observer = { name: "stop", onStepEnd: (e, ctx) => void (e.step === STEPS_PER_EPOCH + 3 && ctx.requestStop()) };
    const result = await trainLoop({ config: binarized, dataset: await tinyDataset(), writer, checkpointDir: dir, observers: [stopInSecond] });
    expect(result.stopped).toBe(false);
    expect(result.epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(writer.series("test/nll").map((s) => s.step)).toEqual([16]);
    expect(writer.loggedImages.filter((i) => i.tag === "images/reconstruction").map((i) => i.step)).toEqual([0, 16]);
    expect(position(dir)).toMatchObject({ epoch: 3, step: 16, restored: false });
  });

  it("train no epoch when a stop is asked before the first", async () => {
    const observer = recorder();
    const result = await trainLoop({
      config: tinyConfig(),
      dataset: await tinyDataset(),
      writer: new MemoryWriter(),
      observers: [{ name: "never", onTrainStart: (_e, ctx) => ctx.requestStop() }, observer],
    });
    expect(result.epochs).toEqual([]);
    expect(observer.calls.slice(-2)).toEqual(["end 0 none", "close"]);
  });

  it("keep their state in the checkpoint under their name, beside early stopping's, and get it back on resume", async () => {
    const dir = tempDir();
    const dataset = await tinyDataset();
    const config = tinyConfig({ train: { epochs: 2 } });
    const counter = (restored: unknown[]): Observer => {
      let steps = 0;
      return {
        name: "counter",
        onStepEnd: () => void steps++,
        state: {
          save: () => ({ steps }),
          restore: (saved) => {
            restored.push(saved);
            steps = (saved as { steps: number } | undefined)?.steps ?? 0;
          },
        },
      };
    };
    let polls = 0;
    const first = await trainLoop({
      config,
      dataset,
      writer: new MemoryWriter(),
      checkpointDir: dir,
      observers: [counter([])],
      shouldStop: () => ++polls >= 5,
    });
    expect(first.stopped).toBe(true);
    // The loop's own fields, then each stateful observer's state by name: early stopping's in every run.
    const saved = position(dir);
    expect(Object.keys(saved)).toEqual(["epoch", "batchesDone", "step", "noiseState", "signals", "earlyStopping", "counter"]);
    expect(saved).toMatchObject({
      epoch: 1,
      batchesDone: 5,
      step: 5,
      earlyStopping: { best: null, bestEpoch: null, wait: 0, stoppedEpoch: null },
      counter: { steps: 5 },
    });

    const restored: unknown[] = [];
    await trainLoop({ config, dataset, writer: new MemoryWriter(), checkpointDir: dir, resume: true, observers: [counter(restored)] });
    expect(restored).toEqual([{ steps: 5 }]);
    expect(position(dir)).toMatchObject({ epoch: 3, step: 16, counter: { steps: 16 }, restored: false });

    // A checkpoint written without an observer gives it undefined.
    const later: unknown[] = [];
    await trainLoop({
      config: tinyConfig({ train: { epochs: 3 } }),
      dataset,
      writer: new MemoryWriter(),
      checkpointDir: dir,
      resume: true,
      observers: [{ ...counter(later), name: "other" }],
    });
    expect(later).toEqual([undefined]);
  });

  it("refuse names a run cannot tell apart, and a second set of kept weights", async () => {
    const dataset = await tinyDataset();
    const run = (observers: Observer[]) => trainLoop({ config: tinyConfig({ train: { epochs: 1 } }), dataset, writer: new MemoryWriter(), observers });
    await expect(run([{ name: "images" }])).rejects.toThrow("two observers are named images");
    await expect(run([{ name: "step", state: { save: () => 1, restore: () => {} } }])).rejects.toThrow("its state would overwrite the checkpoint's step");
    const before = tf.memory().numTensors;
    const config = tinyConfig({
      train: { epochs: 1, earlyStopping: { patience: 1, minDelta: 0, minRelativeDelta: 0, startFromEpoch: 0, restoreBestWeights: true } },
    });
    const keeper: Observer = { name: "keeper", keptWeights: () => ({ checkpointModels: () => ({}), keptEpoch: () => null, restore: () => {} }) };
    await expect(trainLoop({ config, dataset, writer: new MemoryWriter(), observers: [keeper] })).rejects.toThrow(
      "observers earlyStopping and keeper both keep weights",
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it("are closed when training fails, and a failing close is reported only after a run that did not", async () => {
    const dataset = await tinyDataset();
    const poisoned = { ...dataset, train: { ...dataset.train, images: dataset.train.images.map((v, i) => (i === 5 ? Number.NaN : v)) } };
    const closed: string[] = [];
    const failing: Observer = {
      name: "failing",
      close: () => {
        closed.push("failing");
        throw new Error("close failed");
      },
    };
    await expect(
      trainLoop({ config: tinyConfig({ train: { epochs: 1 } }), dataset: poisoned, writer: new MemoryWriter(), observers: [failing] }),
    ).rejects.toThrow(/is NaN/);
    let result: TrainResult | undefined;
    await expect(
      trainLoop({
        config: tinyConfig({ train: { epochs: 1 } }),
        dataset,
        writer: new MemoryWriter(),
        observers: [failing, { name: "after", close: () => void closed.push("after") }],
      }).then((r) => (result = r)),
    ).rejects.toThrow("close failed");
    expect(result).toBeUndefined();
    expect(closed).toEqual(["failing", "failing", "after"]);
  });
});
