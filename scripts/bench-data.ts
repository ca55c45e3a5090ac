/**
 * How fast a folder of images becomes a dataset: `npm run bench:data` writes N generated 32x32 PNGs
 * (`aelab data synth`, untimed), then times the first load (decoding every file with sharp, writing the
 * cache) and a second one (reading the cache back). Numbers go to stdout, for BENCHMARKS.md.
 *   npm run bench:data -- [--count 50000] [--keep <folder>]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeSynthShapes } from "../src/cli/data.js";
import { loadDataset } from "../src/data/index.js";

const argv = process.argv.slice(2);
const flag = (name: string) => {
  const at = argv.indexOf(`--${name}`);
  return at >= 0 ? argv[at + 1] : undefined;
};
const count = Number(flag("count") ?? 50_000);
const root = flag("keep") ?? mkdtempSync(join(tmpdir(), "aelab-bench-data-"));
const folder = join(root, "images");
const cacheDir = join(root, "cache");
try {
  process.stderr.write(`writing ${count} PNGs to ${folder} ...\n`);
  await writeSynthShapes({ out: folder, count, testCount: 0, seed: 0, size: 32 });
  const time = async (what: string) => {
    const started = performance.now();
    const dataset = await loadDataset(folder, { seed: 1, cacheDir });
    const seconds = (performance.now() - started) / 1000;
    process.stdout.write(
      `${what}: ${dataset.train.count + dataset.test.count} images ${dataset.height}x${dataset.width}x${dataset.channels} in ${seconds.toFixed(2)} s\n`,
    );
  };
  await time("decode (first load, writes the cache)");
  await time("reload (from the cache)");
} finally {
  if (flag("keep") === undefined) rmSync(root, { recursive: true, force: true });
}
