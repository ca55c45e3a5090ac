import { describe, expect, it } from "vitest";
import { improvedPrecisionRecall } from "../../src/metrics/index.js";
import { Rng } from "../../src/random/rng.js";
import { reference } from "./reference/python.js";

// npm run test:reference: improved precision and recall against scipy's cdist (tests/metrics/reference/precision_recall.py).
// Both are shares of counts; they agree exactly unless a distance ties a radius to within round-off.

function gaussianRows(n: number, dims: number, rng: Rng, shift: number, scale: number): number[][] {
  return Array.from({ length: n }, () =>
    Array.from({ length: dims }, () => shift + scale * Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next())),
  );
}

async function check(real: number[][], generated: number[][], k: number) {
  const ours = improvedPrecisionRecall(real, generated, { k });
  const scipy = await reference<{ precision: number; recall: number }>("precision_recall.py", { real, generated, k });
  expect({ precision: ours.precision, recall: ours.recall }).toEqual(scipy);
  return ours;
}

describe("improvedPrecisionRecall against scipy", () => {
  it("2000 real and 2000 generated rows of 128 features, k = 3", async () => {
    const rng = new Rng("pr-reference-large");
    const pr = await check(gaussianRows(2000, 128, rng, 0, 1), gaussianRows(2000, 128, rng, 0.05, 0.95), 3);
    expect(pr.precision).toBeGreaterThan(0);
    expect(pr.recall).toBeLessThan(1);
  });

  it("sets of different sizes, several k", async () => {
    const rng = new Rng("pr-reference-sizes");
    const real = gaussianRows(300, 20, rng, 0, 1);
    const generated = gaussianRows(170, 20, rng, 0.2, 0.7);
    for (const k of [1, 3, 10]) await check(real, generated, k);
  });

  it("integer features, where distances tie radii exactly and duplicates give balls of radius 0", async () => {
    const rng = new Rng("pr-reference-ties");
    const grid = (n: number) => Array.from({ length: n }, () => Array.from({ length: 3 }, () => rng.int(4)));
    for (const k of [1, 3]) {
      const pr = await check(grid(60), grid(45), k);
      expect(pr.precision).toBeGreaterThan(0);
    }
  });
});
