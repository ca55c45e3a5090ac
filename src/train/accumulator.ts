import * as tf from "@tensorflow/tfjs";

/** A value to average: a scalar still on the backend, or a number the step already has in JavaScript. */
export type AccumulatedValue = tf.Scalar | number;

/** The running sum of one set of names that arrive together, as one vector on the backend. */
interface Group {
  names: string[];
  sum: tf.Tensor1D;
}

/**
 * Running sums of named scalars kept on the backend, so a training step never waits for a read-back;
 * `drain` reads and resets them when it is time to log. Each name keeps its own count: a phase that
 * skips a step (k discriminator steps, gating) adds nothing to its names' sums or counts.
 *
 * A step's scalars are stacked into one vector and added to the running vector of the steps that
 * logged the same names: two kernels a step instead of two per name (each tfjs kernel call costs
 * ~15 µs of engine work however small its tensors, and a step logs 5-15 names). Each element is
 * still a float32 sum of that name's values, in step order, as a per-name sum would be.
 * Numbers (such as a gradient norm the fused optimizer returns) are summed in JavaScript.
 */
export class ScalarAccumulator {
  private readonly groups = new Map<string, Group>();
  private readonly numbers = new Map<string, number>();
  private readonly counts = new Map<string, number>();
  private steps = 0;

  /** Adds one step's values (the caller keeps ownership of `values`), each with weight `weight`. */
  add(values: ReadonlyMap<string, AccumulatedValue>, weight = 1): void {
    const names: string[] = [];
    const tensors: tf.Scalar[] = [];
    for (const [name, value] of values) {
      if (typeof value === "number") this.numbers.set(name, (this.numbers.get(name) ?? 0) + value * weight);
      else {
        names.push(name);
        tensors.push(value);
      }
      this.counts.set(name, (this.counts.get(name) ?? 0) + weight);
    }
    if (tensors.length > 0) this.addTensors(names, tensors, weight);
    this.steps += weight;
  }

  private addTensors(names: string[], tensors: tf.Scalar[], weight: number): void {
    const key = names.join("\n");
    const previous = this.groups.get(key);
    // keep(): add() is called inside the step's tidy, which must not free the running sums.
    const sum = tf.keep(
      tf.tidy(() => {
        const stacked = tf.stack(tensors) as tf.Tensor1D;
        const scaled = weight === 1 ? stacked : tf.mul(stacked, weight);
        return previous ? tf.add(previous.sum, scaled) : scaled;
      }),
    ) as tf.Tensor1D;
    previous?.sum.dispose();
    this.groups.set(key, { names, sum });
  }

  /** Total weight added since the last drain (steps, or examples when weighted by batch size). */
  get size(): number {
    return this.steps;
  }

  /**
   * Each name's mean over the steps that produced it, read back from the backend; resets the sums.
   * Asynchronous: a GPU backend (webgpu) has no synchronous read-back in Node.
   */
  async drain(): Promise<{ means: Map<string, number>; counts: Map<string, number> }> {
    const totals = new Map(this.numbers);
    const groups = [...this.groups.values()];
    const reads = await Promise.all(groups.map(({ sum }) => sum.data()));
    for (const [g, { names }] of groups.entries()) {
      const read = reads[g];
      // A name logged in steps with different company sits in several groups: their sums add up.
      names.forEach((name, i) => totals.set(name, (totals.get(name) ?? 0) + read[i]));
    }
    const means = new Map<string, number>();
    // In the order the names first arrived, as the events file has always listed them.
    for (const [name, count] of this.counts) means.set(name, totals.get(name)! / count);
    const counts = new Map(this.counts);
    this.dispose();
    return { means, counts };
  }

  dispose(): void {
    for (const { sum } of this.groups.values()) sum.dispose();
    this.groups.clear();
    this.numbers.clear();
    this.counts.clear();
    this.steps = 0;
  }
}
