import sharp from "sharp";
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

/** A rendered figure: the SVG (scale 1, for documents) and a PNG at twice that size (crisp text on screens and in print). */
export interface Chart {
  svg: string;
  png: Buffer;
  /** Size of the SVG in CSS pixels; the PNG is PNG_SCALE times this. */
  width: number;
  height: number;
  /** What Vega-Lite or Vega warned about while drawing (a dropped encoding, an invalid value); empty for a clean spec. */
  warnings: string[];
}

export const PNG_SCALE = 2;

type Logger = NonNullable<NonNullable<Parameters<typeof compile>[1]>["logger"]>;

// Vega numbers clip paths and gradients from a module-wide counter; renders are queued and the counter is
// reset before each, so the same spec always gives byte-identical SVG, whatever was rendered before.
let queue: Promise<unknown> = Promise.resolve();
// vega re-exports vega-scenegraph's reset at run time, but vega-typings does not declare it.
const resetSVGDefIds = (vega as unknown as { resetSVGDefIds: () => void }).resetSVGDefIds;

/** Compiles a Vega-Lite spec and renders it headless (no canvas, no browser): SVG text, then PNG through sharp (librsvg). */
export function renderChart(spec: TopLevelSpec): Promise<Chart> {
  const next = queue.then(() => render(spec));
  queue = next.catch(() => undefined);
  return next;
}

async function render(spec: TopLevelSpec): Promise<Chart> {
  const warnings: string[] = [];
  const logger = new CollectingLogger(warnings);
  const view = new vega.View(vega.parse(compile(spec, { logger }).spec), { renderer: "none", logger, logLevel: vega.Warn });
  try {
    await view.runAsync();
    resetSVGDefIds();
    const svg = await view.toSVG();
    resetSVGDefIds();
    const svg2x = await view.toSVG(PNG_SCALE);
    const { width, height } = svgSize(svg);
    // librsvg at its default 72 dpi draws one SVG pixel as one PNG pixel, so the 2x SVG gives the 2x PNG.
    const png = await sharp(Buffer.from(svg2x)).png({ compressionLevel: 9 }).toBuffer();
    return { svg, png, width, height, warnings };
  } finally {
    view.finalize();
  }
}

/** Keeps warnings with the chart instead of printing them in the middle of a command's output; errors still throw. */
class CollectingLogger implements Logger {
  private threshold: number = vega.Warn;
  constructor(readonly warnings: string[]) {}
  level(): number;
  level(value: number): this;
  level(value?: number): number | this {
    if (value === undefined) return this.threshold;
    this.threshold = value;
    return this;
  }
  error(...args: readonly unknown[]): this {
    throw new Error(`vega: ${args.map(String).join(" ")}`);
  }
  warn(...args: readonly unknown[]): this {
    if (this.threshold >= vega.Warn) this.warnings.push(args.map(String).join(" "));
    return this;
  }
  info(): this {
    return this;
  }
  debug(): this {
    return this;
  }
}

function svgSize(svg: string): { width: number; height: number } {
  const match = /^<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(svg);
  if (!match) throw new Error(`vega produced no sized <svg> element: ${svg.slice(0, 80)}`);
  return { width: Number(match[1]), height: Number(match[2]) };
}
