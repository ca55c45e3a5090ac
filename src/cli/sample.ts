import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Argv } from "yargs";
import { BACKEND_REQUESTS, selectBackend, type BackendRequest } from "../backend/index.js";
import { Rng } from "../random/rng.js";
import { encodePng, tileGrid } from "../tensorboard/index.js";
import { imageBatch } from "../train/image-grids.js";
import { loadRun } from "../train/load-run.js";
import { seededNoise } from "../train/noise.js";
import { RunError } from "../train/run.js";

interface SampleArgs {
  run: string;
  n: number;
  out?: string;
  seed: number;
  backend: BackendRequest;
}

export const sampleCommand = {
  command: "sample <run>",
  describe: "Decode draws from a run's prior into a PNG grid",
  builder: (y: Argv) =>
    y
      .positional("run", { type: "string", demandOption: true, describe: "Run folder, e.g. runs/vae-bce" })
      .option("n", { type: "number", default: 64, describe: "How many samples" })
      .option("out", { type: "string", describe: "PNG file (default: <run>/samples.png)" })
      .option("seed", { type: "number", default: 0, describe: "Seed of the prior draws" })
      .option("backend", { choices: BACKEND_REQUESTS, default: "auto" as BackendRequest }),
  handler: async (argv: SampleArgs) => {
    if (!Number.isInteger(argv.n) || argv.n < 1 || argv.n > 1024) throw new RunError(`--n must be an integer from 1 to 1024 (got ${argv.n})`);
    await selectBackend(argv.backend);
    const run = await loadRun(argv.run);
    try {
      const { prior } = run.variant;
      if (!prior)
        throw new RunError(`run ${argv.run} is a ${run.config.model.variant} run: it has no prior to sample from (use a vae, aae, vaegan or vae+gan run)`);
      const codes = prior.sample(argv.n, seededNoise(new Rng(`sample/${argv.seed}`)));
      const images = run.variant.generate(codes);
      const batch = await imageBatch(images, run.shape);
      codes.dispose();
      images.dispose();
      const out = argv.out ?? join(argv.run, "samples.png");
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, await encodePng(tileGrid(batch)));
      process.stdout.write(`${argv.n} prior samples of ${argv.run} (checkpoint at step ${run.checkpoint.step}) written to ${out}\n`);
    } finally {
      run.variant.dispose();
    }
  },
};
