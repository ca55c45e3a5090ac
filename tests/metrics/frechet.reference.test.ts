import { describe, expect, it } from "vitest";
import { frechetDistance } from "../../src/metrics/index.js";
import { Rng } from "../../src/random/rng.js";
import { reference, relativeError } from "./reference/python.js";

// npm run test:reference: the Frechet distance behind rFID and sample FID against pytorch-fid's computation in
// numpy and scipy (tests/metrics/reference/frechet.py) on the same feature rows.

/** ReLU-like features: non-negative, correlated through a shared factor, as a feature layer's are. */
function featureRows(n: number, dims: number, rng: Rng, shift: number): number[][] {
  return Array.from({ length: n }, () => {
    const shared = rng.next();
    return Array.from({ length: dims }, (_, j) =>
      Math.max(0, shift * (j % 4) + shared + Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next())),
    );
  });
}

describe("frechetDistance against scipy.linalg.sqrtm", () => {
  for (const [name, n, m, dims, shift] of [
    ["128 features, 1,000 and 800 rows (a feature network's width)", 1000, 800, 128, 0.1],
    ["16 features, a small shift", 300, 300, 16, 0.02],
  ] as const) {
    it(name, async () => {
      const rng = new Rng(`frechet-reference-${dims}`);
      const a = featureRows(n, dims, rng, 0);
      const b = featureRows(m, dims, rng, shift);
      const scipy = await reference<{ fid: number }>("frechet.py", { a, b });
      // sqrtm of the non-symmetric product against the symmetric form used here: round-off of ~1e-9 relative.
      expect(relativeError(frechetDistance(a, b), scipy.fid)).toBeLessThan(1e-7);
      expect(scipy.fid).toBeGreaterThan(0);
    });
  }
});
