import { describe, expect, it } from "vitest";
import { pixelErrors, PSNR_CAP_DB } from "../../src/metrics/index.js";
import { binary, constant, makeSet } from "./images.js";

describe("pixelErrors", () => {
  it("identical images: no squared or absolute error, PSNR at its cap, BCE only the clip's residue", () => {
    const x = binary(3, 28);
    const e = pixelErrors(x, x);
    expect(e.mse).toBe(0);
    expect(e.l1).toBe(0);
    expect(e.psnr).toBe(PSNR_CAP_DB);
    // Binary targets have zero entropy; the clip to [1e-7, 1 - 1e-7] leaves about 1e-7 nats per pixel.
    expect(e.bce).toBeGreaterThan(0);
    expect(e.bce).toBeLessThan(784 * 1.1e-7);
  });

  it("a constant 0.5 output against a binary target: 0.25, ln 2 and 0.5 per pixel, summed over 784 pixels", () => {
    const e = pixelErrors(constant(2, 28, 28, 0.5), binary(2, 28));
    expect(e.mse).toBeCloseTo(784 * 0.25, 9);
    expect(e.bce).toBeCloseTo(784 * Math.LN2, 9);
    expect(e.l1).toBeCloseTo(784 * 0.5, 9);
    expect(e.psnr).toBeCloseTo(10 * Math.log10(4), 9);
  });

  it("sums over an image's pixels, averages over images; PSNR is the mean of per-image PSNRs", () => {
    // Image 0 is off by 0.1 everywhere (20 dB), image 1 by 0.01 (40 dB); 4x4 = 16 pixels each.
    const targets = constant(2, 4, 4, 0.5);
    const outputs = makeSet(2, 4, 4, (n) => 0.5 + (n === 0 ? 0.1 : 0.01));
    const e = pixelErrors(outputs, targets);
    expect(e.mse).toBeCloseTo((16 * 0.01 + 16 * 0.0001) / 2, 6);
    expect(e.l1).toBeCloseTo((16 * 0.1 + 16 * 0.01) / 2, 6);
    expect(e.psnr).toBeCloseTo(30, 4);
    const bce = (y: number) => -(0.5 * Math.log(y) + 0.5 * Math.log(1 - y));
    expect(e.bce).toBeCloseTo((16 * bce(0.6) + 16 * bce(0.51)) / 2, 5);
  });

  it("clips outputs to [1e-7, 1 - 1e-7]: a confident miss costs -ln(1e-7) nats, not Infinity", () => {
    const e = pixelErrors(constant(1, 1, 1, 0), constant(1, 1, 1, 1));
    expect(e.bce).toBeCloseTo(-Math.log(1e-7), 6);
  });

  it("names the mismatch when shapes differ", () => {
    expect(() => pixelErrors(constant(2, 28, 28, 0), constant(3, 28, 28, 0))).toThrow(/same shape/);
    expect(() => pixelErrors({ ...constant(1, 2, 2, 0), width: 3 }, constant(1, 2, 3, 0))).toThrow(/4 pixel values/);
  });
});
