import { existsSync, rmSync } from "node:fs";
import { basename, join } from "node:path";
import { loadConfig } from "../config/index.js";
import { seedAxisOf } from "../experiment/claims.js";
import { readCellOutcome, readExperimentRecord, type ExperimentRecord } from "../experiment/record.js";
import { resolveSesoi } from "../experiment/sesoi.js";
import { readExperimentFile } from "../experiment/spec.js";
import { comparedMetric } from "../metrics/registry.js";
import { EventFileWriter } from "../tensorboard/index.js";
import { readRunRecordIfAny } from "../train/run-folder.js";
import { RunError } from "../train/run.js";
import { packageInfo } from "../util/package-info.js";
import { writeFileAtomic } from "../util/write-file-atomic.js";
import { answerLines } from "./answer.js";
import { claimRows } from "./claims.js";
import { caveats, failedRunLine, failedRuns } from "./labels.js";
import { rateDistortion } from "./rate-distortion.js";
import type { VerdictRow } from "./rows.js";
import { rateDistortionFigure } from "./rate-distortion-figure.js";
import { rateDistortionSection } from "./rate-distortion-markdown.js";
import { convergenceCaveats, convergenceTable, groupConvergence } from "./convergence.js";
import { learningCurveFigures } from "./curves.js";
import { drawFigures } from "./figures.js";
import { groupRuns, traitsOf, type Group, type MeasuredRun } from "./groups.js";
import { writeLossFigures } from "./loss-figures.js";
import { reportMarkdown, verdictTable } from "./markdown.js";
import { measureEach } from "./measure-each.js";
import { oracleGroups } from "./oracle.js";
import { reconstructionPanels } from "./panels.js";
import { measureInWorkers } from "./measure-workers.js";
import { measureCachesOf, releaseMeasureCaches, runMetrics, type RunMetrics } from "./run-metrics.js";

export interface ReportOptions {
  /** Recompute every run's metrics instead of reusing metrics.json. */
  recompute?: boolean;
  /**
   * Processes measuring runs at once, each an `aelab report --measure-only` worker with its share of the
   * cores (default 1: all in this process). Each run is measured by the same code either way; only BLAS
   * kernels that round differently with another thread count can move the last digits.
   */
  workers?: number;
  log?: (line: string) => void;
}

export interface ReportOutcome {
  reportPath: string;
  groups: Group[];
  /** Reference groups measured like the runs (the class-mean oracle), shown beside them, never tallied. */
  references: Group[];
  rows: VerdictRow[];
  /** Cells left out because their run has not completed. */
  missing: string[];
  /** Completed cells left out because measuring them failed (a degenerate run), with the reason. */
  unmeasured: Array<{ cell: string; reason: string }>;
}

/** The TensorBoard run inside the experiment folder that holds the report's figures and verdict table. */
export const REPORT_TB_RUN = "_report";

type Claimed = Pick<ExperimentRecord, "question" | "claims" | "confounds">;

/**
 * What the report reads of the experiment's claims: from its record, or, for a record written before claims
 * existed, from the experiment file it names (as it reads now); without either, none (the report then
 * describes the groups and says there is nothing to test).
 */
export function claimsOf(record: Pick<ExperimentRecord, "file"> & Claimed, log: (line: string) => void): Required<Claimed> {
  if (record.claims !== undefined) return { question: record.question ?? "", claims: record.claims, confounds: record.confounds ?? [] };
  if (existsSync(record.file)) {
    try {
      const spec = readExperimentFile(record.file);
      log(`claims: experiment.json predates them; read from ${record.file}`);
      return { question: spec.question, claims: spec.claims, confounds: spec.confounds };
    } catch (error) {
      log(`claims: experiment.json predates them, and ${record.file} does not parse (${error instanceof Error ? error.message : String(error)})`);
    }
  }
  return { question: "", claims: [], confounds: [] };
}

/** The units of the metrics the claims compare, each once, in the order the claims first use them. */
function sesoiUnits(claims: Claimed["claims"]): string[] {
  return [...new Set((claims ?? []).flatMap((c) => c.comparisons.filter((k) => k.sesoi === undefined).map((k) => comparedMetric(k.metric).sesoi)))];
}

