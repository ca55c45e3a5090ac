import * as tf from "@tensorflow/tfjs";

/**
 * Running sums of named scalars kept on the backend, so a training step never waits for a read-back;
 * `drain` reads and resets them when it is time to log. Each name keeps its own count: a phase that
 * skips a step (k discriminator steps, gating) adds nothing to its names' sums or counts.
 */
export class ScalarAccumulator {
  private readonly sums = new Map<string, tf.Scalar>();
  private readonly counts = new Map<string, number>();
  private steps = 0;

  /** Adds one step's values (the caller keeps ownership of `values`), each with weight `weight`. */
  add(values: ReadonlyMap<string, tf.Scalar>, weight = 1): void {
    for (const [name, value] of values) {
      const previous = this.sums.get(name);
      // keep(): add() is called inside the step's tidy, which must not free the running sums.
      const next = tf.keep(
        tf.tidy(() => {
          const scaled = weight === 1 ? value.clone() : tf.mul(value, weight);
          return previous ? tf.add(previous, scaled) : scaled;
        }),
      );
      previous?.dispose();
      this.sums.set(name, next as tf.Scalar);
      this.counts.set(name, (this.counts.get(name) ?? 0) + weight);
    }
    this.steps += weight;
  }

  /** Total weight added since the last drain (steps, or examples when weighted by batch size). */
  get size(): number {
    return this.steps;
  }

  /** Each name's mean over the steps that produced it, read back from the backend; resets the sums. */
  drain(): { means: Map<string, number>; counts: Map<string, number> } {
    const means = new Map<string, number>();
    for (const [name, sum] of this.sums) {
      means.set(name, sum.dataSync()[0] / this.counts.get(name)!);
      sum.dispose();
    }
    const counts = new Map(this.counts);
    this.sums.clear();
    this.counts.clear();
    this.steps = 0;
    return { means, counts };
  }

  dispose(): void {
    for (const sum of this.sums.values()) sum.dispose();
    this.sums.clear();
    this.counts.clear();
    this.steps = 0;
  }
}
