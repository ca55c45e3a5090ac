import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ExperimentError } from "../../src/experiment/index.js";
import { arrayScript, reportScript, sbatchQuote, shellQuote, submitSlurmScripts, writeSlurmScripts, type SlurmOptions } from "../../src/slurm/index.js";

const root = mkdtempSync(join(tmpdir(), "aelab-slurm-"));

const options = (overrides: Partial<SlurmOptions> = {}): SlurmOptions => ({
  name: "claim",
  file: "/shared/aelab/experiments/claim.yaml",
  logdir: "/shared/runs",
  experimentDir: "/shared/runs/claim",
  workdir: "/shared/aelab",
  aelab: ["/usr/bin/node", "/shared/aelab/bin/aelab.js"],
  cells: 30,
  shards: 30,
  set: [],
  cpusPerTask: 1,
  ...overrides,
});

const sbatchLines = (script: string) => script.split("\n").filter((l) => l.startsWith("#SBATCH"));

/**
 * The words sbatch reads from what follows `#SBATCH` (slurm's src/sbatch/opt.c, _get_argument): quotes
 * group, a backslash escapes the next character, an unquoted # ends the line.
 */
function sbatchWords(line: string): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (/\s/.test(line[i] ?? "")) i++;
    if (i >= line.length || line[i] === "#") break;
    let word = "";
    let quote = "";
    for (; i < line.length && (quote || !/\s/.test(line[i])); i++) {
      const c = line[i];
      if (c === "\\") word += line[++i];
      else if (quote && c === quote) quote = "";
      else if (!quote && (c === '"' || c === "'")) quote = c;
      else if (!quote && c === "#") break;
      else word += c;
    }
    if (quote) throw new Error(`unmatched ${quote} in ${line}`);
    words.push(word);
    if (line[i] === "#") break;
  }
  return words;
}

