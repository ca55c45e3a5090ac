import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BANDS_DIR, BANDS_FILE, LAYOUT_FILE, writeSeedBands } from "../../src/experiment/bands.js";
import { loadExperiment, startExperiment } from "../../src/experiment/index.js";
import { decodeRawEvent, decodeRawLayout, parseFraming, type RawEvent } from "../tensorboard/independent-decoder.js";
import { writeFakeExperiment, type FakeAxis, type FakeCell } from "../helpers/fake-experiment.js";

const logdir = mkdtempSync(join(tmpdir(), "aelab-bands-"));
const f = Math.fround;

const axes: FakeAxis[] = [
  { name: "loss", levels: ["mse", "bce"] },
  { name: "seed", key: "seed", levels: ["1", "2", "3"] },
];

// Known scalars: mse's seed 3 stopped before step 20; bce's seed 3 failed (left out), and only its seed 1
// logged test/latent/kl_dim_00. diagnostics/ and perf/ get no bands.
const cells: FakeCell[] = [
  {
    levels: { loss: "mse", seed: "1" },
    seed: 1,
    scalars: [
      ["test/mse", 0, 0.5],
      ["train/autoencoder/loss", 5, 2],
      ["diagnostics/encoder_grad_norm", 5, 9],
      ["perf/train_images_per_second", 5, 100],
      ["test/mse", 10, 0.25],
      ["train/autoencoder/loss", 10, 1],
      ["validation/autoencoder/loss", 10, 1.5],
      ["test/mse", 20, 0.125],
    ],
  },
  {
    levels: { loss: "mse", seed: "2" },
    seed: 2,
    scalars: [
      ["test/mse", 0, 0.25],
      ["train/autoencoder/loss", 5, 4],
      ["diagnostics/encoder_grad_norm", 5, 7],
      ["test/mse", 10, 0.5],
      ["train/autoencoder/loss", 10, 3],
      ["validation/autoencoder/loss", 10, 2.5],
      ["test/mse", 20, 0.25],
    ],
  },
  {
    levels: { loss: "mse", seed: "3" },
    seed: 3,
    scalars: [
      ["test/mse", 0, 1.5],
      ["train/autoencoder/loss", 5, 3],
      ["test/mse", 10, 0.75],
      ["train/autoencoder/loss", 10, 2],
      ["validation/autoencoder/loss", 10, 0.5],
    ],
  },
  {
    levels: { loss: "bce", seed: "1" },
    seed: 1,
    scalars: [
      ["test/mse", 0, 0.1],
      ["train/autoencoder/loss", 5, 1],
      ["test/mse", 10, 0.2],
      ["train/autoencoder/loss", 10, 1],
      ["test/latent/kl_dim_00", 10, 0.5],
    ],
  },
  {
    levels: { loss: "bce", seed: "2" },
    seed: 2,
    scalars: [
      ["test/mse", 0, 0.3],
      ["train/autoencoder/loss", 5, 2],
      ["test/mse", 10, 0.2],
      ["train/autoencoder/loss", 10, 1],
    ],
  },
  { levels: { loss: "bce", seed: "3" }, seed: 3, status: "failed", scalars: [["test/mse", 0, 100]] },
];

/** Every record of an events file through the independent decoder, its CRCs checked. */
function decodeFile(path: string): RawEvent[] {
  return parseFraming(readFileSync(path)).map((record) => {
    expect(record.storedLengthCrc).toBe(record.expectedLengthCrc);
    expect(record.storedDataCrc).toBe(record.expectedDataCrc);
    return decodeRawEvent(record.data);
  });
}

/** "tag@step" -> value of every scalar in a band file. */
function bandScalars(path: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const event of decodeFile(path)) {
    for (const value of event.summary?.value ?? []) {
      if (value.simple_value !== undefined) out.set(`${value.tag}@${event.step}`, value.simple_value);
    }
  }
  return out;
}

