/** A NaN or infinite loss: training stops with the step and term named, keeping what was logged. */
export class NonFiniteLossError extends Error {
  override readonly name = "NonFiniteLossError";
}

/**
 * Throws on the first value that is not finite, naming it as logged (`tagOf`). Losses are read back only
 * when logging, so a NaN is caught by the logging step that follows it.
 */
export function checkFinite(values: Iterable<[string, number]>, step: number, epoch: number, tagOf: (tag: string) => string): void {
  for (const [tag, v] of values) {
    if (!Number.isFinite(v)) {
      throw new NonFiniteLossError(`training stopped: ${tagOf(tag)} is ${v} by step ${step} (epoch ${epoch}); check the data, or lower train.lr`);
    }
  }
}
