import seedrandom from "seedrandom";

/** The state of an Rng, plain JSON, so a checkpoint can store it and a resumed run continue the stream. */
export type RngState = seedrandom.State.Alea;

/**
 * A seeded random stream. Everything random in a run (weight seeds, shuffling, Bernoulli pixels,
 * sampling noise) draws from streams derived from the config's one `seed`, so a run repeats bit for bit.
 */
export class Rng {
  private readonly prng: seedrandom.StatefulPRNG<RngState>;

  constructor(seed: string | number, state?: RngState) {
    // alea: fast, good statistics, and its state can be saved and restored (needed for exact resume).
    this.prng = seedrandom.alea(String(seed), state ? { state } : { state: true });
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.prng();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.prng() * n);
  }

  /** A fresh 31-bit integer seed, e.g. for a tfjs initializer or tf.randomNormal. */
  seed(): number {
    return this.prng.int32() >>> 1;
  }

  /** Fisher-Yates shuffle of [0, n), returned as a new index array. */
  permutation(n: number): Uint32Array {
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }

  state(): RngState {
    return this.prng.state();
  }
}

/**
 * An independent stream for one purpose ("weights", "shuffle", ...), derived from the run seed by name,
 * so adding a new consumer of randomness never shifts the numbers another consumer sees.
 */
export function streamFor(seed: number, purpose: string): Rng {
  return new Rng(`${seed}/${purpose}`);
}
