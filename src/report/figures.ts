import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { meanStd, type PushRow } from "../metrics/index.js";
import { errorBarChart, histogramChart, lineChart, lineChartGrid, type MarkedPoint, type Series } from "./plot/index.js";
import type { Group } from "./groups.js";
import type { RunMetrics } from "./run-metrics.js";

export interface Figure {
  /** File name in the experiment folder (PNG; an SVG of the same name sits beside it). */
  file: string;
  title: string;
  caption: string;
  png: Buffer;
}

/** Groups trained on the raw greyscale targets: the claims' main setting. */
export function greyscaleGroups(groups: readonly Group[]): Group[] {
  return groups.filter((g) => g.traits.binarize === "none");
}

/** Over the seeds whose value is finite (the metrics table counts the others); one seed gives a NaN std, drawn without whiskers rather than as "± 0". */
function mean(group: Group, value: (m: RunMetrics) => number): { mean: number; std: number } {
  const { mean: m, std } = meanStd(group.runs.map((r) => value(r.metrics)).filter(Number.isFinite));
  return { mean: m, std };
}

async function save(dir: string, file: string, chart: { svg: string; png: Buffer }): Promise<Buffer> {
  writeFileSync(join(dir, `${file}.svg`), chart.svg);
  writeFileSync(join(dir, `${file}.png`), chart.png);
  return chart.png;
}

/** Mean over seeds of a per-bin value, bin by bin (NaN where no seed has a finite value). */
function binMeans(g: Group, read: (m: RunMetrics) => number[]): number[] {
  const perSeed = g.runs.map((r) => read(r.metrics));
  const bins = Math.max(0, ...perSeed.map((v) => v.length));
  return Array.from({ length: bins }, (_, i) => {
    const finite = perSeed.map((v) => v[i]).filter((v): v is number => v !== undefined && Number.isFinite(v));
    return finite.length ? meanStd(finite).mean : NaN;
  });
}

/** A series' points with a finite y (a series with none is left out of its chart). */
function finitePoints(points: Array<{ x: number; y: number }>): Array<{ x: number; y: number }> {
  return points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
}

/** The diagonal of a reliability diagram: mean target = mean output, where an unbiased model's bins lie. */
const DIAGONAL: Series = {
  name: "unbiased (target = output)",
  points: [
    { x: 0, y: 0 },
    { x: 1, y: 1 },
  ],
  dashed: true,
  color: "#999999",
};

/** The figures the report shows, written as PNG and SVG into `dir`; `references` (the class-mean oracle) are drawn beside the groups. */
export async function drawFigures(dir: string, groups: readonly Group[], references: readonly Group[] = []): Promise<Figure[]> {
  const figures: Figure[] = [];
  const grey = greyscaleGroups(groups);
  const greyOracle = greyscaleGroups(references);
  for (const family of ["ae", "vae"] as const) {
    const members = grey.filter((g) => g.traits.family === family);
    if (members.length === 0) continue;
    const shown = [...members, ...greyOracle];
    const dashedIfReference = (g: Group) => (g.reference ? { dashed: true, color: "#222222" } : {});
    const series: Series[] = shown
      .map((g) => ({
        name: g.name,
        ...dashedIfReference(g),
        points: finitePoints(
          binMeans(g, (m) => m.byIntensity.map((b) => b.meanSignedError)).map((y, i) => {
            const bin = g.runs[0].metrics.byIntensity[i];
            return { x: (bin.lo + bin.hi) / 2, y };
          }),
        ),
      }))
      .filter((s) => s.points.length > 0);
    const file = `fig-signed-error-${family}`;
    figures.push({
      file: `${file}.png`,
      title: `${family.toUpperCase()}: signed error by target intensity (descriptive)`,
      caption:
        "Mean output minus target for pixels whose target falls in each tenth of [0, 1] (mean over seeds). Descriptive only: binning by the target selects on the outcome, so even an unbiased model regresses toward the mean intensity here; the dashed class-mean oracle (unbiased by construction) shows the shape such a model draws. Read the losses against it and against each other, not against zero; the reliability diagram tests the bias.",
      png: await save(
        dir,
        file,
        await lineChart({
          title: `${family.toUpperCase()}: mean signed error by target intensity`,
          xLabel: "target intensity (bin centre)",
          yLabel: "mean (output − target)",
          series,
          zeroLine: true,
        }),
      ),
    });
    const reliabilitySeries: Series[] = shown
      .map((g) => {
        const outputs = binMeans(g, (m) => m.reliability.bins.map((b) => b.meanOutput));
        const targets = binMeans(g, (m) => m.reliability.bins.map((b) => b.meanTarget));
        return { name: g.name, ...dashedIfReference(g), points: finitePoints(outputs.map((x, i) => ({ x, y: targets[i] }))) };
      })
      .filter((s) => s.points.length > 0);
    const reliabilityFile = `fig-reliability-${family}`;
    figures.push({
      file: `${reliabilityFile}.png`,
      title: `${family.toUpperCase()}: reliability diagram`,
      caption:
        "Pixels binned by their OUTPUT (tenths of [0, 1]): mean target against mean output per bin, mean over seeds. An unbiased (conditional-mean) model lies on the diagonal, as the dashed class-mean oracle does; a model pulled toward 0.5 lies above it at dark outputs and below it at bright ones (a curve flatter than the data), one pushed away from 0.5 the other way. The reliability pull is this diagram pooled into one number.",
      png: await save(
        dir,
        reliabilityFile,
        await lineChart({
          title: `${family.toUpperCase()}: mean target by output bin`,
          xLabel: "mean output in the bin",
          yLabel: "mean target in the bin",
          series: [...reliabilitySeries, DIAGONAL],
          xDomain: [0, 1],
          yDomain: [0, 1],
        }),
      ),
    });
    const histFile = `fig-intensity-${family}`;
    const first = members[0].runs[0].metrics.histogram;
    figures.push({
      file: `${histFile}.png`,
      title: `${family.toUpperCase()}: output intensity distributions`,
      caption: "Share of pixels per intensity bucket, targets vs each loss's outputs (first seed; log scale, since most MNIST pixels are 0).",
      png: await save(
        dir,
        histFile,
        await histogramChart({
          title: `${family.toUpperCase()}: intensities of targets and outputs`,
          xLabel: "intensity",
          logY: true,
          series: [
            { name: "targets", edges: first.edges, counts: first.target },
            ...members.map((g) => ({ name: g.name, edges: first.edges, counts: g.runs[0].metrics.histogram.output })),
          ],
        }),
      ),
    });
  }
  const bars = async (file: string, title: string, yLabel: string, caption: string, value: (m: RunMetrics) => number) => {
    figures.push({
      file: `${file}.png`,
      title,
      caption,
      png: await save(
        dir,
        file,
        await errorBarChart({ title, yLabel, groups: groups.map((g) => ({ label: g.name, ...mean(g, value) })).filter((g) => Number.isFinite(g.mean)) }),
      ),
    });
  };
  await bars(
    "fig-sharpness",
    "Sharpness of reconstructions relative to their targets",
    "gradient magnitude ratio",
    "Mean gradient magnitude of outputs over that of targets (1 = as sharp as the data); mean ± std over seeds.",
    (m) => m.sharpnessRatio.gradient,
  );
  const withReferences = [...groups, ...references];
  figures.push({
    file: "fig-pull.png",
    title: "Reliability pull toward 0.5",
    caption:
      "Mean over pixels of sign(y − ½)·(y − x): negative when outputs sit closer to 0.5 than the targets they stand for, 0 in expectation for an unbiased (conditional-mean) model such as the class-mean oracle; mean ± std over seeds.",
    png: await save(
      dir,
      "fig-pull",
      await errorBarChart({
        title: "Reliability pull toward 0.5",
        yLabel: "mean sign(y − ½)·(y − x)",
        groups: withReferences.map((g) => ({ label: g.name, ...mean(g, (m) => m.reliability.pull) })).filter((g) => Number.isFinite(g.mean)),
        rules: [{ y: 0, label: "unbiased" }],
      }),
    ),
  });
  const sweep = await pushSweepFigure(dir, grey);
  if (sweep) figures.push(sweep);
  await bars(
    "fig-midgrey",
    "Share of output pixels in (0.1, 0.9)",
    "share",
    "How much of each output is neither near black nor near white; targets' share is in the metrics table.",
    (m) => m.midGreyOutput,
  );
  return figures;
}

