import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// `aelab train … --name ../../tmp/escaped-run` once wrote the run outside the logdir: names are paths
// inside it, refused in one line before anything is written.

function aelab(...args: string[]) {
  const run = spawnSync(process.execPath, ["bin/aelab.js", ...args], { encoding: "utf8", env: { ...process.env, CI: "true" } });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr.trim() };
}

/** Every path under `dir`, so a test can say nothing was added anywhere in it. */
function tree(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).sort();
}

// Never trains: every case is refused before the first step.
const TINY = ["--set", "data.trainLimit=128", "--set", "data.testLimit=32", "--set", "train.epochs=1"];

describe("aelab train --name", () => {
  const cases: Array<[string, (root: string) => string, string]> = [
    ["..", () => "../../escaped", '".." leads out of it'],
    ["an absolute path", (root) => join(root, "escaped"), "an absolute path leads out of it"],
    ["a control character", () => "run\u0001x", "it holds control character U+0001"],
    ["a backslash", () => "..\\..\\escaped", 'it holds a backslash; nest folders with "/"'],
  ];
  for (const [what, nameIn, problem] of cases) {
    it(`refuses a name with ${what} in one line, writing nothing`, () => {
      const root = mkdtempSync(join(tmpdir(), "aelab-cli-names-"));
      const name = nameIn(root);
      const run = aelab("train", "configs/ae-mse.yaml", "--name", name, "--logdir", join(root, "a", "x"), ...TINY);
      expect(run.status).toBe(2);
      expect(run.stderr).toBe(`aelab: --name ${JSON.stringify(name)}: a run name must stay inside the logdir (${problem})`);
      expect(run.stdout).toBe("");
      expect(tree(root)).toEqual([]);
    });
  }

  it("refuses a config file whose name cannot name the run, writing nothing", () => {
    const root = mkdtempSync(join(tmpdir(), "aelab-cli-names-"));
    const config = join(root, "ae\u007fmse.yaml");
    writeFileSync(config, readFileSync("configs/ae-mse.yaml"));
    const run = aelab("train", config, "--logdir", join(root, "x"), ...TINY);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      `aelab: run name (the config file's name; pass --name) "ae\\u007fmse": a run name must stay inside the logdir (it holds control character U+007F)`,
    );
    expect(tree(root)).toEqual(["ae\u007fmse.yaml"]);
  });

  it("does not follow a symlink in the logdir that points out of it", () => {
    const root = mkdtempSync(join(tmpdir(), "aelab-cli-names-"));
    const logdir = join(root, "x");
    mkdirSync(logdir);
    mkdirSync(join(root, "outside"));
    symlinkSync(join(root, "outside"), join(logdir, "link"));
    const run = aelab("train", "configs/ae-mse.yaml", "--name", "link/run", "--logdir", logdir, ...TINY);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      `aelab: cannot write ${join(logdir, "link", "run")}: ${join(logdir, "link")} is a symlink to ${JSON.stringify(join(root, "outside"))}, outside the logdir ${logdir}; aelab does not write through it (remove the link, or pass its target as --logdir)`,
    );
    expect(tree(root)).toEqual(["outside", "x", join("x", "link")]);
  });
});

describe("aelab experiment", () => {
  it("refuses an experiment name that leads out of the logdir in one line, writing nothing", () => {
    const root = mkdtempSync(join(tmpdir(), "aelab-cli-names-"));
    const file = join(root, "escape.yaml");
    writeFileSync(file, `name: ../../escaped\nbase: ${join(process.cwd(), "configs", "ae-mse.yaml")}\naxes: { seed: [1] }\n`);
    const run = aelab("experiment", file, "--logdir", join(root, "a", "x"));
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(`aelab: config error in ${file}: name "../../escaped": an experiment name must stay inside the logdir (".." leads out of it)`);
    expect(tree(root)).toEqual(["escape.yaml"]);
  });
});
