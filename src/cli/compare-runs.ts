import { existsSync } from "node:fs";
import type { Argv } from "yargs";
import { LogdirError, readRunScalars, scalarAgreement } from "../tensorboard/index.js";

interface CompareRunsArgs {
  a: string;
  b: string;
  tolerance: number;
  floor: number;
  include: string;
}

/** Exit status when the runs disagree (1 and 2 are aelab's one-line errors). */
export const EXIT_RUNS_DIFFER = 3;

/** Every scalar of a run folder as "tag@step" → value; perf/* (timings) never agree and is left out. */
function scalarsOf(dir: string): Map<string, number> {
  if (!existsSync(dir)) throw new LogdirError(`${dir}: no such run folder`);
  const read = readRunScalars(dir, (tag) => !tag.startsWith("perf/"));
  for (const problem of read.problems) process.stderr.write(`aelab: warning: ${problem}\n`);
  const out = new Map<string, number>();
  for (const [tag, curve] of read.curves) for (const [step, point] of curve) out.set(`${tag}@${step}`, point.value);
  if (out.size === 0) throw new LogdirError(`${dir}: no scalars logged (is it a run folder?)`);
  return out;
}

export const compareRunsCommand = {
  command: "compare-runs <a> <b>",
  describe: "Check that two runs logged the same scalars (the same config on two backends, or run twice): exit 0 if every value agrees",
  builder: (y: Argv) =>
    y
      .positional("a", { type: "string", demandOption: true, describe: "The reference run folder" })
      .positional("b", { type: "string", demandOption: true, describe: "The run folder compared with it" })
      .option("tolerance", { type: "number", default: 0, describe: "Relative difference allowed (0: bit for bit)" })
      .option("floor", { type: "number", default: 0, describe: "Absolute difference allowed on top, for values that cancel to float32 noise" })
      .option("include", { type: "string", default: "", describe: "Compare only tags starting with this prefix" })
      .example("$0 compare-runs runs/vae-cpu runs/vae-webgpu --tolerance 1e-4 --floor 1e-6", "webgpu against the cpu reference")
      .example("$0 compare-runs runs/vae runs/vae-2", "the same seed twice: bit for bit"),
  handler: (argv: CompareRunsArgs) => {
    for (const [name, value] of [
      ["tolerance", argv.tolerance],
      ["floor", argv.floor],
    ] as const) {
      if (!Number.isFinite(value) || value < 0) throw new LogdirError(`--${name} must be a number >= 0 (got ${value})`);
    }
    const pick = (scalars: Map<string, number>) => new Map([...scalars].filter(([key]) => key.startsWith(argv.include)));
    const result = scalarAgreement(pick(scalarsOf(argv.a)), pick(scalarsOf(argv.b)), argv.tolerance, argv.floor);
    const allowed = `${argv.tolerance} relative + ${argv.floor} absolute`;
    process.stdout.write(
      `${result.common} scalars in both; largest relative difference ${result.worst.toExponential(2)}${result.worst > 0 && result.worstKey ? ` (${result.worstKey})` : ""}; allowed ${allowed}\n`,
    );
    for (const line of result.differing) process.stdout.write(`differs  ${line}\n`);
    for (const key of result.missing) process.stdout.write(`only one ${key}\n`);
    if (result.common === 0 || result.differing.length > 0 || result.missing.length > 0) {
      process.stdout.write(`the runs disagree: ${result.differing.length} differ, ${result.missing.length} logged by one run only\n`);
      process.exitCode = EXIT_RUNS_DIFFER;
    } else process.stdout.write("the runs agree\n");
  },
};
