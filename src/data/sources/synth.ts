import type { Split } from "../split.js";
import { SYNTH_SHAPES_CLASSES, synthShapes } from "../synth-shapes.js";

/** `data.source: synth`: the generated shapes at their default size and counts, the same data for every run seed. */
export const SYNTH_SOURCE = "synth";
export const SYNTH_DEFAULTS = { trainCount: 12_000, testCount: 2_000, seed: 0, size: 32 } as const;

/**
 * Train and test sets of generated shapes. Train is synthShapes(trainCount, 2 * seed) and test
 * synthShapes(testCount, 2 * seed + 1): independent streams, so no test image is a training image, and
 * `aelab data synth` with the defaults writes exactly what `data.source: synth` trains on.
 */
export function synthSplits(
  trainCount: number,
  testCount: number,
  seed: number,
  size: number,
): { train: Split & { images: Uint8Array }; test: Split & { images: Uint8Array }; classes: string[] } {
  const train = synthShapes(trainCount, 2 * seed, size);
  const test = synthShapes(testCount, 2 * seed + 1, size);
  return {
    train: { images: train.images, labels: train.labels, count: trainCount },
    test: { images: test.images, labels: test.labels, count: testCount },
    classes: [...SYNTH_SHAPES_CLASSES],
  };
}
