// An experiment folder as `aelab experiment` leaves it (experiment.json, each cell's run.json, config.yaml
// and events file), with scalars chosen by the test instead of trained: bands and exports can then be
// checked against numbers computed by hand, in milliseconds.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ExperimentRecord } from "../../src/experiment/record.js";
import { EventFileWriter } from "../../src/tensorboard/index.js";
import { writeRunRecord, type RunRecord } from "../../src/train/run-folder.js";

/** An axis: a list axis (`seed: [1, 2]`, `key` set) names its cells' segments `<axis>-<level>`, a map axis by the level. */
export interface FakeAxis {
  name: string;
  key?: string;
  levels: string[];
}

export interface FakeCell {
  /** Axis name to level name. */
  levels: Record<string, string>;
  seed: number;
  status?: RunRecord["status"];
  /** [tag, step, value], logged in this order (steps must not go backwards within a tag). */
  scalars: Array<[string, number, number]>;
}

/** The cell's folder name from its levels, as the grid names it. */
export function fakeCellName(axes: readonly FakeAxis[], levels: Record<string, string>): string {
  return axes.map((axis) => (axis.key ? `${axis.name}-${levels[axis.name]}` : levels[axis.name])).join("/");
}

/** A run folder with run.json, config.yaml and one events file holding `scalars`. */
export async function writeFakeRun(dir: string, run: { seed: number; status?: RunRecord["status"]; scalars: Array<[string, number, number]> }): Promise<void> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "config.yaml"), `# fake run\nseed: ${run.seed}\n`);
  writeRunRecord(dir, {
    name: dir,
    command: "",
    configFile: "fake.yaml",
    status: run.status ?? "completed",
    aelabVersion: "test",
    node: process.version,
    backend: null,
    startedAt: new Date(0).toISOString(),
  });
  const writer = new EventFileWriter(dir);
  for (const [tag, step, value] of run.scalars) writer.scalar(tag, value, step);
  await writer.close();
}

/** Writes `<logdir>/<name>/` with experiment.json naming `cells` and a run folder for each. */
export async function writeFakeExperiment(logdir: string, name: string, axes: readonly FakeAxis[], cells: readonly FakeCell[]): Promise<string> {
  const dir = join(logdir, name);
  mkdirSync(dir, { recursive: true });
  const record: ExperimentRecord = {
    name,
    description: "",
    file: `${name}.yaml`,
    base: "base.yaml",
    basePath: "base.yaml",
    set: {},
    axes: axes.map((axis) => ({
      name: axis.name,
      ...(axis.key ? { key: axis.key } : {}),
      levels: axis.levels.map((level) => ({ name: level, overrides: axis.key ? { [axis.key]: Number(level) } : { "train.lr": 0.001 } })),
    })),
    exclude: [],
    cells: cells.map((cell) => {
      const cellName = fakeCellName(axes, cell.levels);
      return { name: cellName, dir: cellName, log: `logs/${cellName}.log`, levels: cell.levels, overrides: {}, set: [] };
    }),
    excluded: [],
    aelabVersion: "test",
    writtenAt: new Date(0).toISOString(),
  };
  writeFileSync(join(dir, "experiment.json"), `${JSON.stringify(record, null, 2)}\n`);
  for (const cell of cells) await writeFakeRun(join(dir, fakeCellName(axes, cell.levels)), cell);
  return dir;
}
