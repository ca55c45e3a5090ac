import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadDataset } from "../data/index.js";
import { encodePng, tileGrid } from "../tensorboard/index.js";
import { loadRun } from "../train/load-run.js";
import type { Group } from "./groups.js";
import { reconstructions, runTestTargets } from "./run-metrics.js";

/** Test images per panel row. */
const PANEL_COLUMNS = 8;

export interface Panel {
  file: string;
  caption: string;
  png: Buffer;
}

/**
 * The same test images reconstructed by every group, one row each under a row of the targets. All rows
 * use one seed's runs, so they share the test split; one panel per target binarization.
 */
export async function reconstructionPanels(dir: string, groups: readonly Group[]): Promise<Panel[]> {
  const panels: Panel[] = [];
  for (const binarize of ["none", "threshold", "bernoulli"] as const) {
    const members = groups.filter((g) => g.traits.binarize === binarize);
    if (members.length === 0) continue;
    const seeds = members.map((g) => new Set(g.runs.map((r) => r.traits.seed)));
    const common = [...seeds[0]].filter((s) => seeds.every((set) => set.has(s))).sort((a, b) => a - b)[0];
    if (common === undefined) continue;
    const rows: Float32Array[] = [];
    let shape = { height: 0, width: 0, channels: 1 };
    for (const [i, group] of members.entries()) {
      const runDir = group.runs.find((r) => r.traits.seed === common)!.metrics.run;
      const run = await loadRun(runDir);
      try {
        const { config } = run;
        const dataset = await loadDataset(config.data.source, { seed: config.seed, testFraction: config.data.testFraction, testLimit: PANEL_COLUMNS });
        const targets = runTestTargets(config, dataset);
        shape = run.shape;
        if (i === 0) rows.push(targets.images);
        rows.push(reconstructions(run.variant, targets, run.shape));
      } finally {
        run.variant.dispose();
      }
    }
    const perImage = shape.height * shape.width * shape.channels;
    const pixels = new Float32Array(rows.length * PANEL_COLUMNS * perImage);
    rows.forEach((row, r) => pixels.set(row.subarray(0, PANEL_COLUMNS * perImage), r * PANEL_COLUMNS * perImage));
    const png = await encodePng(tileGrid({ pixels, count: rows.length * PANEL_COLUMNS, height: shape.height, width: shape.width, channels: shape.channels as 1 | 3 }, PANEL_COLUMNS));
    const file = `fig-reconstructions-${binarize}.png`;
    writeFileSync(join(dir, file), png);
    panels.push({
      file,
      png,
      caption: `Targets${binarize === "none" ? "" : ` (${binarize})`} in the first row, then the reconstructions of ${members.map((g) => g.name).join(", ")} (one row each, seed ${common}).`,
    });
  }
  return panels;
}
