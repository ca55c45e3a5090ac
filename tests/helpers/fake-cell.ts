// Stands in for `aelab train` in runner tests: ends a cell the way its first level names (ok, nan,
// killed, baddata) in a fraction of a second, leaving the run folder a real run would leave.
// FAKE_CELL_ALL_OK=1 makes every cell complete (the retry after the faults are fixed).
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../../src/config/index.js";
import { writeResolvedConfig, writeRunRecord, type RunRecord } from "../../src/train/run-folder.js";

const args = process.argv.slice(2);
const option = (flag: string): string => args[args.indexOf(flag) + 1]!;
const sets = args.filter((_, i) => args[i - 1] === "--set");
const name = option("--name");
const dir = join(option("--logdir"), name);
const mode = process.env.FAKE_CELL_ALL_OK ? "ok" : name.split("/")[0];

if (mode === "baddata") {
  // Fails while loading its data, before a run folder exists.
  console.error("aelab: /data/train-images-idx3-ubyte: permission denied (EACCES); make it readable (chmod u+r) or run as its owner");
  process.exit(2);
}
const config = loadConfig(args[1]!, sets);
mkdirSync(dir, { recursive: true });
writeResolvedConfig(dir, config, "resolved config (fake cell)");
const record: RunRecord = {
  name,
  command: "",
  configFile: args[1]!,
  status: "running",
  aelabVersion: "test",
  node: process.version,
  backend: null,
  startedAt: new Date().toISOString(),
};
writeRunRecord(dir, record);
console.log("step 1: loss 0.5");
if (mode === "killed") process.kill(process.pid, "SIGKILL");
if (mode === "nan") {
  writeRunRecord(dir, { ...record, status: "failed", error: "train/loss is NaN at step 1" });
  console.error("aelab: train/loss is NaN at step 1");
  process.exit(2);
}
// FAKE_CELL_SLEEP_MS: a cell that takes a while, for watching its runner's heartbeat.
if (process.env.FAKE_CELL_SLEEP_MS) await new Promise((resolve) => setTimeout(resolve, Number(process.env.FAKE_CELL_SLEEP_MS)));
writeRunRecord(dir, { ...record, status: "completed", steps: 1, epochs: [] });
