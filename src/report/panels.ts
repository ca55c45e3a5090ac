import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { dataCacheDir, loadDataset } from "../data/index.js";
import { loadRun } from "../train/load-run.js";
import type { Group } from "./groups.js";
import { labelledPanel, PANEL_SCALE, type PanelRow } from "./panel-image.js";
import { reconstructions, runTestTargets } from "./run-metrics.js";

/** Test images per panel row. */
const PANEL_COLUMNS = 8;

export interface Panel {
  file: string;
  caption: string;
  png: Buffer;
}

/**
 * The same test images reconstructed by every group, one labelled row each under a row of the targets,
 * upscaled to be read. All rows use one seed's runs, so they share the test split (the same first test
 * digits for every group); one panel per target binarization.
 */
export async function reconstructionPanels(dir: string, groups: readonly Group[]): Promise<Panel[]> {
  const panels: Panel[] = [];
  for (const binarize of ["none", "threshold", "bernoulli"] as const) {
    const members = groups.filter((g) => g.traits.binarize === binarize);
    if (members.length === 0) continue;
    const seeds = members.map((g) => new Set(g.runs.map((r) => r.traits.seed)));
    const common = [...seeds[0]].filter((s) => seeds.every((set) => set.has(s))).sort((a, b) => a - b)[0];
    if (common === undefined) continue;
    const rows: PanelRow[] = [];
    let shape = { height: 0, width: 0, channels: 1 };
    for (const [i, group] of members.entries()) {
      const runDir = group.runs.find((r) => r.traits.seed === common)!.metrics.run;
      const run = await loadRun(runDir);
      try {
        const { config } = run;
        const dataset = await loadDataset(config.data.source, {
          ...config.data,
          seed: config.seed,
          trainLimit: undefined,
          testLimit: PANEL_COLUMNS,
          cacheDir: dataCacheDir(dirname(dir)),
        });
        const targets = runTestTargets(config, dataset);
        shape = run.shape;
        if (i === 0) rows.push({ label: binarize === "none" ? "targets" : `targets (${binarize})`, images: targets.images });
        rows.push({ label: group.name, images: reconstructions(run.variant, targets, run.shape) });
      } finally {
        run.variant.dispose();
      }
    }
    // A test split smaller than a row shows what it has.
    const columns = Math.min(PANEL_COLUMNS, ...rows.map((r) => Math.floor(r.images.length / (shape.height * shape.width * shape.channels))));
    if (columns === 0) continue;
    const { png } = await labelledPanel({ rows, columns, height: shape.height, width: shape.width, channels: shape.channels as 1 | 3 });
    const file = `fig-reconstructions-${binarize}.png`;
    writeFileSync(join(dir, file), png);
    panels.push({
      file,
      png,
      caption: `The first ${columns} test digits${binarize === "none" ? "" : ` (${binarize} targets)`}: targets in the first row, then each group's reconstructions of the same digits, one labelled row per group (seed ${common}; drawn ${PANEL_SCALE}x, nearest neighbour).`,
    });
  }
  return panels;
}
