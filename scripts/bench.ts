/**
 * Training throughput of aelab on this machine, against a minimal tfjs loop and against PyTorch,
 * written to BENCHMARKS.md. `npm run bench -- --help` lists the flags; the work is in scripts/bench/.
 * The same script is its own worker: the parent runs every measurement as `bench.ts --worker <job>`.
 */
import { firstLine } from "../src/util/first-line.js";
import { parseBenchArgs } from "./bench/args.js";

const argv = process.argv.slice(2);
const parsed = parseBenchArgs(argv);
let code: number;
switch (parsed.kind) {
  case "error":
    process.stderr.write(`${parsed.message}\n`);
    code = 2;
    break;
  case "help":
    process.stdout.write(`${parsed.text}\n`);
    code = 0;
    break;
  case "worker":
    code = await (await import("./bench/worker.js")).runWorker(parsed.spec);
    break;
  case "run":
    try {
      code = await (await import("./bench/run.js")).runBench(parsed.options, argv);
    } catch (err) {
      // A config that does not load, an unwritable --out: one line, as the aelab CLI reports errors.
      process.stderr.write(`bench: ${firstLine(err)}\n`);
      code = 2;
    }
    break;
}
// A started wasm backend (or BLAS thread pool) can keep the event loop alive; the work is done.
process.exit(code);
