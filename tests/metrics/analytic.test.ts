import { describe, expect, it } from "vitest";
import { asymmetryChecks, bce, bceExcess, localRatio, penaltyCurves, ratioClosedForm, ratioNearHalf, squaredError } from "../../src/metrics/analytic.js";

describe("bce and its excess over the minimum", () => {
  it("matches values worked out by hand", () => {
    // -(0.8 ln 0.9 + 0.2 ln 0.1) and -(0.8 ln 0.7 + 0.2 ln 0.3)
    expect(bce(0.8, 0.9)).toBeCloseTo(0.5448, 4);
    expect(bce(0.8, 0.7)).toBeCloseTo(0.5261, 4);
    expect(bce(0.3, 0.2)).toBeCloseTo(0.639, 3);
    expect(bce(0.3, 0.4)).toBeCloseTo(0.6325, 4);
    expect(bce(0.5, 0.5)).toBeCloseTo(Math.LN2, 12);
    // Binary targets: 0 * ln 0 is 0, so the loss is finite and its minimum is 0.
    expect(bce(1, 0.9)).toBeCloseTo(-Math.log(0.9), 12);
    expect(bce(0, 0.1)).toBeCloseTo(-Math.log(0.9), 12);
    expect(bce(1, 1)).toBeCloseTo(0, 12);
  });

  it("bceExcess is BCE(t, p) - BCE(t, t)", () => {
    for (const [t, p] of [
      [0.8, 0.9],
      [0.8, 0.7],
      [0.3, 0.01],
      [0.5, 0.99],
      [0, 0.3],
      [1, 0.3],
    ]) {
      expect(bceExcess(t, p)).toBeCloseTo(bce(t, p) - bce(t, t), 12);
    }
    expect(bceExcess(0.8, 0.9)).toBeCloseTo(0.0444, 4);
    expect(bceExcess(0.8, 0.7)).toBeCloseTo(0.0257, 4);
  });

  it("bceExcess is >= 0, and 0 only at p = t", () => {
    for (const t of [0, 0.1, 0.3, 0.5, 0.8, 1]) {
      for (let i = 1; i < 200; i++) {
        const p = i / 200;
        const excess = bceExcess(t, p);
        if (Math.abs(p - t) < 1e-12) expect(excess).toBe(0);
        else expect(excess).toBeGreaterThan(0);
      }
    }
  });

  it("squared error is symmetric", () => {
    expect(squaredError(0.8, 0.9)).toBeCloseTo(0.01, 12);
    expect(squaredError(0.8, 0.7)).toBeCloseTo(0.01, 12);
    expect(squaredError(0.3, 0.3)).toBe(0);
  });
});

describe("C1: asymmetry around a non-binary target", () => {
  it("BCE charges 0.9 more than 0.7 for target 0.8, and 0.2 more than 0.4 for target 0.3; squared error charges both 0.01", () => {
    const [high, low] = asymmetryChecks();
    expect(high).toMatchObject({ target: 0.8, lower: 0.7, upper: 0.9, costlier: "upper" });
    expect(high.bceUpper).toBeCloseTo(0.5448, 4);
    expect(high.bceLower).toBeCloseTo(0.5261, 4);
    expect(low).toMatchObject({ target: 0.3, lower: 0.2, upper: 0.4, costlier: "lower" });
    expect(low.bceLower).toBeGreaterThan(low.bceUpper);
    for (const c of [high, low]) {
      expect(c.mseLower).toBeCloseTo(0.01, 12);
      expect(c.mseUpper).toBeCloseTo(0.01, 12);
    }
  });

  it("takes other example points", () => {
    const [c] = asymmetryChecks([{ target: 0.5, lower: 0.4, upper: 0.6 }]);
    expect(c.bceLower).toBeCloseTo(c.bceUpper, 12);
  });
});

describe("C2: the ratio near 0.5", () => {
  it("is about 2 for small d and equals -0.5 ln(1 - 4d^2) / d^2", () => {
    const rows = ratioNearHalf();
    expect(rows.map((r) => r.delta)).toEqual([0.001, 0.01, 0.05, 0.1, 0.2, 0.3, 0.4]);
    const at = (d: number) => rows.find((r) => r.delta === d)!;
    // 2 + 4 d^2 + 32/3 d^4 + ...: 2.0004 at d = 0.01.
    expect(Math.abs(at(0.01).ratio - 2.0004)).toBeLessThan(1e-6);
    expect(Math.abs(at(0.001).ratio - 2)).toBeLessThan(1e-5);
    for (const r of rows) {
      expect(r.ratio).toBeCloseTo(ratioClosedForm(r.delta), 7);
      expect(r.ratio).toBeCloseTo(r.bceExcess / r.squaredError, 12);
      expect(r.squaredError).toBeCloseTo(r.delta ** 2, 12);
    }
    expect(at(0.4).ratio).toBeCloseTo((-0.5 * Math.log(1 - 0.64)) / 0.16, 10);
  });

  it("grows with d", () => {
    const ratios = ratioNearHalf().map((r) => r.ratio);
    for (let i = 1; i < ratios.length; i++) expect(ratios[i]).toBeGreaterThan(ratios[i - 1]);
  });

  it("rejects a distance outside (0, 0.5)", () => {
    expect(() => ratioNearHalf([0])).toThrow(/\(0, 0\.5\)/);
    expect(() => ratioNearHalf([0.5])).toThrow(/\(0, 0\.5\)/);
  });

  it("the limit at other targets is 1 / (2t(1-t)), smallest at 0.5", () => {
    expect(localRatio(0.5)).toBe(2);
    expect(localRatio(0.8)).toBeCloseTo(3.125, 12);
    const t = 0.8;
    const d = 1e-4;
    expect(bceExcess(t, t + d) / squaredError(t, t + d)).toBeCloseTo(localRatio(t), 2);
  });
});

describe("penaltyCurves", () => {
  it("samples both penalties strictly inside (0, 1) for each target", () => {
    const curves = penaltyCurves();
    expect(curves.map((c) => c.target)).toEqual([0.3, 0.5, 0.8]);
    for (const c of curves) {
      expect(c.bce).toHaveLength(199);
      expect(c.mse).toHaveLength(199);
      expect(c.bce[0].x).toBeCloseTo(0.005, 12);
      expect(c.bce[198].x).toBeCloseTo(0.995, 12);
      for (const [i, point] of c.bce.entries()) {
        expect(Number.isFinite(point.y)).toBe(true);
        expect(point.y).toBeCloseTo(bceExcess(c.target, point.x), 12);
        expect(c.mse[i]).toEqual({ x: point.x, y: squaredError(c.target, point.x) });
      }
      // Both vanish at the target: 0.3, 0.5 and 0.8 are grid points (k / 200).
      const atTarget = c.bce.findIndex((p) => Math.abs(p.x - c.target) < 1e-9);
      expect(c.bce[atTarget].y).toBeCloseTo(0, 12);
    }
    expect(penaltyCurves([0.1], 3)[0].bce.map((p) => p.x)).toEqual([0.25, 0.5, 0.75]);
    expect(() => penaltyCurves([1.5])).toThrow(/\[0, 1\]/);
    expect(() => penaltyCurves([0.5], 1)).toThrow(/steps/);
  });
});
