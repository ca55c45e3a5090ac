import { streamFor } from "../random/rng.js";
import { DataError } from "./errors.js";
import { pixelsLike, type Split } from "./split.js";

/**
 * Holds out round(n_c * testFraction) examples of every label c as the test split, chosen by a stream
 * named by the seed (so a folder without a test folder splits the same way for the same seed, as the
 * embedded digits do); each part is then shuffled once by the same stream, so a prefix (trainLimit,
 * testLimit) is a class mix.
 */
export function stratifiedSplit(all: Split, seed: number, testFraction: number, origin: string): { train: Split; test: Split } {
  if (!(testFraction > 0 && testFraction < 1)) throw new DataError(`testFraction must be between 0 and 1, exclusive (got ${testFraction})`);
  const rng = streamFor(seed, "data/test-split");
  const byClass = new Map<number, number[]>();
  all.labels.forEach((label, i) => {
    const members = byClass.get(label);
    if (members) members.push(i);
    else byClass.set(label, [i]);
  });
  const trainIdx: number[] = [];
  const testIdx: number[] = [];
  for (const label of [...byClass.keys()].sort((a, b) => a - b)) {
    const members = byClass.get(label)!;
    const take = Math.round(members.length * testFraction);
    const order = rng.permutation(members.length);
    order.forEach((k, i) => (i < take ? testIdx : trainIdx).push(members[k]));
  }
  if (trainIdx.length === 0 || testIdx.length === 0)
    throw new DataError(
      `${origin}: data.testFraction ${testFraction} of ${all.count} images leaves ${trainIdx.length} to train and ${testIdx.length} to test; both need at least one`,
    );
  const gather = (indices: number[], order: Uint32Array): Split => {
    const perImage = all.images.length / all.count;
    const images = pixelsLike(all.images, indices.length * perImage);
    const labels = new Uint8Array(indices.length);
    order.forEach((k, i) => {
      const src = indices[k];
      images.set(all.images.subarray(src * perImage, (src + 1) * perImage), i * perImage);
      labels[i] = all.labels[src];
    });
    return { images, labels, count: indices.length };
  };
  return { train: gather(trainIdx, rng.permutation(trainIdx.length)), test: gather(testIdx, rng.permutation(testIdx.length)) };
}
