import { describe, expect, it } from "vitest";
import { relativeDifference, scalarAgreement } from "../../src/tensorboard/index.js";

describe("scalarAgreement", () => {
  it("measures differences relative to the larger magnitude, 0 where both are 0", () => {
    expect(relativeDifference(1, 1.5)).toBeCloseTo(1 / 3, 15);
    expect(relativeDifference(-2, 2)).toBe(2);
    expect(relativeDifference(0, 0)).toBe(0);
  });

  it("lets a pair through within tolerance x magnitude + floor, and names the others worst first", () => {
    const a = new Map([
      ["x@1", 100],
      ["y@1", 1e-7],
      ["z@1", 10],
      ["w@1", 1],
    ]);
    const b = new Map([
      ["x@1", 100.005],
      ["y@1", 5e-7],
      ["z@1", 11],
      ["w@1", 1.5],
    ]);
    const result = scalarAgreement(a, b, 1e-4, 1e-6);
    expect(result.common).toBe(4);
    expect(result.worstKey).toBe("y@1");
    expect(result.worst).toBeCloseTo(0.8, 12);
    expect(result.differing).toEqual(["w@1: 1 vs 1.5 (relative 3.33e-1)", "z@1: 10 vs 11 (relative 9.09e-2)"]);
    expect(result.missing).toEqual([]);
  });

  it("lists keys only one side logged", () => {
    const result = scalarAgreement(
      new Map([
        ["a@0", 1],
        ["b@0", 2],
      ]),
      new Map([
        ["a@0", 1],
        ["c@0", 3],
      ]),
      0,
    );
    expect(result.missing).toEqual(["b@0", "c@0"]);
    expect(result.differing).toEqual([]);
    expect(result.common).toBe(1);
  });
});
