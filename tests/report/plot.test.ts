import sharp from "sharp";
import { describe, expect, it } from "vitest";
import {
  PNG_SCALE,
  PlotError,
  errorBarChart,
  histogramChart,
  lineChart,
  lineChartGrid,
  type Chart,
  type LineChartOptions,
} from "../../src/report/plot/index.js";

const xs = Array.from({ length: 41 }, (_, i) => i / 40);

function options(overrides: Partial<LineChartOptions> = {}): LineChartOptions {
  return {
    title: "Penalty against the prediction",
    xLabel: "prediction p",
    yLabel: "penalty",
    series: [
      { name: "squared error", points: xs.map((x) => ({ x, y: (x - 0.8) ** 2 })) },
      { name: "absolute error", points: xs.map((x) => ({ x, y: Math.abs(x - 0.8) })), dashed: true },
    ],
    ...overrides,
  };
}

/** Well-formed enough: one <svg> root, every other tag closed in order (a stand-in for an XML parser). */
function expectWellFormedSvg(svg: string): void {
  expect(svg.startsWith("<svg")).toBe(true);
  expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
  const stack: string[] = [];
  for (const [, closing, name, selfClosing] of svg.matchAll(/<(\/?)([a-zA-Z][\w:-]*)[^>]*?(\/?)>/g)) {
    if (selfClosing) continue;
    if (closing) expect(stack.pop()).toBe(name);
    else stack.push(name);
  }
  expect(stack).toEqual([]);
}

/** The PNG decodes and is PNG_SCALE times the SVG's size. */
async function expectPng(chart: Chart): Promise<void> {
  const meta = await sharp(chart.png).metadata();
  expect(meta.format).toBe("png");
  expect(meta.width).toBe(Math.round(chart.width * PNG_SCALE));
  expect(meta.height).toBe(Math.round(chart.height * PNG_SCALE));
}

/** The `d` attribute of every line mark's path, one per series. */
function linePaths(svg: string): string[] {
  return [...svg.matchAll(/aria-roledescription="line mark" d="([^"]*)"/g)].map((m) => m[1]);
}

const moves = (d: string) => d.split("M").length - 1;

describe("lineChart", () => {
  it("renders SVG with the title, axis labels, series names and marks, and a PNG at twice its size", async () => {
    const chart = await lineChart(
      options({ subtitle: "two losses", marks: [{ x: 0.9, y: 0.01, label: "p = 0.9" }], rules: [{ y: 0.5, label: "half" }], zeroLine: true }),
    );
    expectWellFormedSvg(chart.svg);
    for (const text of ["Penalty against the prediction", "two losses", "prediction p", "penalty", "squared error", "absolute error", "p = 0.9", "half"]) {
      expect(chart.svg).toContain(`>${text}<`);
    }
    expect(chart.width).toBeGreaterThan(360);
    expect(chart.warnings).toEqual([]);
    await expectPng(chart);
    // The SVG itself rasterises (librsvg parses it as XML).
    expect((await sharp(Buffer.from(chart.svg)).metadata()).width).toBe(Math.round(chart.width));
  });

  it("is deterministic: the same input gives the same bytes, even after other charts were drawn", async () => {
    const first = await lineChart(options({ xDomain: [0, 1] }));
    await lineChart(options({ title: "something else in between", yDomain: [0, 2] }));
    const second = await lineChart(options({ xDomain: [0, 1] }));
    expect(second.svg).toBe(first.svg);
    expect(second.png.equals(first.png)).toBe(true);
    expect(first.svg).not.toMatch(/\d{4}-\d\d-\d\dT|Math\.random|uuid/);
  });

  it("gives a different image for different data", async () => {
    const a = await lineChart(options());
    const b = await lineChart(options({ series: [{ name: "squared error", points: xs.map((x) => ({ x, y: (x - 0.3) ** 2 })) }] }));
    expect(b.svg).not.toBe(a.svg);
    expect(b.png.equals(a.png)).toBe(false);
  });

  it("draws a NaN or infinite y as a gap in its line", async () => {
    const whole = await lineChart(options({ series: [{ name: "loss", points: xs.map((x) => ({ x, y: x })) }] }));
    const broken = await lineChart(options({ series: [{ name: "loss", points: xs.map((x, i) => ({ x, y: i === 20 ? NaN : i === 30 ? Infinity : x })) }] }));
    expect(linePaths(whole.svg).map(moves)).toEqual([1]);
    expect(linePaths(broken.svg).map(moves)).toEqual([3]);
    expect(broken.warnings).toEqual([]);
  });

  it("rejects what it cannot draw, naming the chart and the culprit", async () => {
    const points = [{ x: 0, y: 1 }];
    expect(() => lineChart(options({ series: [] }))).toThrow(PlotError);
    expect(() => lineChart(options({ series: [] }))).toThrow(/"Penalty against the prediction": series: nothing to draw/);
    expect(() => lineChart(options({ series: [{ name: "empty", points: [] }] }))).toThrow(/series "empty" has no points/);
    expect(() => lineChart(options({ series: [{ name: "nan", points: [{ x: 0, y: NaN }] }] }))).toThrow(/series "nan" has no finite y value/);
    expect(() => lineChart(options({ series: [{ name: "x", points: [{ x: NaN, y: 1 }] }] }))).toThrow(
      /series "x" point 0 x must be a finite number \(got NaN\)/,
    );
    expect(() =>
      lineChart(
        options({
          series: [
            { name: "a", points },
            { name: "a", points },
          ],
        }),
      ),
    ).toThrow(/"a" is used twice/);
    expect(() => lineChart(options({ xDomain: [1, 0] }))).toThrow(/xDomain must be \[low, high\]/);
    expect(() => lineChart(options({ marks: [{ x: 0.5, y: NaN, label: "?" }] }))).toThrow(/marks\[0\]\.y must be a finite number/);
  });

  it("escapes text so a title with markup characters stays well-formed", async () => {
    const chart = await lineChart(
      options({
        title: "BCE < MSE & more",
        series: [
          {
            name: "<b>",
            points: [
              { x: 0, y: 0 },
              { x: 1, y: 1 },
            ],
          },
        ],
      }),
    );
    expectWellFormedSvg(chart.svg);
    expect(chart.svg).toContain("BCE &lt; MSE &amp; more");
  });
});

