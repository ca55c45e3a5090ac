import { describe, expect, it } from "vitest";
import { formatNumber, formatP, formatPercent } from "../../src/report/format.js";

describe("formatNumber: significant digits, not fixed decimals", () => {
  it("keeps small effects readable", () => {
    expect(formatNumber(-0.00171)).toBe("-0.00171");
    expect(formatNumber(0.000375)).toBe("0.000375");
    expect(formatNumber(-0.1033333)).toBe("-0.103");
    expect(formatNumber(0.1)).toBe("0.100");
    expect(formatNumber(19.834)).toBe("19.8");
    expect(formatNumber(1234.5)).toBe("1235");
    expect(formatNumber(2.00040005, 5)).toBe("2.0004");
  });

  it("exponent form far from 1, and words for what is not a number", () => {
    expect(formatNumber(3.75e-5)).toBe("3.75e-5");
    expect(formatNumber(2.5e7)).toBe("2.50e+7");
    expect(formatNumber(0)).toBe("0");
    expect(formatNumber(NaN)).toBe("NaN");
    expect(formatNumber(Infinity)).toBe("∞");
    expect(formatNumber(-Infinity)).toBe("-∞");
  });
});

describe("formatP: never rounds across 0.05", () => {
  it("adds digits where two would carry p across alpha", () => {
    expect(formatP(0.0496)).toBe("0.0496");
    expect(formatP(0.04999)).toBe("0.04999");
    expect(formatP(0.0504)).toBe("0.0504");
    expect(formatP(0.05)).toBe("0.050");
    expect(formatP(0.0096, 0.01)).toBe("0.0096");
  });

  it("two significant digits elsewhere, exponent form for tiny p, 1 for 1", () => {
    expect(formatP(0.012)).toBe("0.012");
    expect(formatP(0.5034)).toBe("0.50");
    expect(formatP(0.00103)).toBe("0.0010");
    expect(formatP(3.7e-9)).toBe("3.7e-9");
    expect(formatP(1)).toBe("1");
    expect(formatP(NaN)).toBe("NaN");
  });

  it("for every p on a fine grid around 0.05, the printed value is on the same side", () => {
    for (let i = 0; i <= 2000; i++) {
      const p = 0.049 + i * 1e-6;
      const shown = Number(formatP(p));
      expect(shown < 0.05, `${p} printed ${formatP(p)}`).toBe(p < 0.05);
    }
  });
});

it("formatPercent", () => {
  expect(formatPercent(-0.0488)).toBe("-4.9%");
  expect(formatPercent(0.106, 3)).toBe("10.6%");
});
