import { describe, expect, it } from "vitest";
import { pixelErrors } from "../../src/metrics/index.js";
import { makeSet, uniform } from "./images.js";
import { findScipyPython, imagesJson, reference, relativeError } from "./reference/python.js";

// npm run test:reference: pixelErrors' reductions, PSNR per image then averaged, against numpy
// (tests/metrics/reference/pixel_errors.py).

describe("pixelErrors against numpy", () => {
  it("MSE, L1 and BCE summed per image and averaged; PSNR averaged over images, which is not the PSNR of the mean MSE", async () => {
    const u = uniform(1);
    const targets = makeSet(5, 12, 10, () => (u() < 0.7 ? 0 : u()), 3);
    // Image n is off by noise of amplitude 0.02 * 3^n, so per-image PSNRs spread over ~20 dB; one image is exact (capped at 100 dB).
    const outputs = makeSet(
      5,
      12,
      10,
      (n, r, c, ch) => {
        const x = targets.pixels[((n * 12 + r) * 10 + c) * 3 + ch];
        return n === 4 ? x : Math.min(1, Math.max(0, x + 0.02 * 3 ** n * (u() - 0.5)));
      },
      3,
    );
    const numpy = await reference<{ mse: number; l1: number; bce: number; psnr: number; psnrOfMeanMse: number }>("pixel_errors.py", {
      outputs: imagesJson(outputs),
      targets: imagesJson(targets),
    });
    const ours = pixelErrors(outputs, targets);
    for (const key of ["mse", "l1", "bce", "psnr"] as const) expect(relativeError(ours[key], numpy[key])).toBeLessThan(1e-9);
    expect(Math.abs(ours.psnr - numpy.psnrOfMeanMse)).toBeGreaterThan(5);
  });

  it("names the package to install when no Python imports numpy and scipy", () => {
    expect(findScipyPython(["/nonexistent/python3"])).toEqual({ ok: false, reason: expect.stringContaining("install the Debian package python3-scipy") });
  });
});
