import sharp from "sharp";
import { tileGrid } from "../tensorboard/index.js";

/** One row of a labelled panel: its label and its images (count × height × width × channels values in [0, 1]). */
export interface PanelRow {
  label: string;
  images: Float32Array;
}

export interface LabelledPanelOptions {
  rows: readonly PanelRow[];
  /** Images per row (each row must hold at least this many). */
  columns: number;
  height: number;
  width: number;
  channels: 1 | 3;
  /** Nearest-neighbour upscaling: a 28-pixel digit drawn at 3x is 84 pixels, large enough to read. */
  scale?: number;
}

export interface LabelledPanel {
  png: Buffer;
  /** The text overlay drawn over the label column (the row labels, as SVG). */
  svg: string;
  width: number;
  height: number;
}

export const PANEL_SCALE = 3;
/** Grey gap between images, in output pixels. */
const GAP = 4;
const FONT_SIZE = 15;
/** A generous width per character of the label font (DejaVu Sans at 15 px averages about 8.5). */
const CHAR_WIDTH = 9;
const LABEL_MARGIN = 12;

/** Each image enlarged `scale` times by repeating its pixels (no smoothing: a pixel stays a pixel). */
export function upscaleNearest(images: Float32Array, count: number, height: number, width: number, channels: number, scale: number): Float32Array {
  if (!Number.isInteger(scale) || scale < 1) throw new RangeError(`upscaleNearest: scale must be a whole number >= 1 (got ${scale})`);
  const h = height * scale;
  const w = width * scale;
  const out = new Float32Array(count * h * w * channels);
  for (let n = 0; n < count; n++) {
    for (let y = 0; y < h; y++) {
      const srcRow = (n * height + Math.floor(y / scale)) * width;
      const dstRow = (n * h + y) * w;
      for (let x = 0; x < w; x++) {
        const src = (srcRow + Math.floor(x / scale)) * channels;
        const dst = (dstRow + x) * channels;
        for (let c = 0; c < channels; c++) out[dst + c] = images[src + c];
      }
    }
  }
  return out;
}

const escapeXml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/**
 * Rows of images, each upscaled and labelled at its left (the label drawn into the image, so the PNG reads
 * alone, in TensorBoard as in the report). Deterministic: the same rows give the same bytes.
 */
export async function labelledPanel(o: LabelledPanelOptions): Promise<LabelledPanel> {
  const scale = o.scale ?? PANEL_SCALE;
  const perImage = o.height * o.width * o.channels;
  if (o.rows.length === 0) throw new RangeError("labelledPanel: no rows to draw");
  o.rows.forEach((r, i) => {
    if (r.images.length < o.columns * perImage)
      throw new RangeError(`labelledPanel: row ${i} ("${r.label}") has ${Math.floor(r.images.length / perImage)} images, the panel needs ${o.columns}`);
  });
  const count = o.rows.length * o.columns;
  const pixels = new Float32Array(count * perImage);
  o.rows.forEach((r, i) => pixels.set(r.images.subarray(0, o.columns * perImage), i * o.columns * perImage));
  const tile = { height: o.height * scale, width: o.width * scale };
  const grid = tileGrid({ pixels: upscaleNearest(pixels, count, o.height, o.width, o.channels, scale), count, ...tile, channels: o.channels }, o.columns, GAP);
  const labelWidth = Math.max(...o.rows.map((r) => r.label.length)) * CHAR_WIDTH + 2 * LABEL_MARGIN;
  const width = labelWidth + grid.width;
  const height = grid.height;
  const texts = o.rows.map((r, i) => {
    const middle = GAP + i * (tile.height + GAP) + tile.height / 2;
    return `<text x="${labelWidth - LABEL_MARGIN}" y="${middle}" text-anchor="end" dominant-baseline="middle">${escapeXml(r.label)}</text>`;
  });
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${labelWidth}" height="${height}"><g font-family="DejaVu Sans, sans-serif" font-size="${FONT_SIZE}" fill="#000000">${texts.join("")}</g></svg>`;
  const image = sharp({ create: { width, height, channels: 3, background: "#ffffff" } }).composite([
    {
      input: Buffer.from(grid.pixels.buffer, grid.pixels.byteOffset, grid.pixels.byteLength),
      raw: { width: grid.width, height: grid.height, channels: o.channels },
      left: labelWidth,
      top: 0,
    },
    { input: Buffer.from(svg), left: 0, top: 0 },
  ]);
  // sharp applies compositing last in a pipeline, so dropping the SVG's alpha and the colour channels of a
  // greyscale panel (the labels are black on white) takes a second pass over the composed image.
  const composed = sharp(await image.png().toBuffer()).removeAlpha();
  const png = await (o.channels === 1 ? composed.toColourspace("b-w") : composed).png({ compressionLevel: 9 }).toBuffer();
  return { png, svg, width, height };
}
