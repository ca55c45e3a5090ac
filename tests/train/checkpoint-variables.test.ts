import * as tf from "@tensorflow/tfjs";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, expect, it } from "vitest";
import { selectBackend } from "../../src/backend/index.js";
import { CheckpointError, loadCheckpoint, saveCheckpoint } from "../../src/checkpoint/index.js";

// State outside the networks and optimizers (Variant.state) in a checkpoint: exact, checked, by name.

let owned: tf.Tensor[] = [];
beforeAll(async () => {
  await selectBackend("wasm");
});
afterEach(() => {
  tf.dispose(owned);
  owned = [];
});
const own = <T extends tf.Tensor>(t: T) => {
  owned.push(t);
  return t;
};
const variable = (values: number[]) => own(tf.variable(tf.tensor1d(values), false));
const bits = (t: tf.Tensor) => Array.from(new Uint32Array((t.dataSync() as Float32Array).slice().buffer));

const awkward = [Math.fround(1 / 3), Math.fround(1e-30), -Math.fround(Math.PI * 1e7), 0, -0, Number.POSITIVE_INFINITY, Number.NaN];

it("variables come back bit for bit, -0 and non-finite values included", async () => {
  const dir = mkdtempSync(join(tmpdir(), "aelab-variables-"));
  const saved = variable(awkward);
  await saveCheckpoint(dir, { models: {}, optimizers: {}, variables: { "adversarial_weight/mean_recon": saved }, state: { epoch: 1, step: 3, extra: {} } });
  const state = JSON.parse(readFileSync(join(dir, "checkpoint", "state.json"), "utf8")) as { variables: Record<string, { values: unknown[] }> };
  expect(state.variables["adversarial_weight/mean_recon"].values.slice(4)).toEqual(["-0", "Infinity", "NaN"]);

  const restored = variable([9, 9, 9, 9, 9, 9, 9]);
  await loadCheckpoint(dir, { models: {}, optimizers: {}, variables: { "adversarial_weight/mean_recon": restored } });
  expect(bits(restored)).toEqual(bits(saved));
});

it("a variable the checkpoint lacks, or of another shape, is a CheckpointError naming it, and nothing changes", async () => {
  const dir = mkdtempSync(join(tmpdir(), "aelab-variables-"));
  await saveCheckpoint(dir, { models: {}, optimizers: {}, variables: { a: variable([1, 2]) }, state: { epoch: 1, step: 3, extra: {} } });
  const b = variable([5]);
  await expect(loadCheckpoint(dir, { models: {}, optimizers: {}, variables: { b } })).rejects.toThrow(CheckpointError);
  await expect(loadCheckpoint(dir, { models: {}, optimizers: {}, variables: { b } })).rejects.toThrow(/has no variable 'b' \(it has: a\)/);
  const a = variable([7, 7, 7]);
  await expect(loadCheckpoint(dir, { models: {}, optimizers: {}, variables: { a } })).rejects.toThrow(/variables\['a'\] is \[2\] but the variable is \[3\]/);
  expect(Array.from(a.dataSync())).toEqual([7, 7, 7]);
  expect(Array.from(b.dataSync())).toEqual([5]);
});

it("a checkpoint without variables loads where none are asked for, and its state.json has no variables field", async () => {
  const dir = mkdtempSync(join(tmpdir(), "aelab-variables-"));
  await saveCheckpoint(dir, { models: {}, optimizers: {}, state: { epoch: 2, step: 8, extra: {} } });
  expect(JSON.parse(readFileSync(join(dir, "checkpoint", "state.json"), "utf8"))).not.toHaveProperty("variables");
  expect((await loadCheckpoint(dir, { models: {}, optimizers: {}, variables: {} })).step).toBe(8);
});
