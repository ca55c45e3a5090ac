import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import type { RunConfig } from "../../src/config/schema.js";
import { MemoryWriter } from "../../src/tensorboard/index.js";
import { trainLoop } from "../../src/train/loop.js";
import { tinyDataset } from "./tiny-run.js";

/** Every logged value as `tag@step=value` (perf/* left out), sorted, for exact comparison. */
export function points(writer: MemoryWriter, keep: (tag: string, step: number) => boolean = () => true): string[] {
  return writer.scalars
    .filter((s) => !s.tag.startsWith("perf/") && keep(s.tag, s.step))
    .map((s) => `${s.tag}@${s.step}=${s.value}`)
    .sort();
}

/** Trains the tiny dataset from scratch with a checkpoint folder, as a run that is never interrupted. */
export async function uninterrupted(config: RunConfig): Promise<MemoryWriter> {
  const writer = new MemoryWriter();
  await trainLoop({ config, dataset: await tinyDataset(), writer, checkpointDir: mkdtempSync(join(tmpdir(), "aelab-resume-")) });
  return writer;
}

/** Stops after `stopAt` steps, then resumes from the checkpoint in a fresh loop (fresh networks and optimizers). */
export async function interruptedAndResumed(config: RunConfig, stopAt: number): Promise<{ before: MemoryWriter; after: MemoryWriter }> {
  const dir = mkdtempSync(join(tmpdir(), "aelab-resume-"));
  const dataset = await tinyDataset();
  let steps = 0;
  const before = new MemoryWriter();
  const first = await trainLoop({ config, dataset, writer: before, checkpointDir: dir, shouldStop: () => ++steps >= stopAt });
  expect(first.stopped).toBe(true);
  expect(first.steps).toBe(stopAt);
  const after = new MemoryWriter();
  const second = await trainLoop({ config, dataset, writer: after, checkpointDir: dir, resume: true });
  expect(second.stopped).toBe(false);
  return { before, after };
}

/**
 * A run stopped after `stopAt` steps (a logging boundary, so the interval means line up) and resumed
 * logs what the uninterrupted `reference` logged, bit for bit: every training scalar, and the test
 * split at each epoch's end (`stepsPerEpoch`; the stopped run adds one evaluation of its own).
 */
export async function expectExactResume(config: RunConfig, reference: MemoryWriter, stopAt: number, stepsPerEpoch: number): Promise<void> {
  const { before, after } = await interruptedAndResumed(config, stopAt);
  const trainTags = (tag: string) => tag.startsWith("train/") || tag.startsWith("diagnostics/") || tag.startsWith("gating/");
  expect([...points(before, trainTags), ...points(after, trainTags)].sort()).toEqual(points(reference, trainTags));
  const epochEnds = (tag: string, step: number) => tag.startsWith("test/") && step % stepsPerEpoch === 0 && step > 0;
  expect(points(after, epochEnds)).toEqual(points(reference, epochEnds));
  expect(points(reference, epochEnds).length).toBeGreaterThan(3);
}
