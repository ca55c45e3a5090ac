import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { meanStd } from "../metrics/index.js";
import { errorBarChart, histogramChart, lineChart, type Series } from "./plot/index.js";
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

/** The figures the report shows, written as PNG and SVG into `dir`. */
export async function drawFigures(dir: string, groups: readonly Group[]): Promise<Figure[]> {
  const figures: Figure[] = [];
  const grey = greyscaleGroups(groups);
  for (const family of ["ae", "vae"] as const) {
    const members = grey.filter((g) => g.traits.family === family);
    if (members.length === 0) continue;
    const series: Series[] = members.map((g) => ({
      name: g.name,
      points: g.runs[0].metrics.byIntensity
        .map((bin, i) => ({ x: (bin.lo + bin.hi) / 2, y: meanStd(g.runs.map((r) => r.metrics.byIntensity[i].meanSignedError)).mean }))
        .filter((p) => Number.isFinite(p.y)),
    }));
    const file = `fig-signed-error-${family}`;
    figures.push({
      file: `${file}.png`,
      title: `${family.toUpperCase()}: signed error by target intensity`,
      caption:
        "Mean output minus target for pixels whose target falls in each tenth of [0, 1] (mean over seeds). Below zero at bright targets and above zero at dark ones is a pull toward 0.5; a loss minimised by the conditional mean also regresses toward the mean intensity, so a perfect model need not sit on zero.",
      png: await save(dir, file, await lineChart({ title: `${family.toUpperCase()}: mean signed error by target intensity`, xLabel: "target intensity (bin centre)", yLabel: "mean (output − target)", series, zeroLine: true })),
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
          series: [{ name: "targets", edges: first.edges, counts: first.target }, ...members.map((g) => ({ name: g.name, edges: first.edges, counts: g.runs[0].metrics.histogram.output }))],
        }),
      ),
    });
  }
  const bars = async (file: string, title: string, yLabel: string, caption: string, value: (m: RunMetrics) => number) => {
    figures.push({
      file: `${file}.png`,
      title,
      caption,
      png: await save(dir, file, await errorBarChart({ title, yLabel, groups: groups.map((g) => ({ label: g.name, ...mean(g, value) })).filter((g) => Number.isFinite(g.mean)) })),
    });
  };
  await bars("fig-sharpness", "Sharpness of reconstructions relative to their targets", "gradient magnitude ratio", "Mean gradient magnitude of outputs over that of targets (1 = as sharp as the data); mean ± std over seeds.", (m) => m.sharpnessRatio.gradient);
  await bars("fig-pull", "Pull toward 0.5", "mean |y − ½| − mean |x − ½|", "Negative: outputs sit closer to 0.5 than the targets do; mean ± std over seeds.", (m) => m.pullTowardHalf);
  await bars("fig-midgrey", "Share of output pixels in (0.1, 0.9)", "share", "How much of each output is neither near black nor near white; targets' share is in the metrics table.", (m) => m.midGreyOutput);
  return figures;
}
