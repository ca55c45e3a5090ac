import type { PushRow } from "../push-from-half.js";
import type { RunMetrics } from "../measured.js";
import type { ComparedMetric } from "../registry.js";

/** The push strength the push metrics compare with k = 1 (the outputs as trained); the sweep table shows every k measured. */
export const PUSH_STRENGTH = 3;

/** A value of a run's push sweep at strength k; NaN where it has no sweep (it trained on binarized targets) or no such k. */
function pushed(m: RunMetrics, k: number, read: (row: PushRow) => number): number {
  const row = m.pushSweep?.find((r) => r.k === k);
  return row ? read(row) : NaN;
}

/** A sweep quantity at k = PUSH_STRENGTH minus the same at k = 1: the same outputs pushed away from ½, against the same targets. */
export function pushMetric(name: string, label: string, sesoi: string, read: (row: PushRow) => number): ComparedMetric {
  return {
    name,
    label,
    sesoi,
    value: (m) => pushed(m, PUSH_STRENGTH, read) - pushed(m, 1, read),
    within: { text: `pushed (k = ${PUSH_STRENGTH}) − as trained`, baseline: (m) => pushed(m, 1, read) },
  };
}
