import { describe, expect, it } from "vitest";
import { holmAdjust } from "../../src/metrics/holm.js";

describe("holmAdjust", () => {
  it("a hand-worked family of 4", () => {
    // Sorted: 0.005 x 4 = 0.02; 0.01 x 3 = 0.03; 0.03 x 2 = 0.06; 0.04 x 1 = 0.04, raised to 0.06 (non-decreasing).
    const adjusted = holmAdjust([0.01, 0.04, 0.03, 0.005]);
    [0.03, 0.06, 0.06, 0.02].forEach((want, i) => expect(adjusted[i]).toBeCloseTo(want, 14));
  });

  it("caps at 1, keeps NaN out of the count, and one test is its own adjustment", () => {
    const adjusted = holmAdjust([0.4, NaN, 0.3]);
    // m = 2: 0.3 x 2 = 0.6; 0.4 x 1 = 0.4, raised to 0.6.
    expect(adjusted[0]).toBeCloseTo(0.6, 14);
    expect(adjusted[1]).toBeNaN();
    expect(adjusted[2]).toBeCloseTo(0.6, 14);
    expect(holmAdjust([0.6, 0.7])).toEqual([1, 1]);
    expect(holmAdjust([0.02])).toEqual([0.02]);
    expect(holmAdjust([])).toEqual([]);
  });

  it("rejects at 0.05 what Bonferroni-Holm's step-down does: 0.01 and 0.02 of [0.01, 0.02, 0.2]", () => {
    const adjusted = holmAdjust([0.2, 0.01, 0.02]);
    expect(adjusted.map((p) => p < 0.05)).toEqual([false, true, true]);
    expect(adjusted[1]).toBeCloseTo(0.03, 14);
    expect(adjusted[2]).toBeCloseTo(0.04, 14);
  });
});
