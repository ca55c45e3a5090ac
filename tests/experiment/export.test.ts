import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeSeedBands } from "../../src/experiment/bands.js";
import { axisColumns, csvField, exportScalars, type ExportFormat } from "../../src/experiment/export.js";
import { runTraining } from "../../src/train/run.js";
import { csvObjects, parseCsv } from "../helpers/csv.js";
import { fakeCellName, writeFakeExperiment, writeFakeRun, type FakeAxis, type FakeCell } from "../helpers/fake-experiment.js";
import { loggedScalars } from "../helpers/logged-scalars.js";
import { tinyConfig } from "../helpers/tiny-run.js";
import { decodeRawEvent, parseFraming } from "../tensorboard/independent-decoder.js";

const root = mkdtempSync(join(tmpdir(), "aelab-export-"));

const axes: FakeAxis[] = [
  { name: "beta", levels: ["beta-1", "beta-4"] },
  { name: "seed", key: "seed", levels: ["1", "2"] },
];
const cells: FakeCell[] = [
  {
    levels: { beta: "beta-1", seed: "1" },
    seed: 1,
    scalars: [
      ["test/mse", 0, 0.1],
      ["train/vae/loss", 4, 2.5],
      ["test/mse", 8, 0.05],
    ],
  },
  {
    levels: { beta: "beta-1", seed: "2" },
    seed: 2,
    scalars: [
      ["test/mse", 0, 0.3],
      ["test/mse", 8, 1 / 3],
    ],
  },
  {
    levels: { beta: "beta-4", seed: "1" },
    seed: 1,
    scalars: [
      ["test/mse", 0, 1e-8],
      ["perf/train_images_per_second", 4, 1234.5],
    ],
  },
  { levels: { beta: "beta-4", seed: "2" }, seed: 2, scalars: [["test/mse", 0, 7]] },
];

async function exported(folder: string, format: ExportFormat, warnings: string[] = []): Promise<string> {
  let text = "";
  await exportScalars(folder, { format, write: (piece) => void (text += piece), warn: (line) => warnings.push(line) });
  return text;
}

/** The scalar events of a run folder's events file, through the independent decoder: what each row must say. */
function decodedScalars(dir: string): Array<{ tag: string; step: string; wall_time: number; value: number }> {
  const file = readdirSync(dir).find((name) => name.includes("tfevents"))!;
  return parseFraming(readFileSync(join(dir, file))).flatMap((record) => {
    const event = decodeRawEvent(record.data);
    return (event.summary?.value ?? [])
      .filter((v) => v.simple_value !== undefined)
      .map((v) => ({ tag: v.tag, step: event.step, wall_time: event.wall_time, value: v.simple_value! }));
  });
}