describe("lineChartGrid", () => {
  it("draws small multiples side by side with one legend", async () => {
    const panels = [0.3, 0.8].map((t) => options({ title: `target ${t}`, width: 200, height: 150 }));
    const grid = await lineChartGrid(panels, { title: "Both targets", columns: 2 });
    expectWellFormedSvg(grid.svg);
    for (const text of ["Both targets", "target 0.3", "target 0.8"]) expect(grid.svg).toContain(`>${text}<`);
    expect(grid.svg.split(">squared error<").length - 1).toBe(1);
    expect(linePaths(grid.svg)).toHaveLength(4);
    expect(grid.warnings).toEqual([]);
    await expectPng(grid);
    const single = await lineChart(options({ width: 200, height: 150 }));
    expect(grid.width).toBeGreaterThan(1.5 * single.width - 200);

    const stacked = await lineChartGrid(panels, { columns: 1 });
    expect(stacked.height).toBeGreaterThan(grid.height);
    expect(() => lineChartGrid([])).toThrow(/no charts to draw/);
    expect(() => lineChartGrid(panels, { columns: 0 })).toThrow(/columns must be a whole number >= 1/);
  });
});

describe("errorBarChart", () => {
  const groups = [
    { label: "ae-mse", mean: 0.12, std: 0.01 },
    { label: "ae-bce", mean: 0.1, std: 0.02, color: "#000000" },
    { label: "single run", mean: 0.11, std: NaN },
  ];

  it("draws one dot per group with whiskers, labels and values", async () => {
    const chart = await errorBarChart({ title: "Sharpness", yLabel: "gradient ratio", groups, showValues: true, rules: [{ y: 0.1 }] });
    expectWellFormedSvg(chart.svg);
    for (const text of ["Sharpness", "gradient ratio", "ae-mse", "ae-bce", "single run", "0.12 ± 0.01", "0.1 ± 0.02", "0.11"]) {
      expect(chart.svg).toContain(`>${text}<`);
    }
    expect(chart.svg.match(/aria-roledescription="point"/g)).toHaveLength(3);
    // Whiskers: one rule per group with a finite std (plus the reference line).
    expect(chart.svg.match(/aria-roledescription="rule mark"/g)).toHaveLength(3);
    expect(chart.svg).toContain('fill="#000000"');
    expect(chart.warnings).toEqual([]);
    await expectPng(chart);
  });

  it("draws bars from 0, and differs when the data does", async () => {
    const bars = await errorBarChart({ title: "Sharpness", yLabel: "ratio", groups, style: "bar" });
    expect(bars.svg.match(/aria-roledescription="bar"/g)).toHaveLength(3);
    expect(bars.warnings).toEqual([]);
    const other = await errorBarChart({ title: "Sharpness", yLabel: "ratio", groups: groups.map((g) => ({ ...g, mean: g.mean * 2 })), style: "bar" });
    expect(other.png.equals(bars.png)).toBe(false);
  });

  it("draws groups of a single run each (no spread anywhere) as dots without whiskers", async () => {
    const chart = await errorBarChart({ title: "One seed", yLabel: "gradient ratio", groups: groups.map((g) => ({ ...g, std: NaN })), showValues: true });
    expect(chart.svg.match(/aria-roledescription="point"/g)).toHaveLength(3);
    expect(chart.svg).not.toContain('aria-roledescription="rule mark"');
    for (const text of ["gradient ratio", "0.12", "0.1", "0.11"]) expect(chart.svg).toContain(`>${text}<`);
    expect(chart.warnings).toEqual([]);
  });

  it("rejects a NaN mean, a negative std and duplicate labels", () => {
    expect(() => errorBarChart({ title: "t", yLabel: "y", groups: [{ label: "a", mean: NaN, std: 1 }] })).toThrow(
      /groups\[0\] \("a"\) mean must be a finite number/,
    );
    expect(() => errorBarChart({ title: "t", yLabel: "y", groups: [{ label: "a", mean: 1, std: -1 }] })).toThrow(/std must be >= 0/);
    expect(() => errorBarChart({ title: "t", yLabel: "y", groups: [] })).toThrow(/nothing to draw/);
  });
});

