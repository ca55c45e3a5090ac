import { describe, expect, it } from "vitest";
import { type ImageSet, logFrequencyDistance } from "../../src/metrics/index.js";
import { makeSet, uniform } from "./images.js";
import { imagesJson, reference, relativeError } from "./reference/python.js";

// npm run test:reference: LFD against the Focal Frequency Loss authors' metric code, run on numpy's FFT
// (tests/metrics/reference/lfd.py).

const random = (count: number, height: number, width: number, seed: number, channels: number) => {
  const u = uniform(seed);
  return makeSet(count, height, width, () => u(), channels);
};
const near = (x: ImageSet, amplitude: number, seed: number): ImageSet => {
  const u = uniform(seed);
  return { ...x, pixels: x.pixels.map((v) => Math.min(1, Math.max(0, v + amplitude * (u() - 0.5)))) };
};

describe("logFrequencyDistance against numpy", () => {
  it("colour and grey, square and not, odd and even sides, pixel ranges 255 and 1", async () => {
    for (const [count, h, w, channels] of [
      [6, 28, 28, 1],
      [4, 32, 32, 3],
      [3, 17, 23, 3],
    ]) {
      const targets = random(count, h, w, h * w + channels, channels);
      const cases = [near(targets, 0.1, 1), random(count, h, w, 99, channels)].flatMap((outputs) => [255, 1].map((range) => ({ outputs, range })));
      const numpy = await reference<number[]>("lfd.py", {
        cases: cases.map(({ outputs, range }) => ({ outputs: imagesJson(outputs), targets: imagesJson(targets), range })),
      });
      cases.forEach(({ outputs, range }, i) => {
        expect(relativeError(logFrequencyDistance(outputs, targets, range), numpy[i])).toBeLessThan(1e-10);
      });
    }
  });
});