describe("aelab export", () => {
  it("writes one CSV row per scalar event of every cell, with its group, axis levels and seed, and leaves the bands out", async () => {
    const dir = await writeFakeExperiment(root, "sweep", axes, cells);
    writeSeedBands(dir);
    const text = await exported(dir, "csv");
    expect(text.endsWith("\r\n")).toBe(true);
    const [header] = parseCsv(text);
    // The seed axis `seed` is the seed column itself.
    expect(header).toEqual(["run", "group", "beta", "seed", "tag", "step", "wall_time", "value"]);

    const rows = csvObjects(text);
    const expected = cells.flatMap((cell) => {
      const name = fakeCellName(axes, cell.levels);
      return decodedScalars(join(dir, name)).map((s) => ({ run: name, group: cell.levels.beta!, beta: cell.levels.beta!, seed: String(cell.seed), ...s }));
    });
    expect(rows.map((r) => ({ ...r, wall_time: Number(r.wall_time), value: Number(r.value) }))).toEqual(expected);
    // Values as logged: float32, each text reading back to exactly that float32.
    expect(rows.map((r) => Number(r.value))).toEqual(cells.flatMap((c) => c.scalars.map(([, , v]) => Math.fround(v))));
    for (const row of rows) expect(Math.fround(Number(row.value))).toBe(Number(row.value));
    expect(rows.some((r) => r.run.startsWith("_bands"))).toBe(false);
  });

  it("writes the same table as JSON lines, numbers as numbers", async () => {
    const dir = join(root, "sweep");
    const csv = csvObjects(await exported(dir, "csv"));
    const lines = (await exported(dir, "jsonl")).trimEnd().split("\n");
    const rows = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(rows).toHaveLength(csv.length);
    expect(Object.keys(rows[0]!)).toEqual(["run", "group", "beta", "seed", "tag", "step", "wall_time", "value"]);
    rows.forEach((row, i) => {
      const c = csv[i]!;
      expect(row).toEqual({ ...c, seed: Number(c.seed), step: Number(c.step), wall_time: Number(c.wall_time), value: Number(c.value) });
    });
  });

  it("exports a lone run as run '.', its folder's name as the group, no axis columns", async () => {
    const dir = join(root, "lone", "vae-bce");
    await writeFakeRun(dir, { seed: 7, scalars: [["test/bce", 0, 0.25]] });
    const rows = csvObjects(await exported(dir, "csv"));
    expect(rows.map(({ wall_time: _, ...r }) => r)).toEqual([{ run: ".", group: "vae-bce", seed: "7", tag: "test/bce", step: "0", value: "0.25" }]);
  });

  it("exports exactly what a trained run logged", async () => {
    const logdir = join(root, "trained");
    const outcome = await runTraining({ config: tinyConfig({ train: { epochs: 1 } }), configFile: "configs/tiny-vae.yaml", logdir, backend: "wasm" });
    const rows = csvObjects(await exported(outcome.dir, "csv"));
    const logged = loggedScalars(outcome.dir);
    const kept = rows.filter((r) => !r.tag.startsWith("perf/"));
    expect(new Map(kept.map((r) => [`${r.tag}@${r.step}`, Number(r.value)]))).toEqual(logged);
    expect(kept).toHaveLength(logged.size);
    expect(new Set(rows.map((r) => `${r.run} ${r.group} ${r.seed}`))).toEqual(new Set([`. ${basename(outcome.dir)} 3`]));
  });

  it("quotes fields per RFC 4180, and writes NaN and the infinities as tokens pandas reads", async () => {
    expect(csvField("plain/tag")).toBe("plain/tag");
    expect(csvField('a,"b"')).toBe('"a,""b"""');
    expect(csvField("two\r\nlines")).toBe('"two\r\nlines"');
    const dir = join(root, "odd", "run");
    const tags = ['test/a,"quoted"', "test/two\nlines", "test/nan"];
    await writeFakeRun(dir, {
      seed: 1,
      scalars: [
        [tags[0]!, 0, 1],
        [tags[1]!, 0, Number.POSITIVE_INFINITY],
        [tags[2]!, 0, Number.NaN],
      ],
    });
    const rows = csvObjects(await exported(dir, "csv"));
    expect(rows.map((r) => [r.tag, r.value])).toEqual([
      [tags[0], "1"],
      [tags[1], "inf"],
      [tags[2], "NaN"],
    ]);
    const json = (await exported(dir, "jsonl"))
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as { tag: string; value: unknown });
    expect(json.map((r) => [r.tag, r.value])).toEqual([
      [tags[0], 1],
      [tags[1], "inf"],
      [tags[2], "NaN"],
    ]);
  });

  it("names axis columns that clash with a fixed column apart", () => {
    expect(axisColumns(["beta", "step", "tag", "axis_step"])).toEqual(["beta", "axis_step", "axis_tag", "axis_axis_step"]);
  });

  it("refuses a missing folder, a folder without events files and a corrupt file in one line naming it, and warns of a cut-off one", async () => {
    const missing = join(root, "no-such-folder");
    await expect(exported(missing, "csv")).rejects.toThrow(`cannot read ${missing}: no such folder`);
    const empty = join(root, "empty");
    mkdirSync(join(empty, "sub"), { recursive: true });
    writeFileSync(join(empty, "notes.txt"), "no events here\n");
    await expect(exported(empty, "csv")).rejects.toThrow(`no events files (names containing "tfevents") under ${empty}`);

    const source = join(root, "sweep", "beta-1", "seed-1");
    const file = readdirSync(source).find((name) => name.includes("tfevents"))!;
    const corrupt = join(root, "corrupt");
    cpSync(source, corrupt, { recursive: true });
    const bytes = readFileSync(join(corrupt, file));
    const records = parseFraming(bytes);
    bytes[records[2]!.offset + 14]! ^= 0xff;
    writeFileSync(join(corrupt, file), bytes);
    const error = await exported(corrupt, "csv").catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe("LogdirError");
    expect((error as Error).message).toBe(
      `${join(corrupt, file)} is corrupt: record 2 at byte ${records[2]!.offset}: data CRC mismatch (the 2 records before it are intact; TensorBoard stops reading the file there too)`,
    );

    const cut = join(root, "cut");
    cpSync(source, cut, { recursive: true });
    truncateSync(join(cut, file), records.at(-1)!.offset + 5);
    const warnings: string[] = [];
    const rows = csvObjects(await exported(cut, "csv", warnings));
    expect(rows.map((r) => `${r.tag}@${r.step}`)).toEqual(["test/mse@0", "train/vae/loss@4"]);
    expect(warnings).toEqual([
      `${join(cut, file)} ends inside a record (a writer still running, or one killed mid-write); its 3 complete records are exported`,
    ]);
  });
});
