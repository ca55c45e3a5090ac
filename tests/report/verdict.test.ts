import { describe, expect, it } from "vitest";
import { decide, type Evidence } from "../../src/report/verdict.js";

const e = (over: Partial<Evidence>): Evidence => ({ claimed: "<", meanDiff: -0.1, pDifference: 0.5, pEquivalence: 0.5, alpha: 0.05, ...over });

describe("decide: four outcomes from a difference test and an equivalence test", () => {
  it("supported: significant in the claimed direction and not shown negligible", () => {
    expect(decide(e({ pDifference: 0.01 }))).toBe("supported");
    expect(decide(e({ claimed: ">", meanDiff: 0.2, pDifference: 0.049 }))).toBe("supported");
  });

  it("contradicted: significant the other way", () => {
    expect(decide(e({ meanDiff: 0.1, pDifference: 0.01 }))).toBe("contradicted");
    expect(decide(e({ claimed: ">", meanDiff: -0.2, pDifference: 0.001 }))).toBe("contradicted");
  });

  it("equivalent: shown smaller than the smallest effect of interest, even when also significant", () => {
    expect(decide(e({ pEquivalence: 0.01 }))).toBe("equivalent");
    expect(decide(e({ meanDiff: -0.0017, pDifference: 0.001, pEquivalence: 0.002 }))).toBe("equivalent");
  });

  it("inconclusive: neither test decides, p exactly alpha does not reject, and NaN p never decides", () => {
    expect(decide(e({}))).toBe("inconclusive");
    expect(decide(e({ pDifference: 0.05, pEquivalence: 0.05 }))).toBe("inconclusive");
    expect(decide(e({ pDifference: NaN, pEquivalence: NaN }))).toBe("inconclusive");
  });

  it("a claim of no difference: equivalence supports it, a significant difference contradicts it either way", () => {
    expect(decide(e({ claimed: "= 0", pEquivalence: 0.01 }))).toBe("supported");
    expect(decide(e({ claimed: "= 0", meanDiff: 0.1, pDifference: 0.01 }))).toBe("contradicted");
    expect(decide(e({ claimed: "= 0", meanDiff: -0.1, pDifference: 0.01 }))).toBe("contradicted");
    expect(decide(e({ claimed: "= 0" }))).toBe("inconclusive");
  });
});
