/**
 * What BCE and squared error charge around greyscale targets (claims C1 and C2): the tables `aelab losses`
 * prints and the figures it and the experiment report draw.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  asymmetryChecks,
  bceExcess,
  localRatio,
  penaltyCurves,
  ratioClosedForm,
  ratioNearHalf,
  squaredError,
  type AsymmetryCheck,
  type RatioRow,
} from "../metrics/analytic.js";
import { lineChart, lineChartGrid, type Chart, type LineChartOptions, type MarkedPoint } from "./plot/index.js";

/** The targets drawn in losses.png: both of C1's and C2's 0.5. */
const FIGURE_TARGETS = [0.3, 0.5, 0.8];

/** C1 and C2 as tables, each followed by what its numbers show, in words computed from them. */
export function lossesReport(): string {
  return [c1Section(asymmetryChecks()), c2Section(ratioNearHalf())].join("\n\n");
}

function c1Section(checks: AsymmetryCheck[]): string {
  const rows = checks.flatMap((c) =>
    (["lower", "upper"] as const).map((side) => {
      const p = c[side];
      return [
        String(c.target),
        String(p),
        f4(side === "lower" ? c.bceLower : c.bceUpper),
        f4(bceExcess(c.target, p)),
        f4(side === "lower" ? c.mseLower : c.mseUpper),
      ];
    }),
  );
  const words = checks.map((c) => {
    const [costly, cheap] = c.costlier === "upper" ? [c.upper, c.lower] : [c.lower, c.upper];
    const [bceCostly, bceCheap] = c.costlier === "upper" ? [c.bceUpper, c.bceLower] : [c.bceLower, c.bceUpper];
    const symmetricMse = Math.abs(c.mseLower - c.mseUpper) < 1e-12;
    const mse = symmetricMse ? `squared error charges both ${short(c.mseLower)}` : `squared error charges ${short(c.mseLower)} and ${short(c.mseUpper)}`;
    const end = costly > c.target ? 1 : 0;
    return (
      `For target ${c.target}, BCE charges ${costly} more than ${cheap} (${f3(bceCostly)} vs ${f3(bceCheap)}): ` +
      `${bceCostly === bceCheap ? "symmetric" : "asymmetric"}, the dearer prediction being the one toward ${end}; ${mse}.`
    );
  });
  const towardNearerEnd = checks.every((c) => (c.costlier === "upper") === c.target > 0.5);
  return [
    "C1  BCE is asymmetric around a non-binary target (predictions equally far either side of it)",
    "",
    table(["target", "prediction", "BCE", "BCE - min", "squared error"], rows),
    "",
    ...words,
    towardNearerEnd
      ? "In every case BCE charges more for the prediction toward the nearer end of [0, 1]: C1 holds."
      : "BCE does not always charge more for the prediction toward the nearer end of [0, 1]: C1 fails.",
  ].join("\n");
}

function c2Section(ratios: RatioRow[]): string {
  const rows = ratios.map((r) => [String(r.delta), sci(r.bceExcess), sci(r.squaredError), f4(r.ratio), f4(ratioClosedForm(r.delta))]);
  const near = ratios.find((r) => r.delta === 0.01) ?? ratios[0];
  const last = ratios[ratios.length - 1];
  const grows = ratios.every((r, i) => i === 0 || r.ratio > ratios[i - 1].ratio);
  const holds = Math.abs(near.ratio - 2) < 0.01;
  return [
    "C2  Near a target of 0.5, BCE minus its minimum is about twice the squared error (prediction 0.5 + d)",
    "",
    table(["d", "BCE - min", "squared error", "ratio", "-ln(1-4d^2)/(2d^2)"], rows),
    "",
    `At d = ${near.delta} the ratio is ${f4(near.ratio)}, ${holds ? "within 0.01 of 2" : "not within 0.01 of 2"}: ` +
      `${holds ? "C2 holds" : "C2 fails"} (the ratio is 2 + 4d^2 + O(d^4), so 2 in the limit d -> 0).`,
    grows
      ? `It grows with d, to ${f3(last.ratio)} at d = ${last.delta}: far from the target, BCE charges more than twice the squared error.`
      : "It does not grow steadily with d.",
    `Near other targets the factor is 1 / (2t(1-t)): ${FIGURE_TARGETS.map((t) => `${f3(localRatio(t))} at ${t}`).join(", ")}; 0.5 is where it is smallest.`,
  ].join("\n");
}

