import { existsSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ExperimentError, loadExperiment, readExperimentRecord, writeExperimentRecord } from "../../src/experiment/index.js";
import { OutsideLogdirError } from "../../src/util/inside-logdir.js";
import { errorOf } from "../helpers/config-error.js";

const root = mkdtempSync(join(tmpdir(), "aelab-names-"));
const dir = join(root, "experiments");
const logdir = join(root, "logs", "runs");
mkdirSync(dir);
writeFileSync(join(dir, "base.yaml"), "seed: 1\nmodel: { variant: ae, recon: mse }\n");

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Nothing but the experiment files: no logdir, nothing beside it or above it. */
function expectNothingWritten(): void {
  expect(readdirSync(root)).toEqual(["experiments"]);
}

describe("names in an experiment file", () => {
  const cases: Array<[string, string, string]> = [
    [
      "dots.yaml",
      "name: ../../escaped\nbase: base.yaml\naxes: { seed: [1] }\n",
      'name "../../escaped": an experiment name must stay inside the logdir (".." leads out of it)',
    ],
    [
      "absolute.yaml",
      `name: ${join(root, "escaped")}\nbase: base.yaml\naxes: { seed: [1] }\n`,
      `name ${JSON.stringify(join(root, "escaped"))}: an experiment name must stay inside the logdir (an absolute path leads out of it)`,
    ],
    [
      "nul.yaml",
      'name: "x\\0y"\nbase: base.yaml\naxes: { seed: [1] }\n',
      'name "x\\u0000y": an experiment name must stay inside the logdir (it holds control character U+0000)',
    ],
    [
      "control.yaml",
      'name: "x\\ty"\nbase: base.yaml\naxes: { seed: [1] }\n',
      'name "x\\ty": an experiment name must stay inside the logdir (it holds control character U+0009)',
    ],
    ["axis.yaml", 'base: base.yaml\naxes:\n  "..": { a: { seed: 1 } }\n', 'axes: axis "..": an axis name must stay inside the logdir (".." leads out of it)'],
    [
      "level.yaml",
      'base: base.yaml\naxes:\n  loss:\n    "../../escaped": { model.recon: mse }\n',
      'axes.loss: level "../../escaped": a level name must stay inside the logdir (".." leads out of it)',
    ],
    [
      "value.yaml",
      'base: base.yaml\naxes:\n  data.source: ["/tmp/escaped"]\n',
      'axes.data.source.0: value "/tmp/escaped": a level name must stay inside the logdir (an absolute path leads out of it)',
    ],
    [
      "del.yaml",
      'base: base.yaml\naxes:\n  loss:\n    "a\\x7fb": { model.recon: mse }\n',
      'axes.loss: level "a\\u007fb": a level name must stay inside the logdir (it holds control character U+007F)',
    ],
    [
      "file\u0001name.yaml",
      "base: base.yaml\naxes: { seed: [1] }\n",
      `name (the file's name) "file\\u0001name": an experiment name must stay inside the logdir (it holds control character U+0001)`,
    ],
  ];
  for (const [name, text, message] of cases) {
    it(`refuses ${JSON.stringify(name)} in one line naming the key and the value, before anything is written`, () => {
      const path = file(name, text);
      expect(errorOf(() => loadExperiment(path, { logdir }))).toBe(`config error in ${path}: ${message}`);
      expectNothingWritten();
    });
  }
});

describe("symlinks in the logdir", () => {
  const grid = file("grid.yaml", "name: grid\nbase: base.yaml\naxes:\n  loss:\n    mse: { model.recon: mse }\n  seed: [1, 2]\n");

  function refusal(fn: () => unknown): string {
    try {
      fn();
    } catch (error) {
      expect(error).toBeInstanceOf(OutsideLogdirError);
      expect((error as Error).message.split("\n")).toHaveLength(1);
      return (error as Error).message;
    }
    throw new Error("expected an OutsideLogdirError");
  }

  it("refuses an experiment whose folder, cell folders, logs or locks a symlink would lead out of the logdir", () => {
    const base = mkdtempSync(join(tmpdir(), "aelab-names-links-"));
    const outside = join(base, "outside");
    mkdirSync(outside);
    for (const link of ["grid", "grid/mse", "grid/logs", "grid/.locks"]) {
      const runs = join(base, `runs-${link.replaceAll("/", "-")}`);
      mkdirSync(join(runs, link, ".."), { recursive: true });
      symlinkSync(outside, join(runs, link));
      expect(refusal(() => loadExperiment(grid, { logdir: runs }))).toMatch(
        new RegExp(`^cannot write ${runs}/grid.*: ${join(runs, link)} is a symlink to "${outside}", outside the logdir ${runs}; `),
      );
    }
    expect(readdirSync(outside)).toEqual([]);
    // A link that stays inside the logdir is fine.
    const inside = join(base, "inside");
    mkdirSync(join(inside, "elsewhere"), { recursive: true });
    symlinkSync(join(inside, "elsewhere"), join(inside, "grid"));
    expect(loadExperiment(grid, { logdir: inside }).cells).toHaveLength(2);
  });

  it("refuses an experiment.json whose cell folders lead out of the experiment folder", () => {
    const runs = join(mkdtempSync(join(tmpdir(), "aelab-names-record-")), "runs");
    const experiment = loadExperiment(grid, { logdir: runs });
    const path = writeExperimentRecord(experiment);
    expect(readExperimentRecord(experiment.dir).cells).toHaveLength(2);
    writeExperimentRecord({ ...experiment, cells: [{ ...experiment.cells[0], dir: join(runs, "..", "escaped") }] });
    expect(() => readExperimentRecord(experiment.dir)).toThrow(ExperimentError);
    expect(() => readExperimentRecord(experiment.dir)).toThrow(
      `${path}: cells.0.dir "../../escaped": a cell's path must stay inside the logdir (".." leads out of it)`,
    );
    expect(existsSync(join(runs, "..", "escaped"))).toBe(false);
  });
});