describe("histogramChart", () => {
  const edges = [0, 0.25, 0.5, 0.75, 1];
  const series = [
    { name: "targets", edges, counts: [80, 0, 5, 15] },
    { name: "outputs", edges, counts: [40, 20, 20, 20], dashed: true },
  ];

  it("overlays step outlines normalised to shares", async () => {
    const chart = await histogramChart({ title: "Intensities", xLabel: "intensity", series });
    expectWellFormedSvg(chart.svg);
    for (const text of ["Intensities", "intensity", "share of values", "targets", "outputs"]) expect(chart.svg).toContain(`>${text}<`);
    expect(linePaths(chart.svg)).toHaveLength(2);
    expect(chart.warnings).toEqual([]);
    await expectPng(chart);
    // Shares, not counts: doubling every count draws the same picture.
    const doubled = await histogramChart({
      title: "Intensities",
      xLabel: "intensity",
      series: series.map((s) => ({ ...s, counts: s.counts.map((c) => 2 * c) })),
    });
    expect(doubled.svg).toBe(chart.svg);
  });

  it("on a log scale draws empty bins as gaps; in bar mode fills rectangles", async () => {
    const log = await histogramChart({ title: "Intensities", xLabel: "intensity", series, logY: true });
    expect(linePaths(log.svg).map(moves)).toEqual([2, 1]);
    expect(log.warnings).toEqual([]);
    const bars = await histogramChart({ title: "Intensities", xLabel: "intensity", series, mode: "bars" });
    expect(bars.svg.match(/aria-roledescription="rect mark"/g)).toHaveLength(8);
    expect(bars.warnings).toEqual([]);
  });

  it("rejects edges that do not fit the counts, negative or NaN counts, and all-zero counts", () => {
    const draw = (s: { name: string; edges: number[]; counts: number[] }) => () => histogramChart({ title: "h", xLabel: "x", series: [s] });
    expect(draw({ name: "a", edges: [0, 1], counts: [1, 2] })).toThrow(/one more edge than counts/);
    expect(draw({ name: "a", edges: [0, 1, 1], counts: [1, 2] })).toThrow(/edges must increase/);
    expect(draw({ name: "a", edges: [0, 1, 2], counts: [1, NaN] })).toThrow(/counts\[1\] must be a finite number >= 0/);
    expect(draw({ name: "a", edges: [0, 1, 2], counts: [0, 0] })).toThrow(/every count is 0/);
    expect(() => histogramChart({ title: "h", xLabel: "x", series, mode: "bars", logY: true })).toThrow(/logY needs mode "step"/);
  });
});
