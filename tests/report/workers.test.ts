import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../src/backend/index.js";
import { loadExperiment, startExperiment } from "../../src/experiment/index.js";
import { writeReport } from "../../src/report/index.js";
import { splitAmongWorkers } from "../../src/report/measure-workers.js";

// The report written here (every core's BLAS threads) and the one written by 2 workers (one thread each)
// must agree digit for digit: the native kernels' results do not depend on their thread count.
const root = mkdtempSync(join(tmpdir(), "aelab-report-workers-"));
const file = join(root, "tiny-workers.yaml");
writeFileSync(
  file,
  `name: tiny-workers
base: ${resolve("configs/ae-mse.yaml")}
set:
  train.epochs: 1
  data.trainLimit: 128
  data.testLimit: 32
  model.encoder.hidden: [32]
  model.decoder.hidden: [32]
  log.images: 8
axes:
  loss:
    ae-mse: { model.variant: ae, model.recon: mse }
    vae-bce: { model.variant: vae, model.recon: bce }
  seed: [1, 2]
claims:
  - id: H1
    statement: The BCE-VAE's reconstructions are blurrier than the MSE autoencoder's.
    comparisons:
      - { a: { loss: vae-bce }, b: { loss: ae-mse }, metric: [sharpness, reliabilityPull], expect: less }
      - { reference: class-mean-oracle, against: 0, metric: reliabilityPull, expect: equivalent, role: reference }
`,
);
const CELLS = ["ae-mse/seed-1", "ae-mse/seed-2", "vae-bce/seed-1", "vae-bce/seed-2"];

/** A copy of the trained experiment under its own logdir, so each report trains its own classifiers too. */
function copyOf(name: string): string {
  const to = join(root, name, "tiny-workers");
  cpSync(join(root, "trained", "tiny-workers"), to, { recursive: true });
  return to;
}

// The one line that differs between two reports of the same runs: when each was written.
const withoutDate = (md: string) => md.replace(/report written [0-9T:.Z-]+/, "report written <date>");

let sequential: string;
let parallel: string;
let sequentialOutcome: Awaited<ReturnType<typeof writeReport>>;
let parallelOutcome: Awaited<ReturnType<typeof writeReport>>;
const parallelLog: string[] = [];

beforeAll(async () => {
  await selectBackend("wasm");
  const experiment = loadExperiment(file, { logdir: join(root, "trained") });
  const outcome = await startExperiment(experiment, { workers: 2, force: false, report: false, log: () => {} }).done;
  expect(outcome.failed).toEqual([]);
  sequential = copyOf("sequential");
  parallel = copyOf("parallel");
  sequentialOutcome = await writeReport(sequential, { workers: 1 });
  parallelOutcome = await writeReport(parallel, { workers: 2, log: (line) => parallelLog.push(line) });
}, 600_000);

