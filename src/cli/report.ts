import type { Argv } from "yargs";
import { writeReport } from "../report/index.js";
import { BACKEND_REQUESTS, selectBackend, type BackendRequest } from "../backend/index.js";

interface ReportArgs {
  dir: string;
  recompute: boolean;
  backend: BackendRequest;
}

export const reportCommand = {
  command: "report <dir>",
  describe: "Rebuild an experiment's report.md and figures from its runs (aelab experiment writes it too)",
  builder: (y: Argv) =>
    y
      .positional("dir", { type: "string", demandOption: true, describe: "Experiment folder, e.g. runs/adversarial-claim" })
      .option("recompute", { type: "boolean", default: false, describe: "Measure every run again instead of reusing its metrics.json" })
      .option("backend", { choices: BACKEND_REQUESTS, default: "auto" as BackendRequest }),
  handler: async (argv: ReportArgs) => {
    await selectBackend(argv.backend);
    const outcome = await writeReport(argv.dir, { recompute: argv.recompute, log: (line) => process.stdout.write(`${line}\n`) });
    const tally = new Map<string, number>();
    for (const r of outcome.rows) tally.set(r.verdict, (tally.get(r.verdict) ?? 0) + 1);
    process.stdout.write(
      `report: ${outcome.reportPath} (${outcome.groups.length} groups, ${outcome.rows.length} verdict rows: ${[...tally].map(([v, n]) => `${n} ${v}`).join(", ")})\n`,
    );
    if (outcome.missing.length) process.stdout.write(`left out (not completed): ${outcome.missing.join(", ")}\n`);
  },
};