/** The expected band, computed by hand from the float32 values the runs logged. */
function band(tag: string, step: number, stats: { mean: number; min: number; max: number; std?: number }): Array<[string, number]> {
  const out: Array<[string, number]> = [
    [`${tag}/mean@${step}`, f(stats.mean)],
    [`${tag}/min@${step}`, f(stats.min)],
    [`${tag}/max@${step}`, f(stats.max)],
  ];
  if (stats.std !== undefined) out.push([`${tag}/std@${step}`, f(stats.std)]);
  return out;
}

/** Every file under `dir`, relative to it, with its bytes. */
function snapshot(dir: string): Map<string, Buffer> {
  const files = readdirSync(dir, { recursive: true, encoding: "utf8" }).filter(
    (name) => name.includes(BANDS_FILE) || name === LAYOUT_FILE || name.includes(".tmp"),
  );
  return new Map(files.map((name) => [name, readFileSync(join(dir, name))]));
}

describe("seed bands", () => {
  it("writes mean, min, max and sample std of every test/, validation/ and train/ scalar at each step all seeds logged", async () => {
    const dir = await writeFakeExperiment(logdir, "losses", axes, cells);
    const outcome = writeSeedBands(dir);
    expect(outcome.skipped).toBeUndefined();
    expect(outcome.groups.map((g) => [g.group, g.cells, g.seeds, g.leftOut])).toEqual([
      ["mse", ["mse/seed-1", "mse/seed-2", "mse/seed-3"], ["1", "2", "3"], []],
      ["bce", ["bce/seed-1", "bce/seed-2"], ["1", "2"], ["bce/seed-3"]],
    ]);

    const mse = bandScalars(join(dir, BANDS_DIR, "mse", BANDS_FILE));
    expect(mse).toEqual(
      new Map([
        // [0.5, 0.25, 1.5]: deviations -0.25, -0.5, 0.75, squares summing to 0.875, over n - 1 = 2.
        ...band("test/mse", 0, { mean: 0.75, min: 0.25, max: 1.5, std: Math.sqrt(0.4375) }),
        ...band("test/mse", 10, { mean: 0.5, min: 0.25, max: 0.75, std: 0.25 }),
        // test/mse@20: seed 3 never logged it, so no point there.
        ...band("train/autoencoder/loss", 5, { mean: 3, min: 2, max: 4, std: 1 }),
        ...band("train/autoencoder/loss", 10, { mean: 2, min: 1, max: 3, std: 1 }),
        ...band("validation/autoencoder/loss", 10, { mean: 1.5, min: 0.5, max: 2.5, std: 1 }),
      ]),
    );

    // Over the two completed seeds only; float32 inputs (0.1 and 0.3 as logged), statistics in float64, written as float32.
    const bce = bandScalars(join(dir, BANDS_DIR, "bce", BANDS_FILE));
    expect(bce).toEqual(
      new Map([
        ...band("test/mse", 0, { mean: (f(0.1) + f(0.3)) / 2, min: f(0.1), max: f(0.3), std: (f(0.3) - f(0.1)) / Math.SQRT2 }),
        ...band("test/mse", 10, { mean: f(0.2), min: f(0.2), max: f(0.2), std: 0 }),
        ...band("train/autoencoder/loss", 5, { mean: 1.5, min: 1, max: 2, std: Math.SQRT1_2 }),
        ...band("train/autoencoder/loss", 10, { mean: 1, min: 1, max: 1, std: 0 }),
      ]),
    );

    // The band run: file_version first, its note at step 0, then steps in order (never backwards for a tag).
    const events = decodeFile(join(dir, BANDS_DIR, "bce", BANDS_FILE));
    expect(events[0]!.file_version).toBe("brain.Event:2");
    const note = events[1]!.summary!.value[0]!;
    expect(note.tag).toBe("seed_bands");
    expect(note.metadata?.plugin_data?.plugin_name).toBe("text");
    const text = Buffer.from(note.tensor!.string_val[0]!).toString("utf8");
    expect(text).toContain("over 2 seeds (1, 2)");
    expect(text).toContain("Left out (not completed): `bce/seed-3`");
    const steps = events.slice(1).map((e) => Number(e.step));
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
  });

  it("writes a Custom Scalars layout: a category per family, a margin chart per tag, mean between min and max", async () => {
    const dir = join(logdir, "losses");
    if (!existsSync(dir)) await writeFakeExperiment(logdir, "losses", axes, cells);
    writeSeedBands(dir);
    const events = decodeFile(join(dir, LAYOUT_FILE));
    expect(events).toHaveLength(2);
    expect(events[0]!.file_version).toBe("brain.Event:2");
    const values = events[1]!.summary!.value;
    expect(values).toHaveLength(1);
    const value = values[0]!;
    expect(value.tag).toBe("custom_scalars__config__");
    expect(value.metadata?.plugin_data?.plugin_name).toBe("custom_scalars");
    // A DT_STRING (7) scalar: no dimensions, one string.
    expect(value.tensor!.dtype).toBe(7);
    expect(value.tensor!.tensor_shape?.dim ?? []).toEqual([]);
    expect(value.tensor!.string_val).toHaveLength(1);

    const layout = decodeRawLayout(value.tensor!.string_val[0]!);
    expect(layout.version).toBe(0);
    const margin = (tag: string) => ({
      title: tag,
      content: "margin",
      margin: { series: [{ value: `${tag}/mean`, lower: `${tag}/min`, upper: `${tag}/max` }] },
    });
    expect(layout.category.map((c) => ({ title: c.title, closed: c.closed, chart: c.chart.map(({ multiline: _, ...chart }) => chart) }))).toEqual([
      { title: "test (seed bands)", closed: false, chart: [margin("test/mse")] },
      { title: "validation/autoencoder (seed bands)", closed: false, chart: [margin("validation/autoencoder/loss")] },
      { title: "train/autoencoder (seed bands)", closed: false, chart: [margin("train/autoencoder/loss")] },
    ]);
  });

  it("replaces the bands when run again (the same bytes, no second file), and removes those of groups gone from the record", async () => {
    const dir = await writeFakeExperiment(logdir, "again", axes, cells);
    writeSeedBands(dir);
    const first = snapshot(dir);
    expect([...first.keys()].sort()).toEqual([LAYOUT_FILE, join(BANDS_DIR, "bce", BANDS_FILE), join(BANDS_DIR, "mse", BANDS_FILE)].sort());
    writeSeedBands(dir);
    expect(snapshot(dir)).toEqual(first);

    const recordPath = join(dir, "experiment.json");
    const record = JSON.parse(readFileSync(recordPath, "utf8")) as { cells: Array<{ name: string }> };
    record.cells = record.cells.filter((cell) => cell.name.startsWith("mse/"));
    writeFileSync(recordPath, JSON.stringify(record));
    writeSeedBands(dir);
    expect(existsSync(join(dir, BANDS_DIR, "bce"))).toBe(false);
    expect(readFileSync(join(dir, BANDS_DIR, "mse", BANDS_FILE))).toEqual(first.get(join(BANDS_DIR, "mse", BANDS_FILE)));
  });

  it("writes nothing for an experiment without a seed axis, and names the group after the experiment when the seed is the only axis", async () => {
    const noSeed = await writeFakeExperiment(
      logdir,
      "no-seed",
      [{ name: "loss", levels: ["mse", "bce"] }],
      [
        { levels: { loss: "mse" }, seed: 1, scalars: [["test/mse", 0, 1]] },
        { levels: { loss: "bce" }, seed: 1, scalars: [["test/mse", 0, 2]] },
      ],
    );
    expect(writeSeedBands(noSeed).skipped).toMatch(/no seed axis/);
    expect(existsSync(join(noSeed, BANDS_DIR))).toBe(false);
    expect(existsSync(join(noSeed, LAYOUT_FILE))).toBe(false);

    const seedsOnly = await writeFakeExperiment(
      logdir,
      "seeds-only",
      [{ name: "seed", key: "seed", levels: ["1", "2"] }],
      [
        { levels: { seed: "1" }, seed: 1, scalars: [["test/mse", 0, 1]] },
        { levels: { seed: "2" }, seed: 2, scalars: [["test/mse", 0, 2]] },
      ],
    );
    expect(writeSeedBands(seedsOnly).groups.map((g) => g.group)).toEqual(["seeds-only"]);
    expect(bandScalars(join(seedsOnly, BANDS_DIR, "seeds-only", BANDS_FILE)).get("test/mse/mean@0")).toBe(1.5);

    // A level named like the bands' folder would put its cells there: no bands, and the reason.
    const clash = await writeFakeExperiment(
      logdir,
      "clash",
      [
        { name: "loss", levels: ["_bands"] },
        { name: "seed", key: "seed", levels: ["1"] },
      ],
      [{ levels: { loss: "_bands", seed: "1" }, seed: 1, scalars: [["test/mse", 0, 1]] }],
    );
    const lines: string[] = [];
    expect(writeSeedBands(clash, { log: (line) => lines.push(line) }).skipped).toMatch(/_bands\/seed-1's folder is where the bands go/);
    expect(lines).toEqual(["bands: none (cell _bands/seed-1's folder is where the bands go (_bands/); rename its level to get bands)"]);
    expect(readdirSync(join(clash, BANDS_DIR))).toEqual(["seed-1"]);
  });

  it("keeps the earlier bands whole when a write fails part-way (a full disk), and says so in one line", async () => {
    const dir = await writeFakeExperiment(logdir, "full-disk", axes, cells);
    writeSeedBands(dir);
    const before = snapshot(dir);
    const faults = join(import.meta.dirname, "../helpers/fs-faults.mjs");
    const fault = { code: "ENOSPC", calls: ["writeSync"], match: join(dir, BANDS_DIR, "bce") };
    // `aelab report` writes the bands before measuring anything.
    const run = spawnSync(process.execPath, ["--import", faults, "bin/aelab.js", "report", dir], {
      encoding: "utf8",
      env: { ...process.env, CI: "true", AELAB_FS_FAULT: JSON.stringify(fault) },
      timeout: 170_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toContain(`cannot write ${join(dir, BANDS_DIR, "bce", BANDS_FILE)}: no space left on the device (ENOSPC)`);
    // The half-written temporary file is gone, and every file there before is as it was.
    expect(snapshot(dir)).toEqual(before);
    // `aelab report` starts its backend before the bands: seconds alone, more on a busy machine.
  }, 180_000);

  it("are written when an experiment's cells have run", async () => {
    const root = mkdtempSync(join(tmpdir(), "aelab-bands-run-"));
    writeFileSync(join(root, "base.yaml"), "model: { variant: ae, recon: mse }\n");
    const file = join(root, "tiny.yaml");
    writeFileSync(file, "name: tiny\nbase: base.yaml\naxes:\n  seed: [1, 3]\n");
    const experiment = loadExperiment(file, { logdir: join(root, "runs") });
    const lines: string[] = [];
    const aelab = [process.execPath, "--import", "tsx", join(import.meta.dirname, "../helpers/scalar-cell.ts")];
    const outcome = await startExperiment(experiment, { workers: 2, force: false, report: false, log: (line) => lines.push(line), aelab }).done;
    expect(outcome.failed).toEqual([]);
    expect(lines.some((line) => line.startsWith("bands: 1 group over 2 runs"))).toBe(true);
    const scalars = bandScalars(join(experiment.dir, BANDS_DIR, "tiny", BANDS_FILE));
    // test/mse = seed/4 + step/16 for seeds 1 and 3: mean 0.5 + step/16, min 0.25 + step/16, std 0.5/sqrt(2).
    for (const step of [0, 8, 16]) {
      expect(scalars.get(`test/mse/mean@${step}`)).toBe(f(0.5 + step / 16));
      expect(scalars.get(`test/mse/min@${step}`)).toBe(f(0.25 + step / 16));
      expect(scalars.get(`test/mse/std@${step}`)).toBe(f(0.5 / Math.SQRT2));
    }
    expect(scalars.get("train/autoencoder/loss/max@8")).toBe(3);
    expect(existsSync(join(experiment.dir, LAYOUT_FILE))).toBe(true);
  });
});