function setupLines(groups: readonly Group[], runs: readonly MeasuredRun[], missing: readonly string[]): string[] {
  const first = runs[0];
  const config = loadConfig(join(first.metrics.run, "config.yaml"));
  const record = readRunRecordIfAny(first.metrics.run);
  const seconds = runs.reduce(
    (s, r) =>
      s + ((readRunRecordIfAny(r.metrics.run)?.epochs as Array<{ trainSeconds?: number }> | undefined) ?? []).reduce((a, e) => a + (e.trainSeconds ?? 0), 0),
    0,
  );
  const seeds = [...new Set(runs.map((r) => r.traits.seed))].sort((a, b) => a - b);
  const enc = config.model.encoder;
  const dec = config.model.decoder;
  const describe = (m: typeof enc | typeof dec) => (m.type === "mlp" ? `MLP ${m.hidden.join("-")}` : `conv ${m.filters.join("-")}`);
  return [
    `Data: ${record?.dataset ? `${record.dataset.name} (${record.dataset.train} train / ${record.dataset.test} test images, ${record.dataset.height}x${record.dataset.width}x${record.dataset.channels})` : config.data.source}; test metrics on each run's own test split.`,
    `Networks: encoder ${describe(enc)}, decoder ${describe(dec)}, latent ${config.model.latent.size}${groups.some((g) => g.traits.adversarial) ? `; pixel discriminator (GAN cells) ${config.model.discriminator.type === "mlp" ? `MLP ${config.model.discriminator.hidden.join("-")}` : "conv"}` : ""}.`,
    `Budget: ${config.train.earlyStopping ? `up to ${config.train.epochs} epochs, stopped early once the validation loss (${Math.round(config.data.validation * 100)}% of the training split) has not improved for ${config.train.earlyStopping.patience} epoch${config.train.earlyStopping.patience === 1 ? "" : "s"},` : `${config.train.epochs} epochs`} of batch ${config.train.batchSize}, Adam lr ${config.train.lr} (discriminator: ${JSON.stringify(config.train.optimizers.discriminator ?? {})}), the same for every cell.`,
    `${groups.length} groups × seeds ${seeds.join(", ")} = ${runs.length} runs${missing.length ? `; ${missing.length} cell(s) not completed and left out: ${missing.join(", ")}` : ""}.`,
    `Backend: ${(record?.backend as { name?: string } | undefined)?.name ?? "?"}; training time ${Math.round(seconds)} s in all (training steps only); aelab ${packageInfo.version}; report written ${new Date().toISOString()}.`,
  ];
}

/** Writes the report's figures and verdict table into a TensorBoard run of the experiment folder (replaced each time). */
async function writeToTensorBoard(dir: string, pngs: Array<{ tag: string; png: Buffer }>, rows: readonly VerdictRow[]): Promise<void> {
  const tbDir = join(dir, REPORT_TB_RUN);
  rmSync(tbDir, { recursive: true, force: true });
  const writer = new EventFileWriter(tbDir);
  try {
    for (const { tag, png } of pngs) await writer.encodedImage(tag, png, 0);
    writer.text("report/verdicts", verdictTable(rows), 0);
  } finally {
    await writer.close();
  }
}

/**
 * The experiment report: measures every completed cell (reusing metrics.json while its checkpoint is
 * unchanged), groups runs by their non-seed levels, computes a verdict row per claim from the numbers,
 * draws the figures, and writes `<dir>/report.md` beside them (and the figures to TensorBoard).
 */
