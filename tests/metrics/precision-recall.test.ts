import { describe, expect, it } from "vitest";
import { improvedPrecisionRecall } from "../../src/metrics/index.js";
import { packRows } from "../../src/metrics/feature-matrix.js";
import { kthNeighbourSquared } from "../../src/metrics/precision-recall.js";
import { Rng } from "../../src/random/rng.js";

function gaussianRows(n: number, dims: number, rng: Rng, shift = 0, scale = 1): number[][] {
  return Array.from({ length: n }, () =>
    Array.from({ length: dims }, () => shift + scale * Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next())),
  );
}

const column = (values: number[]) => values.map((v) => [v]);

describe("improvedPrecisionRecall", () => {
  it("identical sets: precision = recall = 1", () => {
    const rows = gaussianRows(50, 6, new Rng("pr-identical"));
    expect(improvedPrecisionRecall(rows, rows)).toEqual({ precision: 1, recall: 1, k: 3 });
  });

  it("a worked 1-D case: real balls cover [-3, 6], generated balls cover every real point", () => {
    // Real {0, 1, 2, 3}: 3rd-neighbour radii 3, 2, 2, 3, so the balls [-3, 3], [-1, 3], [0, 4], [0, 6].
    // Generated {-3, 6, 6.5, 100}: -3 and 6 lie on ball edges (<= counts), 6.5 and 100 outside: precision 2 / 4.
    // Generated radii: 103, 94, 93.5, 103; the ball of -3 alone covers all of the real points: recall 1.
    expect(improvedPrecisionRecall(column([0, 1, 2, 3]), column([-3, 6, 6.5, 100]))).toEqual({ precision: 0.5, recall: 1, k: 3 });
    // With k = 1: real radii 1, 1, 1, 1 cover [-1, 4], no generated point: precision 0. Generated radii 9, 0.5, 0.5,
    // 93.5: the ball of -3, [-12, 6], covers all four real points: recall 1.
    expect(improvedPrecisionRecall(column([0, 1, 2, 3]), column([-3, 6, 6.5, 100]), { k: 1 })).toEqual({ precision: 0, recall: 1, k: 1 });
  });

  it("swapping the sets swaps precision and recall", () => {
    const rng = new Rng("pr-swap");
    const a = gaussianRows(60, 4, rng);
    const b = gaussianRows(80, 4, rng, 0.8, 0.5);
    const ab = improvedPrecisionRecall(a, b);
    const ba = improvedPrecisionRecall(b, a);
    expect([ba.precision, ba.recall]).toEqual([ab.recall, ab.precision]);
    // A tight generated cloud inside a wider real one: high precision, low recall.
    expect(ab.precision).toBeGreaterThan(0.5);
    expect(ab.recall).toBeLessThan(ab.precision);
  });

  it("a generated set far from the real one has precision and recall 0", () => {
    const rng = new Rng("pr-far");
    expect(improvedPrecisionRecall(gaussianRows(20, 3, rng), gaussianRows(20, 3, rng, 100))).toEqual({ precision: 0, recall: 0, k: 3 });
  });

  it("duplicate real rows make a ball of radius 0 that holds exactly its own point", () => {
    // Four copies of 5: each one's 3rd neighbour is another copy, radius 0; 5 is in, 5.001 is out.
    const real = column([5, 5, 5, 5]);
    expect(improvedPrecisionRecall(real, column([5, 5.001, 5, 5])).precision).toBe(0.75);
  });

  it("rejects sets it cannot build balls for, with a line naming the problem", () => {
    expect(() => improvedPrecisionRecall(column([1, 2, 3, 4]), [[1], [2], [3], [Infinity]])).toThrow(
      "improvedPrecisionRecall: generated feature set, row 3, feature 0 is Infinity",
    );
    expect(() => improvedPrecisionRecall(column([1, 2, 3]), column([1, 2, 3, 4]))).toThrow(
      "improvedPrecisionRecall: at least 4 rows needed in the real feature set (got 3)",
    );
    expect(() =>
      improvedPrecisionRecall(column([1, 2, 3, 4]), [
        [1, 2],
        [3, 4],
        [5, 6],
        [7, 8],
      ]),
    ).toThrow("improvedPrecisionRecall: feature sets differ in width: 1 and 2 features");
    expect(() => improvedPrecisionRecall(column([1, 2]), column([1, 2]), { k: 0 })).toThrow("improvedPrecisionRecall: k must be a positive integer (got 0)");
  });
});

describe("kthNeighbourSquared", () => {
  it("agrees with sorting each row's squared distances to the others, across blocks of rows", () => {
    const rows = gaussianRows(75, 5, new Rng("knn"));
    const m = packRows(rows, "test", "rows");
    for (const k of [1, 3, 7]) {
      const radii = kthNeighbourSquared(m, k);
      rows.forEach((row, i) => {
        const d2 = rows.flatMap((other, j) => (j === i ? [] : [other.reduce((s, v, f) => s + (v - row[f]) ** 2, 0)])).sort((x, y) => x - y);
        expect(radii[i]).toBeCloseTo(d2[k - 1], 10);
      });
    }
  });
});