/** What a POSIX shell makes of `words` (a command line as printed), run with `set --`. */
function shellWords(words: string): string[] {
  const run = spawnSync("sh", ["-c", `set -- ${words}; printf '%s\\0' "$@"`], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(run.stderr);
  return run.stdout.split("\0").slice(0, -1);
}

// Everything a folder name may hold that a shell or sbatch could misread; `%a` would be the array index.
const AWKWARD = `/tmp/a dir with 'quotes' "dq" $(x) \`x\` & ; #1 50%a`;

describe("the array job script", () => {
  it("has one array task per shard, the throttle, the resources asked for, and maps the task id to --shard", () => {
    const script = arrayScript(
      options({ shards: 10, maxParallel: 4, partition: "cpu", time: "2:00:00", cpusPerTask: 2, gpusPerTask: 1, set: ["train.epochs=2"] }),
    );
    expect(script.startsWith("#!/bin/bash\n")).toBe(true);
    expect(sbatchLines(script)).toEqual([
      "#SBATCH --job-name=aelab-claim",
      "#SBATCH --array=0-9%4",
      "#SBATCH --partition=cpu",
      "#SBATCH --time=2:00:00",
      "#SBATCH --cpus-per-task=2",
      "#SBATCH --gpus-per-task=1",
      "#SBATCH --output=/shared/runs/claim/slurm/%A_%a.out",
    ]);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the script's own shell expansion, written as it must appear
    expect(script).toContain('\ncd /shared/aelab\nexport AELAB_THREADS="${SLURM_CPUS_PER_TASK:-2}"\nexec ');
    expect(script.trimEnd().split("\n").at(-1)).toBe(
      "exec /usr/bin/node /shared/aelab/bin/aelab.js experiment /shared/aelab/experiments/claim.yaml --logdir /shared/runs --set train.epochs=2 --workers 1 --no-report " +
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the script's own shell expansion, written as it must appear
        '--shard "$((SLURM_ARRAY_TASK_ID + 1))/${SLURM_ARRAY_TASK_COUNT:-10}"',
    );
  });

  it("leaves out what was not asked for: no throttle, partition, time or GPUs", () => {
    expect(sbatchLines(arrayScript(options()))).toEqual([
      "#SBATCH --job-name=aelab-claim",
      "#SBATCH --array=0-29",
      "#SBATCH --cpus-per-task=1",
      "#SBATCH --output=/shared/runs/claim/slurm/%A_%a.out",
    ]);
  });

  it("quotes paths and overrides for the shell", () => {
    expect(shellQuote("/a b/it's.yaml")).toBe(`'/a b/it'\\''s.yaml'`);
    expect(shellQuote("model.encoder.hidden=[64, 32]")).toBe("'model.encoder.hidden=[64, 32]'");
    expect(arrayScript(options({ workdir: "/home/me/my runs" }))).toContain("\ncd '/home/me/my runs'\n");
  });
});

describe("paths in #SBATCH lines", () => {
  it("are double-quoted when they need it, so that sbatch reads them back whole", () => {
    expect(sbatchQuote("/shared/runs/claim/slurm/%A_%a.out")).toBe("/shared/runs/claim/slurm/%A_%a.out");
    expect(sbatchQuote("/a b/it's")).toBe(`"/a b/it's"`);
    expect(sbatchQuote('/a "b"\\c')).toBe(`"/a \\"b\\"\\\\c"`);
    for (const value of [AWKWARD, "/a b", "#x", "it's", 'say "hi"', "back\\slash", "$HOME `id`", "\t tab"]) {
      expect(sbatchWords(`--output=${sbatchQuote(value)}`), value).toEqual([`--output=${value}`]);
    }
  });

  it("double a folder's own % in --output, leaving Slurm's %A, %a and %j to it", () => {
    const experimentDir = `${AWKWARD}/claim`;
    const array = sbatchLines(arrayScript(options({ experimentDir }))).at(-1) ?? "";
    expect(array).toBe(`#SBATCH --output="/tmp/a dir with 'quotes' \\"dq\\" $(x) \`x\` & ; #1 50%%a/claim/slurm/%A_%a.out"`);
    expect(sbatchWords(array.slice("#SBATCH".length))).toEqual([`--output=${experimentDir.replace(/%/g, "%%")}/slurm/%A_%a.out`]);
    const report = sbatchLines(reportScript(options({ experimentDir }))).at(-1) ?? "";
    expect(sbatchWords(report.slice("#SBATCH".length))).toEqual([`--output=${experimentDir.replace(/%/g, "%%")}/slurm/report-%j.out`]);
  });

  it("keep such a folder one word in the commands the job runs", () => {
    const script = arrayScript(options({ logdir: AWKWARD, experimentDir: `${AWKWARD}/claim`, workdir: AWKWARD }));
    const exec = script.trimEnd().split("\n").at(-1) ?? "";
    expect(shellWords(exec.slice("exec ".length).replace(/ --shard .*$/, ""))).toEqual([
      ...options().aelab,
      "experiment",
      options().file,
      "--logdir",
      AWKWARD,
      "--workers",
      "1",
      "--no-report",
    ]);
    expect(script).toContain(`\ncd ${shellQuote(AWKWARD)}\n`);
  });

  it("refuses in one line a folder an #SBATCH line cannot carry", () => {
    const dir = join(root, "runs", "refused-path");
    expect(() => writeSlurmScripts(options({ experimentDir: `${dir}/a\nb` }))).toThrow(
      new ExperimentError(
        `the experiment folder ${JSON.stringify(`${dir}/a\nb`)} holds a line break, which an #SBATCH line cannot: choose a --logdir without one`,
      ),
    );
    expect(() => writeSlurmScripts(options({ experimentDir: `${dir}/a\\b` }))).toThrow(
      /holds a backslash, which in #SBATCH --output turns off Slurm's %A\/%a file names: choose a --logdir without one$/,
    );
  });
});

describe("the report job script", () => {
  it("runs aelab report on the experiment folder with the partition and time, without GPUs", () => {
    const script = reportScript(options({ partition: "cpu", time: "30:00", gpusPerTask: 2 }));
    expect(sbatchLines(script)).toEqual([
      "#SBATCH --job-name=aelab-claim-report",
      "#SBATCH --partition=cpu",
      "#SBATCH --time=30:00",
      "#SBATCH --cpus-per-task=1",
      "#SBATCH --output=/shared/runs/claim/slurm/report-%j.out",
    ]);
    expect(script.trimEnd().split("\n").at(-1)).toBe("exec /usr/bin/node /shared/aelab/bin/aelab.js report /shared/runs/claim");
  });
});

describe("writing and submitting", () => {
  it("writes the three scripts into <experiment>/slurm, executable, and submits the report job after the array job (afterany)", () => {
    const experimentDir = join(root, "runs", "claim");
    const scripts = writeSlurmScripts(options({ experimentDir, maxParallel: 2 }));
    expect(scripts).toEqual({
      dir: join(experimentDir, "slurm"),
      array: join(experimentDir, "slurm", "array.sbatch"),
      report: join(experimentDir, "slurm", "report.sbatch"),
      submit: join(experimentDir, "slurm", "submit.sh"),
    });
    expect(readFileSync(scripts.array, "utf8")).toContain("#SBATCH --array=0-29%2\n");
    expect(statSync(scripts.submit).mode & 0o111).not.toBe(0);
    expect(readFileSync(scripts.submit, "utf8")).toContain(`--dependency=afterany:$array ${scripts.report}`);

    // A stand-in sbatch: records its arguments, answers with job ids the way --parsable does.
    const calls = join(root, "sbatch-calls");
    const fake = join(root, "sbatch");
    writeFileSync(fake, `#!/bin/sh\necho "$@" >> ${calls}\nn=$(wc -l < ${calls})\necho "$((4000 + n));cluster"\n`);
    chmodSync(fake, 0o755);
    expect(submitSlurmScripts(scripts, fake)).toEqual({ array: "4001", report: "4002" });
    expect(readFileSync(calls, "utf8").trim().split("\n")).toEqual([`--parsable ${scripts.array}`, `--parsable --dependency=afterany:4001 ${scripts.report}`]);
  });

  it("says in one line when sbatch is missing or refuses", () => {
    const scripts = writeSlurmScripts(options({ experimentDir: join(root, "runs", "refused") }));
    expect(() => submitSlurmScripts(scripts, join(root, "no-such-sbatch"))).toThrow(/no-such-sbatch not found: submit from a Slurm login node/);
    const refusing = join(root, "refusing-sbatch");
    writeFileSync(refusing, "#!/bin/sh\necho 'sbatch: error: invalid partition specified: gpu' >&2\nexit 1\n");
    chmodSync(refusing, 0o755);
    expect(() => submitSlurmScripts(scripts, refusing)).toThrow(
      new ExperimentError(`${refusing} ${scripts.array} failed: sbatch: error: invalid partition specified: gpu`),
    );
  });

  it("refuses bad options in one line naming the option", () => {
    const dir = join(root, "runs", "bad");
    expect(() => writeSlurmScripts(options({ experimentDir: dir, shards: 31 }))).toThrow("--shards 31 is more than the experiment's 30 cells");
    expect(() => writeSlurmScripts(options({ experimentDir: dir, maxParallel: 0 }))).toThrow("--max-parallel must be a whole number >= 1 (got 0)");
    expect(() => writeSlurmScripts(options({ experimentDir: dir, cpusPerTask: 1.5 }))).toThrow("--cpus-per-task must be a whole number >= 1 (got 1.5)");
    expect(() => writeSlurmScripts(options({ experimentDir: dir, partition: "cpu\n#SBATCH --x" }))).toThrow(
      '--partition "cpu\\n#SBATCH --x": letters, digits and . _ : , + - only',
    );
  });
});

describe("aelab slurm", () => {
  it("writes the scripts for an experiment file into its folder, one array task per cell unless --shards says otherwise", () => {
    writeFileSync(join(root, "base.yaml"), "model: { variant: ae, recon: mse }\ntrain: { epochs: 1 }\n");
    const file = join(root, "grid.yaml");
    writeFileSync(file, "name: grid\nbase: base.yaml\naxes:\n  seed: [1, 2, 3, 4, 5]\n");
    const logdir = join(root, "cli-runs");
    const aelab = (...args: string[]) => spawnSync(process.execPath, ["bin/aelab.js", "slurm", file, "--logdir", logdir, ...args], { encoding: "utf8" });
    const dir = join(logdir, "grid", "slurm");

    const run = aelab("--max-parallel", "2", "--partition", "cpu", "--set", "train.epochs=3");
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(
      `wrote ${join(dir, "array.sbatch")} (5 array tasks for 5 cells), ${join(dir, "report.sbatch")} and ${join(dir, "submit.sh")}\n` +
        `submit with: sh ${join(dir, "submit.sh")} (or aelab slurm ... --submit)\n`,
    );
    const array = readFileSync(join(dir, "array.sbatch"), "utf8");
    expect(sbatchLines(array).slice(0, 3)).toEqual(["#SBATCH --job-name=aelab-grid", "#SBATCH --array=0-4%2", "#SBATCH --partition=cpu"]);
    expect(array).toContain(`experiment ${file} --logdir ${logdir} --set train.epochs=3 --workers 1 --no-report --shard`);

    expect(aelab("--shards", "2").status).toBe(0);
    expect(readFileSync(join(dir, "array.sbatch"), "utf8")).toContain("#SBATCH --array=0-1\n");
    const awkward = join(root, "a dir with 'quotes' $(x) & 50%a");
    const quoted = spawnSync(process.execPath, ["bin/aelab.js", "slurm", file, "--logdir", awkward], { encoding: "utf8" });
    expect(quoted.status).toBe(0);
    const hint = quoted.stdout.split("\n")[1];
    expect(hint).toBe(`submit with: sh ${shellQuote(join(awkward, "grid", "slurm", "submit.sh"))} (or aelab slurm ... --submit)`);
    expect(shellWords(hint.replace(/^submit with: /, "").replace(/ \(or aelab slurm .*$/, ""))).toEqual(["sh", join(awkward, "grid", "slurm", "submit.sh")]);
    expect(readFileSync(join(awkward, "grid", "slurm", "array.sbatch"), "utf8")).toContain(
      `#SBATCH --output="${awkward.replace(/%/g, "%%")}/grid/slurm/%A_%a.out"\n`,
    );

    const tooMany = aelab("--shards", "6");
    expect(tooMany.stderr).toBe("aelab: --shards 6 is more than the experiment's 5 cells (some array tasks would have nothing to run)\n");
    expect(tooMany.status).toBe(2);
  });
});