export async function writeReport(experimentDir: string, options: ReportOptions = {}): Promise<ReportOutcome> {
  const log = options.log ?? (() => {});
  if (!existsSync(join(experimentDir, "experiment.json"))) {
    throw new RunError(`${experimentDir} is not an experiment folder (no experiment.json; aelab experiment <file> writes one)`);
  }
  const record = readExperimentRecord(experimentDir);
  const claimed = claimsOf(record, log);
  const seedAxis = seedAxisOf(record.axes);
  const otherAxes = record.axes.filter((a) => a !== seedAxis);
  const runs: MeasuredRun[] = [];
  const configs: Array<{ run: MeasuredRun; config: ReturnType<typeof loadConfig> }> = [];
  const missing: string[] = [];
  const completed = record.cells.filter((cell) => readRunRecordIfAny(join(experimentDir, cell.dir))?.status === "completed");
  const workers = options.workers ?? 1;
  let unmeasured: Array<{ cell: string; reason: string }> = [];
  let references: Group[] = [];
  try {
    let byWorkers: Map<string, RunMetrics> | undefined;
    if (workers > 1) {
      try {
        byWorkers = await measureInWorkers(
          experimentDir,
          completed.map((c) => ({ name: c.name, dir: join(experimentDir, c.dir) })),
          { workers, recompute: options.recompute, log },
        );
      } catch (error) {
        // A run a worker could not measure: measuring each run here (reading back the metrics.json the
        // workers wrote, unless recomputing) sets the failing run aside with its own error.
        log(`measuring in workers failed (${error instanceof Error ? error.message : String(error)}); measuring the rest here`);
      }
    }
    for (const cell of record.cells) if (!completed.includes(cell)) missing.push(cell.name);
    const result = await measureEach(completed, async (cell) => {
      const runDir = join(experimentDir, cell.dir);
      const ready = byWorkers?.get(runDir);
      if (ready) return ready;
      log(`measuring ${cell.name}`);
      return runMetrics(runDir, { ...measureCachesOf(experimentDir), recompute: options.recompute, log });
    });
    unmeasured = result.unmeasured.map(({ item, reason }) => ({ cell: item.name, reason }));
    for (const u of unmeasured) log(`could not measure ${u.cell}: ${u.reason}`);
    for (const { item: cell, metrics: measured } of result.measured) {
      const runDir = join(experimentDir, cell.dir);
      // The run's folder as found now: a cached metrics.json keeps the path it was measured at, and the
      // experiment folder may have moved since.
      const metrics = { ...measured, run: runDir };
      const config = loadConfig(join(runDir, "config.yaml"));
      const group = otherAxes.map((a) => cell.levels[a.name]).join("/") || basename(experimentDir);
      const outcome = readCellOutcome(runDir);
      const run: MeasuredRun = { cell: cell.name, group, levels: cell.levels, traits: traitsOf(config), metrics, ...(outcome ? { outcome } : {}) };
      runs.push(run);
      configs.push({ run, config });
    }
    if (runs.length > 0) {
      log("class-mean oracle: measured as a reference beside the groups");
      try {
        references = await oracleGroups(configs, { ...measureCachesOf(experimentDir), log });
      } catch (error) {
        // A reference only: the report stands without it, and says so.
        log(`could not measure the class-mean oracle: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  } finally {
    await releaseMeasureCaches();
  }
  if (runs.length === 0) {
    const why = unmeasured.length ? `; ${unmeasured.length} could not be measured, e.g. ${unmeasured[0].cell}: ${unmeasured[0].reason}` : "";
    throw new RunError(`no measured runs in ${experimentDir} (${missing.length} cells not completed${why})`);
  }
  const groups = groupRuns(runs);
  const sesoi = resolveSesoi(record.sesoi);
  const rd = rateDistortion(groups);
  const { rows, matchedRates } = claimRows({ axes: record.axes, claims: claimed.claims, sesoi: record.sesoi }, groups, references);
  log("drawing figures");
  const figures = await drawFigures(experimentDir, groups, references);
  const rdFigure = await rateDistortionFigure(experimentDir, rd, matchedRates);
  if (rdFigure) figures.push(rdFigure);
  const panels = await reconstructionPanels(experimentDir, groups);
  const convergence = groups.map(groupConvergence);
  const curves = await learningCurveFigures(experimentDir, groups);
  // The losses' own curves illustrate the analytic checks: drawn when the experiment opts into one.
  const analytic = claimed.claims.some((c) => c.analytic !== undefined);
  const lossFiles = analytic ? (await writeLossFigures(experimentDir)).files.filter((f) => f.endsWith(".png")).map((f) => basename(f)) : [];
  const failed = failedRuns(groups);
  const markdown = reportMarkdown({
    name: record.name,
    question: claimed.question,
    description: record.description,
    claims: claimed.claims,
    setup: setupLines(groups, runs, missing),
    confounds: claimed.confounds,
    groups,
    references,
    rows,
    sesoi,
    declaredSesoi: record.sesoi ?? {},
    sesoiUnits: sesoiUnits(claimed.claims),
    caveats: caveats(groups),
    failedRuns: failed.map(failedRunLine),
    unmeasured: unmeasured.map((u) => `${u.cell}: ${u.reason}`),
    figures,
    panels,
    lossFigures: lossFiles,
    rateDistortion: rateDistortionSection(rd),
    answer: answerLines(claimed.claims, rows, convergence, failed),
    convergence: { table: convergenceTable(convergence), caveats: convergenceCaveats(convergence), figures: curves },
  });
  const reportPath = join(experimentDir, "report.md");
  writeFileAtomic(reportPath, markdown);
  await writeToTensorBoard(
    experimentDir,
    [
      ...[...figures, ...curves].map((f) => ({ tag: `report/${f.file.replace(/\.png$/, "")}`, png: f.png })),
      ...panels.map((p) => ({ tag: `report/${p.file.replace(/\.png$/, "")}`, png: p.png })),
    ],
    rows,
  );
  return { reportPath, groups, references, rows, missing, unmeasured };
}
