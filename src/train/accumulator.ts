import * as tf from "@tensorflow/tfjs";

/**
 * Running sums of named scalars kept on the backend, so a training step never waits for a read-back;
 * `drain` reads and resets them when it is time to log.
 */
export class ScalarAccumulator {
  private readonly sums = new Map<string, tf.Scalar>();
  private count = 0;

  /** Adds one step's values (the caller keeps ownership of `values`). */
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
    }
    this.count += weight;
  }

  get size(): number {
    return this.count;
  }

  /** Means since the last drain, read back from the backend; resets the sums. */
  drain(): { means: Map<string, number>; count: number } {
    const means = new Map<string, number>();
    for (const [name, sum] of this.sums) {
      means.set(name, sum.dataSync()[0] / this.count);
      sum.dispose();
    }
    const count = this.count;
    this.sums.clear();
    this.count = 0;
    return { means, count };
  }

  dispose(): void {
    for (const sum of this.sums.values()) sum.dispose();
    this.sums.clear();
    this.count = 0;
  }
}