/** Mean over seeds of every k's (MSE, sharpness) in a group's push sweep; empty when its runs have none. */
function sweepPoints(g: Group, read: (row: PushRow) => number): Array<{ k: number; x: number; y: number }> {
  const first = g.runs[0].metrics.pushSweep;
  if (!first) return [];
  return first.map((row, i) => {
    const rows = g.runs.map((r) => r.metrics.pushSweep?.[i]).filter((r): r is PushRow => r !== undefined && r.k === row.k);
    const avg = (f: (r: PushRow) => number) => meanStd(rows.map(f).filter(Number.isFinite)).mean;
    return { k: row.k, x: avg((r) => r.mse), y: avg(read) };
  });
}

/** The push sweep: sharpness against the MSE it costs, one line per greyscale group through its k. */
async function pushSweepFigure(dir: string, grey: readonly Group[]): Promise<Figure | undefined> {
  const panels = [
    // Short axis titles: one longer than the panel's height would push that panel's title above the other's.
    { title: "gradient sharpness, outputs / targets", yLabel: "gradient ratio", read: (r: PushRow) => r.gradientRatio },
    { title: "high-frequency energy, outputs / targets", yLabel: "high-freq. energy ratio", read: (r: PushRow) => r.highFrequencyRatio },
  ];
  const charts = panels.map((panel) => {
    const lines = grey.map((g) => ({ name: g.name, points: finitePoints(sweepPoints(g, panel.read)) })).filter((s) => s.points.length > 0);
    const labelled = grey.map((g) => sweepPoints(g, panel.read)).find((p) => p.length > 0) ?? [];
    const marks: MarkedPoint[] = labelled.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y)).map((p) => ({ x: p.x, y: p.y, label: `k=${p.k}` }));
    return {
      title: panel.title,
      xLabel: "MSE to the greyscale targets (sum per image)",
      yLabel: panel.yLabel,
      series: lines,
      marks,
      rules: [{ y: 1, label: "as sharp as the targets" }],
    };
  });
  if (charts[0].series.length === 0) return undefined;
  const file = "fig-push-sweep";
  return {
    file: `${file}.png`,
    title: "Pushing the same outputs away from 0.5",
    caption:
      "Each greyscale-trained group's test outputs y pushed away from 0.5 as sigmoid(k·logit y), k = 1 (as trained) and larger, each measured against the same greyscale targets (mean over seeds; the first group's points are labelled with k): how much sharper the push makes the outputs, and what it costs in squared error. Only the push varies, so the targets' own sharpness does not enter.",
    png: await save(
      dir,
      file,
      await lineChartGrid(charts, {
        title: "Pushing the same outputs away from 0.5: sharpness against MSE",
        subtitle: "Each greyscale group's outputs as sigmoid(k·logit y), measured against the same greyscale targets",
        columns: charts.length,
      }),
    ),
  };
}
