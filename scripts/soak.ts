/**
 * A long run's memory: `npm run soak -- [config.yaml] [--steps 10000] [--every 1000] [--kernels native|wasm]`.
 * Trains with aelab's loop and prints the tensor count and the process's RSS every `every` steps,
 * each after a full garbage collection, then whether both stayed flat: tensors constant, RSS growth
 * below --max-rss-growth MiB (50). Exits 1 when they did not. Not a test: it takes minutes.
 */
import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { selectBackend } from "../src/backend/index.js";
import { soakSeries } from "./bench/soak.js";

const argv = await yargs(hideBin(process.argv))
  .scriptName("npm run soak --")
  .usage("$0 [config.yaml] [options]")
  .command("$0 [config]", "train for many steps and watch tensors and RSS", (y) =>
    y.positional("config", { type: "string", default: "configs/vae-bce.yaml", describe: "the run config to train" }),
  )
  .option("steps", { type: "number", default: 10_000, describe: "training steps between the first and the last reading" })
  .option("every", { type: "number", default: 1_000, describe: "steps between readings" })
  .option("warmup", { type: "number", default: 100, describe: "steps before the first reading (Adam makes its slots, the heap grows)" })
  .option("batch", { type: "number", default: 128 })
  .option("kernels", { choices: ["auto", "native", "wasm"] as const, default: "auto" as const })
  .option("max-rss-growth", { type: "number", default: 50, describe: "MiB of RSS growth allowed over the run" })
  .check((a) => {
    if (!(a.steps > 0 && a.every > 0 && a.every <= a.steps)) throw new Error("--steps and --every must be > 0, with --every <= --steps");
    return true;
  })
  .strict()
  .parseAsync();

if (typeof (globalThis as { gc?: unknown }).gc !== "function") {
  console.error("soak: run with node --expose-gc (npm run soak does), so that each reading follows a full garbage collection");
  process.exit(2);
}
const info = await selectBackend("wasm", { kernels: argv.kernels });
const mib = (bytes: number) => bytes / 2 ** 20;
console.log(
  `${String(argv.config)}, batch ${argv.batch}, kernels ${info.kernels?.native ? "native" : "wasm"}: ${argv.steps} steps, a reading every ${argv.every}`,
);
console.log("step      tensors  tensor MiB  RSS MiB  RSS change MiB");
let first: { rss: number } | undefined;
const { readings, tensorsAtStart, tensorsAtEnd } = await soakSeries(String(argv.config), argv.batch, argv.warmup, argv.steps, argv.every, (r) => {
  first ??= r;
  console.log(
    `${String(r.step).padEnd(9)} ${String(r.numTensors).padStart(7)}  ${mib(r.numBytes).toFixed(1).padStart(10)}  ${mib(r.rss).toFixed(1).padStart(7)}  ${(mib(r.rss - first.rss) >= 0 ? "+" : "") + mib(r.rss - first.rss).toFixed(1)}`,
  );
});
const tensorsFlat = readings.every((r) => r.numTensors === readings[0].numTensors) && tensorsAtEnd === tensorsAtStart;
const growth = mib(readings[readings.length - 1].rss - readings[0].rss);
const rssFlat = growth < argv["max-rss-growth"];
console.log(
  `tensors: ${tensorsFlat ? "constant" : "NOT constant"} (${readings[0].numTensors} during training; ${tensorsAtStart} before, ${tensorsAtEnd} after)`,
);
console.log(
  `RSS: ${growth >= 0 ? "+" : ""}${growth.toFixed(1)} MiB over ${readings[readings.length - 1].step - readings[0].step} steps (limit ${argv["max-rss-growth"]} MiB): ${rssFlat ? "flat" : "GROWING"}`,
);
process.exit(tensorsFlat && rssFlat ? 0 : 1);
