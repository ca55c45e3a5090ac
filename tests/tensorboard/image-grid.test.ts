import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { PAD_VALUE, encodePng, tileGrid, type ImageBatch } from "../../src/tensorboard/image-grid.js";

const P = PAD_VALUE;

/** Image n, pixel (y, x) holds byte 10(n+1) + 2y + x, stored as a [0, 1] float. */
function numberedBatch(count: number): ImageBatch {
  const pixels = new Float32Array(count * 4);
  for (let n = 0; n < count; n++) for (let y = 0; y < 2; y++) for (let x = 0; x < 2; x++) pixels[n * 4 + y * 2 + x] = (10 * (n + 1) + 2 * y + x) / 255;
  return { pixels, count, height: 2, width: 2, channels: 1 };
}

describe("tileGrid", () => {
  it("places tiles row-major with padding around and between them", () => {
    const grid = tileGrid(numberedBatch(3), undefined, 1); // default columns: ceil(sqrt(3)) = 2
    expect(grid).toMatchObject({ height: 7, width: 7, channels: 1 });
    // prettier-ignore
    expect([...grid.pixels]).toEqual([
      P,
      P,
      P,
      P,
      P,
      P,
      P,
      P,
      10,
      11,
      P,
      20,
      21,
      P,
      P,
      12,
      13,
      P,
      22,
      23,
      P,
      P,
      P,
      P,
      P,
      P,
      P,
      P,
      P,
      30,
      31,
      P,
      P,
      P,
      P,
      P,
      32,
      33,
      P,
      P,
      P,
      P,
      P,
      P,
      P,
      P,
      P,
      P,
      P,
    ]);
  });

  it("uses 2 px padding by default and honours columns", () => {
    const grid = tileGrid(numberedBatch(2), 1);
    expect(grid).toMatchObject({ height: 2 * 2 + 3 * 2, width: 2 + 2 * 2 });
    const at = (y: number, x: number) => grid.pixels[y * grid.width + x];
    expect(at(2, 2)).toBe(10); // first tile starts after the 2 px border
    expect(at(3, 3)).toBe(13);
    expect(at(6, 2)).toBe(20); // second tile below, after a 2 px gutter
    expect(at(4, 2)).toBe(P);
    expect(at(0, 0)).toBe(P);
  });

  it("never makes more columns than images", () => {
    expect(tileGrid(numberedBatch(2), 8, 0)).toMatchObject({ height: 2, width: 4 });
  });

  it("keeps RGB channels interleaved and clamps out-of-range values", () => {
    const batch: ImageBatch = {
      pixels: Float32Array.from([1, 0, 0.2, -1, 2, NaN]),
      count: 2,
      height: 1,
      width: 1,
      channels: 3,
    };
    const grid = tileGrid(batch, 2, 0);
    expect(grid).toMatchObject({ height: 1, width: 2, channels: 3 });
    expect([...grid.pixels]).toEqual([255, 0, 51, 0, 255, 0]);
  });

  it("names the mismatch when pixels do not fit the shape", () => {
    const batch = { ...numberedBatch(3), count: 4 };
    expect(() => tileGrid(batch)).toThrow(/expected count\*height\*width\*channels = 4\*2\*2\*1 = 16/);
  });
});

describe("encodePng", () => {
  it("writes a 1-channel PNG for grey grids, pixel for pixel", async () => {
    const grid = tileGrid(numberedBatch(3), 2, 1);
    const png = await encodePng(grid);
    const meta = await sharp(png).metadata();
    expect(meta).toMatchObject({ format: "png", width: 7, height: 7, channels: 1 });
    // sharp widens grey to sRGB on raw output too, unless told otherwise; the PNG itself is 1 channel.
    const { data, info } = await sharp(png).toColourspace("b-w").raw().toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(1);
    expect([...data]).toEqual([...grid.pixels]);
  });

  it("writes a 3-channel PNG for RGB grids", async () => {
    const grid = { pixels: Uint8Array.from([255, 0, 0, 0, 0, 255]), height: 1, width: 2, channels: 3 as const };
    const png = await encodePng(grid);
    expect(await sharp(png).metadata()).toMatchObject({ width: 2, height: 1, channels: 3 });
    expect([...(await sharp(png).raw().toBuffer())]).toEqual([...grid.pixels]);
  });
});