/**
 * Draws C1 and C2 into `outDir`: losses.svg/.png (excess BCE and squared error against the prediction,
 * one panel per target, C1's example points marked) and ratio.svg/.png (C2's ratio against the distance
 * from 0.5, with the limit 2 marked). Returns the paths written.
 */
export async function writeLossFigures(outDir: string): Promise<{ files: string[] }> {
  mkdirSync(outDir, { recursive: true });
  const files: string[] = [];
  const save = (name: string, chart: Chart) => {
    for (const [ext, data] of [
      ["svg", chart.svg],
      ["png", chart.png],
    ] as const) {
      const path = join(outDir, `${name}.${ext}`);
      writeFileSync(path, data);
      files.push(path);
    }
  };
  save("losses", await lossesFigure());
  save("ratio", await ratioFigure());
  return { files };
}

/** Predictions marked in each panel: C1's examples, and 0.5 +- 0.1 for C2. */
function examplePredictions(target: number): number[] {
  const c1 = asymmetryChecks().find((c) => c.target === target);
  return c1 ? [c1.lower, c1.upper] : [target - 0.1, target + 0.1].map((p) => Number(p.toFixed(10)));
}

export function lossesFigure(): Promise<Chart> {
  const panels: LineChartOptions[] = penaltyCurves(FIGURE_TARGETS).map((curve) => {
    const t = curve.target;
    const ps = examplePredictions(t);
    const marks: MarkedPoint[] = ps.flatMap((p) => [
      { x: p, y: bceExcess(t, p), label: f3(bceExcess(t, p)), side: p < t ? ("left" as const) : ("right" as const) },
      { x: p, y: squaredError(t, p), label: "" },
    ]);
    return {
      title: `target ${t}`,
      subtitle: `p = ${ps[0]}, ${ps[1]}: squared error ${short(squaredError(t, ps[0]))} both`,
      xLabel: "prediction p",
      yLabel: "penalty above the minimum",
      series: [
        { name: "BCE - min (nats)", points: curve.bce },
        { name: "squared error", points: curve.mse, dashed: true },
      ],
      marks,
      // Zoomed on the example points; BCE - min reaches about 4 nats at the ends of (0, 1).
      xDomain: [Math.max(0, t - 0.35), Math.min(1, t + 0.35)],
      yDomain: [0, 0.1],
      width: 250,
      height: 220,
    };
  });
  return lineChartGrid(panels, {
    title: "BCE and squared error above their minimum, against the prediction",
    subtitle: "C1: at 0.3 and 0.8 BCE is lopsided, squared error is not. C2: at 0.5, BCE - min is about twice the squared error.",
    columns: panels.length,
  });
}

export function ratioFigure(): Promise<Chart> {
  const steps = 200;
  const points = Array.from({ length: steps }, (_, i) => {
    const d = (0.45 * (i + 1)) / steps;
    return { x: d, y: bceExcess(0.5, 0.5 + d) / squaredError(0.5, 0.5 + d) };
  });
  return lineChart({
    title: "C2: (BCE - min) / squared error at target 0.5",
    subtitle: "prediction 0.5 + d; exactly -ln(1 - 4d^2) / (2d^2) = 2 + 4d^2 + ...",
    xLabel: "distance d of the prediction from the target 0.5",
    yLabel: "ratio",
    series: [
      { name: "(BCE - min) / squared error", points },
      { name: "2 + 4d^2", points: points.map((p) => ({ x: p.x, y: 2 + 4 * p.x * p.x })), dashed: true },
    ],
    marks: ratioNearHalf([0.1, 0.2, 0.3, 0.4]).map((r) => ({ x: r.delta, y: r.ratio, label: f3(r.ratio), side: "left" as const })),
    rules: [{ y: 2, label: "2 (the limit as d -> 0)" }],
    xDomain: [0, 0.45],
    yDomain: [1.8, 4.2],
  });
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join("   ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].map((l) => `  ${l}`).join("\n");
}

const f3 = (v: number) => v.toFixed(3);
const f4 = (v: number) => v.toFixed(4);
const sci = (v: number) => v.toExponential(3);
/** Three significant digits without trailing zeros or float noise: 0.010000000000000018 -> "0.01". */
const short = (v: number) => String(Number(v.toPrecision(3)));
