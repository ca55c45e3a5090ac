import { describe, expect, it } from "vitest";
import { RealDft2d } from "../../src/metrics/index.js";
import { uniform } from "./images.js";

/** |F(ky, kx)|^2 by the textbook double sum, one frequency at a time. */
function naivePower(p: ArrayLike<number>, h: number, w: number, ky: number, kx: number): number {
  let re = 0;
  let im = 0;
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      const angle = -2 * Math.PI * ((ky * r) / h + (kx * c) / w);
      re += p[r * w + c] * Math.cos(angle);
      im += p[r * w + c] * Math.sin(angle);
    }
  }
  return re * re + im * im;
}

describe("RealDft2d", () => {
  it("gives the unnormalised power of every computed frequency, for even and odd sides", () => {
    for (const [h, w] of [
      [6, 8],
      [7, 5],
      [1, 4],
    ]) {
      const u = uniform(h * 31 + w);
      const p = Float64Array.from({ length: h * w }, () => u() - 0.3);
      const dft = new RealDft2d(h, w);
      expect(dft.half).toBe(Math.floor(w / 2));
      const power = dft.halfPower(p);
      for (let ky = 0; ky < h; ky++) {
        for (let kx = 0; kx <= dft.half; kx++) expect(power[ky * (dft.half + 1) + kx]).toBeCloseTo(naivePower(p, h, w, ky, kx), 10);
      }
    }
  });

  it("the computed columns with their mirrors hold every frequency: copies sum to the width, power to h w sum(x^2)", () => {
    for (const w of [7, 8]) {
      const h = 3;
      const u = uniform(w);
      const p = Float64Array.from({ length: h * w }, () => u());
      const dft = new RealDft2d(h, w);
      let columns = 0;
      let total = 0;
      const power = dft.halfPower(p);
      for (let kx = 0; kx <= dft.half; kx++) {
        columns += dft.copies(kx);
        for (let ky = 0; ky < h; ky++) total += power[ky * (dft.half + 1) + kx] * dft.copies(kx);
      }
      expect(columns).toBe(w);
      expect(total / (h * w)).toBeCloseTo(
        p.reduce((s, v) => s + v * v, 0),
        12,
      );
    }
  });

  it("reads one channel of an interleaved array through offset and stride", () => {
    const h = 4;
    const w = 6;
    const channels = 3;
    const u = uniform(5);
    const interleaved = Float32Array.from({ length: 2 * h * w * channels }, () => u());
    const dft = new RealDft2d(h, w);
    const image = 1;
    const channel = 2;
    const plane = Float64Array.from({ length: h * w }, (_, i) => interleaved[image * h * w * channels + i * channels + channel]);
    expect(Array.from(dft.halfPower(interleaved, image * h * w * channels + channel, channels))).toEqual(Array.from(dft.halfPower(plane)));
  });
});
