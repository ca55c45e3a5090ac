import { describe, expect, it } from "vitest";
import { kernelInceptionDistance, polynomialMmd2, sampleSubset } from "../../src/metrics/index.js";
import { Rng } from "../../src/random/rng.js";
import { reference, relativeError } from "./reference/python.js";

// npm run test:reference: KID against the textbook formula in numpy (tests/metrics/reference/kid.py) on the subsets
// kernelInceptionDistance draws, replayed with sampleSubset from the same seed.

function gaussianRows(n: number, dims: number, rng: Rng, shift: number, scale = 1): number[][] {
  return Array.from({ length: n }, () =>
    Array.from({ length: dims }, (_, j) => shift * (j % 3) + scale * Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next())),
  );
}

interface KidAnswer {
  whole: number;
  perSubset: number[];
  mean: number;
  std: number;
}

async function check(a: number[][], b: number[][], options: { subsets: number; subsetSize: number; seed: string }) {
  const kid = kernelInceptionDistance(a, b, options);
  const replay = new Rng(options.seed);
  const subsets = kid.perSubset.map(() => [
    Array.from(sampleSubset(replay, a.length, kid.subsetSize)),
    Array.from(sampleSubset(replay, b.length, kid.subsetSize)),
  ]);
  const numpy = await reference<KidAnswer>("kid.py", { a, b, subsets });
  // MMD^2 is a small difference of kernel means, so round-off leaves up to ~1e-11 relative (measured), not 1e-16.
  expect(relativeError(polynomialMmd2(a, b), numpy.whole)).toBeLessThan(1e-9);
  kid.perSubset.forEach((v, s) => {
    expect(relativeError(v, numpy.perSubset[s])).toBeLessThan(1e-9);
  });
  expect(relativeError(kid.mean, numpy.mean)).toBeLessThan(1e-9);
  expect(relativeError(kid.std, numpy.std)).toBeLessThan(1e-6);
  return kid;
}

describe("kernelInceptionDistance against numpy", () => {
  it("the defaults (100 subsets of 1000) on 2000 x 128 features, kernel values cached", async () => {
    const rng = new Rng("kid-reference-large");
    const kid = await check(gaussianRows(2000, 128, rng, 0), gaussianRows(1800, 128, rng, 0.05, 1.1), { subsets: 100, subsetSize: 1000, seed: "large" });
    expect(kid.subsetSize).toBe(1000);
    expect(kid.mean).toBeGreaterThan(3 * kid.std);
  });

  it("one subset of a larger set, computed afresh; subsets capped at the smaller set", async () => {
    const rng = new Rng("kid-reference-small");
    await check(gaussianRows(300, 16, rng, 0), gaussianRows(250, 16, rng, 0.3), { subsets: 1, subsetSize: 10, seed: "one" });
    const capped = await check(gaussianRows(40, 5, rng, 0), gaussianRows(25, 5, rng, 0.5), { subsets: 7, subsetSize: 1000, seed: "capped" });
    expect(capped.subsetSize).toBe(25);
  });
});
