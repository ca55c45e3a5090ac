/**
 * Throughput of aelab on this machine, printed as tables: training images/s of each config (one epoch
 * of the embedded MNIST, logging to memory), then the wasm kernel fixes against stock kernels.
 * Usage: npm run bench [-- --backend wasm|cpu|tensorflow|auto] [--epochs 1] [--images 2560] [config.yaml ...]
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { BACKEND_REQUESTS, selectBackend, type BackendRequest } from "../src/backend/index.js";
import { loadConfig } from "../src/config/index.js";
import { loadDataset } from "../src/data/index.js";
import { MemoryWriter } from "../src/tensorboard/index.js";
import { trainLoop } from "../src/train/loop.js";
import { benchKernels } from "./bench-kernels.js";

function table(headers: string[], rows: Array<Array<string | number>>): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  return [line(headers), `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`, ...cells.slice(1).map(line)].join("\n");
}

const argv = await yargs(hideBin(process.argv))
  .option("backend", { choices: BACKEND_REQUESTS, default: "wasm" as BackendRequest })
  .option("epochs", { type: "number", default: 1 })
  .option("images", { type: "number", default: 2560, describe: "train images per epoch (a prefix of the embedded split)" })
  .option("kernels", { type: "boolean", default: true, describe: "also time the wasm kernel fixes" })
  .strict()
  .parseAsync();
const files = argv._.length ? argv._.map(String) : readdirSync("configs").filter((f) => f.endsWith(".yaml")).sort().map((f) => join("configs", f));

const backend = await selectBackend(argv.backend);
const rows: Array<Array<string | number>> = [];
for (const file of files) {
  const config = loadConfig(file, [`train.epochs=${argv.epochs}`, `data.trainLimit=${argv.images}`, "data.testLimit=256", "log.imagesEvery=1000"]);
  const dataset = await loadDataset(config.data.source, { seed: config.seed, testFraction: config.data.testFraction, trainLimit: config.data.trainLimit, testLimit: config.data.testLimit });
  const result = await trainLoop({ config, dataset, writer: new MemoryWriter() });
  const epochs = result.epochs;
  const seconds = epochs.reduce((s, e) => s + e.trainSeconds, 0);
  const images = epochs.length * dataset.train.count;
  rows.push([file, config.model.variant, `${config.model.encoder.type}/${config.model.decoder.type}`, config.model.recon, result.steps, seconds.toFixed(1), Math.round(images / seconds)]);
}
console.log(`training throughput, backend ${backend.name} (${backend.patches.length} kernel fixes), ${argv.epochs} epoch(s) of ${argv.images} embedded MNIST images, batch 128`);
console.log("(train s: time in training steps only, excluding evaluation and image logging; includes the first step's warm-up)");
console.log(table(["config", "variant", "enc/dec", "recon", "steps", "train s", "images/s"], rows));

if (argv.kernels && backend.name === "wasm") {
  const kernels = await benchKernels();
  console.log("\nwasm kernels, stock vs aelab's fixes");
  console.log(table(["kernel", "shape", "variant", "ms", "GFLOP/s"], kernels.map((k) => [k.kernel, k.shape, k.variant, k.ms.toFixed(2), k.gflops.toFixed(1)])));
}
process.exit(0);
