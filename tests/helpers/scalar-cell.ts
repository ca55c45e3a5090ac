// Stands in for `aelab train` in experiment tests that need a cell's scalars: a completed run folder
// whose events file holds test/mse = seed/4 + step/16 at steps 0, 8, 16 and train/autoencoder/loss = seed
// at steps 4, 8, so the seed bands over the cells can be computed by hand.
import { join } from "node:path";
import { loadConfig } from "../../src/config/index.js";
import { writeFakeRun } from "./fake-experiment.js";

const args = process.argv.slice(2);
const option = (flag: string): string => args[args.indexOf(flag) + 1]!;
const sets = args.filter((_, i) => args[i - 1] === "--set");
const { seed } = loadConfig(args[1]!, sets);
await writeFakeRun(join(option("--logdir"), option("--name")), {
  seed,
  scalars: [
    ["test/mse", 0, seed / 4],
    ["train/autoencoder/loss", 4, seed],
    ["test/mse", 8, seed / 4 + 8 / 16],
    ["train/autoencoder/loss", 8, seed],
    ["test/mse", 16, seed / 4 + 16 / 16],
  ],
});
