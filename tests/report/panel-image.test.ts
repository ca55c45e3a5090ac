import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { labelledPanel, upscaleNearest } from "../../src/report/panel-image.js";

/** `count` 4x4 greyscale images, image n a ramp offset by n (distinct, in [0, 1]). */
function images(count: number, offset = 0): Float32Array {
  return Float32Array.from({ length: count * 16 }, (_, i) => ((i + offset) % 17) / 16);
}

describe("the reconstruction panel", () => {
  it("upscales by repeating each pixel", () => {
    expect([...upscaleNearest(Float32Array.from([0, 1, 0.5, 0.25]), 1, 2, 2, 1, 2)]).toEqual([
      0, 0, 1, 1, 0, 0, 1, 1, 0.5, 0.5, 0.25, 0.25, 0.5, 0.5, 0.25, 0.25,
    ]);
    expect(() => upscaleNearest(new Float32Array(4), 1, 2, 2, 1, 0)).toThrow(/scale must be a whole number/);
  });

  const rows = [
    { label: "targets", images: images(3) },
    { label: "ae-mse/none", images: images(3, 5) },
    { label: "ae-bce & <gan>", images: images(3, 9) },
  ];

  it("has a label column beside rows of upscaled images, one row per group under the targets", async () => {
    const panel = await labelledPanel({ rows, columns: 3, height: 4, width: 4, channels: 1, scale: 3 });
    // Rows of 12-pixel tiles with 4-pixel gaps: 3 rows and 3 columns.
    expect(panel.height).toBe(3 * 12 + 4 * 4);
    const gridWidth = 3 * 12 + 4 * 4;
    const labelWidth = panel.width - gridWidth;
    expect(labelWidth).toBeGreaterThan(100);
    const meta = await sharp(panel.png).metadata();
    expect([meta.width, meta.height, meta.channels]).toEqual([panel.width, panel.height, 1]);
    for (const name of ["targets", "ae-mse/none", "ae-bce &amp; &lt;gan&gt;"]) expect(panel.svg).toContain(`>${name}</text>`);
    // The labels are drawn: the label column holds dark text on white.
    const { data } = await sharp(panel.png).extract({ left: 0, top: 0, width: labelWidth, height: panel.height }).raw().toBuffer({ resolveWithObject: true });
    expect(Math.min(...data)).toBeLessThan(100);
    expect(Math.max(...data)).toBe(255);
    // The first target's top-left pixel (0) fills a 3x3 block at the grid's first tile.
    const { data: tile } = await sharp(panel.png)
      .extract({ left: labelWidth + 4, top: 4, width: 3, height: 3 })
      .toColourspace("b-w")
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect([...tile]).toEqual(Array(9).fill(0));
  });

  it("is deterministic and refuses a row with too few images", async () => {
    const a = await labelledPanel({ rows, columns: 3, height: 4, width: 4, channels: 1 });
    const b = await labelledPanel({ rows, columns: 3, height: 4, width: 4, channels: 1 });
    expect(a.png.equals(b.png)).toBe(true);
    expect(a.height).toBe(3 * 12 + 4 * 4);
    await expect(labelledPanel({ rows: [{ label: "short", images: images(2) }], columns: 3, height: 4, width: 4, channels: 1 })).rejects.toThrow(
      /row 0 \("short"\) has 2 images, the panel needs 3/,
    );
  });
});