describe("the report's measuring workers", () => {
  it("measure the runs in worker processes and report their progress", () => {
    expect(parallelLog.filter((l) => /^measuring 4 runs in 2 worker processes \(\d+ BLAS thread\(s\) each\)$/.test(l))).toHaveLength(1);
    for (const cell of CELLS) expect(parallelLog).toContain(`measuring ${cell}`);
    expect(parallelLog.filter((l) => l.startsWith("measured "))).toEqual([]);
    // Each worker trained the classifier of its own seed's split, and left no lock behind.
    const cache = readdirSync(join(root, "parallel", ".cache", "classifiers"));
    expect(cache.filter((f) => f.endsWith(".lock"))).toEqual([]);
    expect(cache).toHaveLength(2);
  });

  it("write the same metrics.json as measuring in one process, byte for byte but for the run's path", () => {
    for (const cell of CELLS) {
      const one = readFileSync(join(sequential, cell, "metrics.json"), "utf8");
      const two = readFileSync(join(parallel, cell, "metrics.json"), "utf8");
      expect(JSON.parse(two).run).toBe(join(parallel, cell));
      expect(two.replaceAll(parallel, sequential), cell).toBe(one);
    }
  });

  it("give the same report.md, verdicts and groups", () => {
    expect(withoutDate(readFileSync(parallelOutcome.reportPath, "utf8"))).toBe(withoutDate(readFileSync(sequentialOutcome.reportPath, "utf8")));
    expect(sequentialOutcome.rows.length).toBeGreaterThan(0);
    expect(parallelOutcome.rows).toEqual(sequentialOutcome.rows);
    const values = (o: typeof sequentialOutcome) => o.groups.map((g) => g.runs.map((r) => ({ ...r.metrics, run: r.cell })));
    expect(values(parallelOutcome)).toEqual(values(sequentialOutcome));
  });

  it("give the same numbers when workers share a dataset and so its classifier (one trains it, the other loads it)", async () => {
    // Four workers for four runs on two seeds' splits: two workers need each classifier.
    const four = copyOf("four");
    const outcome = await writeReport(four, { workers: 4 });
    for (const cell of CELLS) {
      const two = readFileSync(join(four, cell, "metrics.json"), "utf8");
      expect(two.replaceAll(four, sequential), cell).toBe(readFileSync(join(sequential, cell, "metrics.json"), "utf8"));
    }
    expect(withoutDate(readFileSync(outcome.reportPath, "utf8"))).toBe(withoutDate(readFileSync(sequentialOutcome.reportPath, "utf8")));
    const cache = readdirSync(join(root, "four", ".cache", "classifiers"));
    expect(cache.filter((f) => f.endsWith(".lock"))).toEqual([]);
    expect(cache).toHaveLength(2);
  });

  it("reuse the metrics.json files they wrote, starting no worker when nothing needs measuring", async () => {
    const log: string[] = [];
    const again = await writeReport(parallel, { workers: 2, log: (line) => log.push(line) });
    expect(log.filter((l) => l.startsWith("measuring"))).toEqual([]);
    expect(again.rows).toEqual(parallelOutcome.rows);
  });

  it("name a run a worker could not measure in one line, measure the others, and write the report without it", async () => {
    const broken = copyOf("broken");
    const weights = readdirSync(join(broken, "ae-mse/seed-1", "checkpoint", "encoder")).find((f) => f.endsWith(".bin"))!;
    truncateSync(join(broken, "ae-mse/seed-1", "checkpoint", "encoder", weights), 10);
    const log: string[] = [];
    const outcome = await writeReport(broken, { workers: 2, log: (line) => log.push(line) });
    const failed = log.filter((l) => l.startsWith(`could not measure ae-mse/seed-1 (`));
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatch(new RegExp(`^could not measure ae-mse/seed-1 \\(${join(broken, "ae-mse/seed-1")}\\): \\S`));
    expect(failed[0]).not.toContain("\n");
    expect(outcome.unmeasured).toEqual([{ cell: "ae-mse/seed-1", reason: expect.stringMatching(/^\S[^\n]*$/) }]);
    expect(existsSync(join(broken, "ae-mse/seed-1", "metrics.json"))).toBe(false);
    for (const cell of CELLS.slice(1)) expect(existsSync(join(broken, cell, "metrics.json")), cell).toBe(true);
    expect(outcome.groups.map((g) => `${g.name}: ${g.runs.length}`).sort()).toEqual(["ae-mse: 1", "vae-bce: 2"]);
    const md = readFileSync(join(broken, "report.md"), "utf8");
    expect(md).toContain(`### Runs that could not be measured`);
    expect(md).toContain(`- ae-mse/seed-1: ${outcome.unmeasured[0].reason}`);
  });
});

describe("splitAmongWorkers", () => {
  it("keeps runs on the same dataset together in near-equal contiguous slices, in their order within a dataset", () => {
    const runs = ["a1", "b1", "a2", "b2", "c1"];
    expect(splitAmongWorkers(runs, 2, (r) => r[0])).toEqual([
      ["a1", "a2", "b1"],
      ["b2", "c1"],
    ]);
    expect(splitAmongWorkers(runs, 9, (r) => r[0])).toHaveLength(5);
    expect(splitAmongWorkers(runs, 1, (r) => r[0])).toEqual([["a1", "a2", "b1", "b2", "c1"]]);
    expect(splitAmongWorkers([], 3, (r: string) => r)).toEqual([]);
  });
});
