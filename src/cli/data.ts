import { mkdir, readdir } from "node:fs/promises";
import { join } from "node:path";
import sharp from "sharp";
import type { Argv } from "yargs";
import { DataError } from "../data/errors.js";
import { SYNTH_DEFAULTS, synthSplits } from "../data/sources/synth.js";
import { SYNTH_SHAPES_CLASSES } from "../data/synth-shapes.js";
import { forEachConcurrently } from "../util/for-each-concurrently.js";

export interface SynthArgs {
  out: string;
  count: number;
  testCount: number;
  seed: number;
  size: number;
}

// sharp encodes on its own thread pool; more files in flight than this only queue there and hold memory.
const IN_FLIGHT = 16;

/**
 * Writes synthSplits' train images to `<out>/train/<class>/<index>.png` and its test images to
 * `<out>/test/...` (torchvision's ImageFolder layout), `<index>` being the image's position in its split:
 * the same pixels `data.source: synth` trains on, given the same counts, seed and size. Returns the line to print.
 */
export async function writeSynthShapes(args: SynthArgs): Promise<string> {
  // At least one image per class, so the train folder always has all four class folders and an
  // ImageFolder reader gives every seed and count the same classes.
  wholeAtLeast("--count", args.count, SYNTH_SHAPES_CLASSES.length);
  wholeAtLeast("--test-count", args.testCount, 0);
  wholeAtLeast("--seed", args.seed, 0);
  wholeAtLeast("--size", args.size, 16);
  await refuseNonEmpty(args.out);
  const { train, test, classes } = synthSplits(args.count, args.testCount, args.seed, args.size);
  await writeSplit(join(args.out, "train"), train, classes, args.size);
  const folders = [join(args.out, "train")];
  if (args.testCount > 0) {
    await writeSplit(join(args.out, "test"), test, classes, args.size);
    folders.push(join(args.out, "test"));
  }
  return `wrote ${args.count} train and ${args.testCount} test images (${args.size}x${args.size} RGB PNG; ${classes.join(", ")}) to ${folders.join(" and ")}`;
}

async function writeSplit(dir: string, set: { images: Uint8Array; labels: Uint8Array }, classes: readonly string[], size: number): Promise<void> {
  const count = set.labels.length;
  const bytes = size * size * 3;
  const digits = Math.max(5, String(count - 1).length);
  for (const name of new Set(Array.from(set.labels, (label) => classes[label]!))) await mkdir(join(dir, name), { recursive: true });
  await forEachConcurrently(count, IN_FLIGHT, async (i) => {
    const pixels = Buffer.from(set.images.buffer, set.images.byteOffset + i * bytes, bytes);
    const file = join(dir, classes[set.labels[i]!]!, `${String(i).padStart(digits, "0")}.png`);
    await sharp(pixels, { raw: { width: size, height: size, channels: 3 } })
      .png()
      .toFile(file);
  });
}

async function refuseNonEmpty(out: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(out);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return;
    if (code === "ENOTDIR") throw new DataError(`${out} is a file; name a new folder to write the dataset into`);
    throw error;
  }
  if (entries.length > 0) throw new DataError(`${out} already exists and is not empty; name a new folder, or empty this one`);
}

function wholeAtLeast(option: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) throw new DataError(`${option} must be a whole number >= ${min} (got ${value})`);
}

const synthCommand = {
  command: "synth <out>",
  describe: "Write the synthetic shapes set (a circle, square, triangle or ring on a striped background; no download) as PNGs in <out>/{train,test}/<class>/",
  builder: (y: Argv) =>
    y
      .positional("out", { type: "string", demandOption: true, describe: "Folder to write; it must not exist, or be empty" })
      .option("count", { type: "number", default: SYNTH_DEFAULTS.trainCount, describe: "Train images (at least 4: one per class)" })
      .option("test-count", {
        type: "number",
        default: SYNTH_DEFAULTS.testCount,
        describe: "Test images, drawn from their own stream, so none is a train image; 0 for none",
      })
      .option("seed", {
        type: "number",
        default: SYNTH_DEFAULTS.seed,
        describe: "Seed (>= 0); the same seed, counts and size give the pixels data.source: synth trains on",
      })
      .option("size", { type: "number", default: SYNTH_DEFAULTS.size, describe: "Width and height of the images in pixels (>= 16)" }),
  handler: async (argv: SynthArgs) => {
    process.stdout.write(`${await writeSynthShapes(argv)}\n`);
  },
};

export const dataCommand = {
  command: "data",
  describe: "Make datasets on disk: `aelab data synth <out>` writes generated coloured shapes as PNG folders",
  builder: (y: Argv) => y.command(synthCommand).demandCommand(1, "name a data command: synth"),
  handler: () => undefined,
};
