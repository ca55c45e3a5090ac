import { mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import yargs from "yargs";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { tbCommand, tbReport } from "../../src/cli/tb.js";
import {
  EXPERIMENT_FILE,
  EventFileWriter,
  encodeEvent,
  encodeRecord,
  formatLogdirSummary,
  readEventsFile,
  shellQuote,
  summarizeLogdir,
  writeHparamsExperiment,
} from "../../src/tensorboard/index.js";

let logdir: string;
const files: Record<string, string> = {}; // run -> its event file, relative to the logdir

beforeAll(async () => {
  logdir = mkdtempSync(join(tmpdir(), "aelab-tb-cli-"));
  writeHparamsExperiment(logdir, {
    hparams: [
      { name: "lr", type: "number" },
      { name: "variant", type: "string", domain: { values: ["ae", "vae"] } },
    ],
    metrics: [{ tag: "test/loss" }],
  });

  const vae = new EventFileWriter(join(logdir, "vae"));
  vae.hparams({ hparams: { variant: "vae", lr: 0.001 } });
  vae.scalar("test/loss", 0.5, 0);
  vae.text("notes", "# Notes\nsecond line", 0);
  vae.scalar("test/loss", 0.123456789, 100);
  await vae.images("images/recon", { pixels: new Float32Array(4 * 4).fill(0.5), count: 4, height: 2, width: 2, channels: 1 }, 100);
  vae.histogram("pixels/recon", [0.1, 0.9], 100, { range: [0, 1] });
  vae.hparamsEnd("success", 100);
  await vae.close();
  files.vae = relative(logdir, vae.path);

  const ae = new EventFileWriter(join(logdir, "nested", "ae"));
  ae.hparams({ hparams: { variant: "ae", lr: 0.01 } });
  ae.scalar("test/loss", 0.3, 50);
  ae.hparamsEnd("aborted", 50);
  await ae.close();
  files.ae = relative(logdir, ae.path);

  const broken = new EventFileWriter(join(logdir, "broken"));
  for (let step = 1; step <= 3; step++) broken.scalar("loss", step, step);
  await broken.close();
  const bytes = readFileSync(broken.path);
  // Flip a byte inside record 2 (the second scalar): skip the file_version record and one scalar.
  const framing = readEventsFile(bytes);
  expect(framing.events).toHaveLength(4);
  const fileVersionBytes = encodeRecord(encodeEvent({ wallTime: framing.events[0]!.wallTime, fileVersion: "brain.Event:2" })).length;
  const scalarBytes = (bytes.length - fileVersionBytes) / 3;
  bytes[fileVersionBytes + scalarBytes + 14] ^= 0xff;
  writeFileSync(broken.path, bytes);
  files.broken = relative(logdir, broken.path);

  const cut = new EventFileWriter(join(logdir, "cut"));
  cut.scalar("loss", 1, 1);
  cut.scalar("loss", 2, 2);
  await cut.close();
  const whole = readFileSync(cut.path);
  writeFileSync(cut.path, whole.subarray(0, whole.length - 5));
  files.cut = relative(logdir, cut.path);

  // Summaries written as tensors, as TF 2 writes scalars, and one of a plugin aelab does not know.
  mkdirSync(join(logdir, "tf2"));
  const event = (step: number, value: object) => encodeRecord(encodeEvent({ wallTime: 1_700_000_000, step, summary: { value: [value as never] } }));
  writeFileSync(
    join(logdir, "tf2", "events.out.tfevents.1700000000.host"),
    Buffer.concat([
      encodeRecord(encodeEvent({ wallTime: 1_700_000_000, fileVersion: "brain.Event:2" })),
      event(1, { tag: "acc", metadata: { pluginData: { pluginName: "scalars" } }, tensor: { dtype: 1, tensorShape: {}, floatVal: [0.75] } }),
      event(2, { tag: "acc", tensor: { dtype: 1, tensorShape: {}, tensorContent: Buffer.from(new Float32Array([0.875]).buffer) } }),
      event(2, { tag: "pr", metadata: { pluginData: { pluginName: "pr_curves" } }, tensor: { dtype: 1, tensorShape: {}, floatVal: [1] } }),
    ]),
  );
  files.tf2 = "tf2/events.out.tfevents.1700000000.host";

  mkdirSync(join(logdir, "empty"));
  writeFileSync(join(logdir, "empty", "notes.txt"), "not an event file");
});

afterEach(() => vi.restoreAllMocks());

describe("summarizeLogdir", () => {
  it("lists every run, tag, kind, count, last step and last scalar, and each file's problem", () => {
    expect(summarizeLogdir(logdir)).toEqual([
      {
        run: ".",
        files: [EXPERIMENT_FILE],
        tags: [{ tag: "_hparams_/experiment", kind: "hparams", points: 1, firstStep: 0, lastStep: 0, detail: "2 hparams, 1 metric: test/loss" }],
        problems: [],
      },
      {
        run: "broken",
        files: [files.broken],
        tags: [{ tag: "loss", kind: "scalar", points: 1, firstStep: 1, lastStep: 1, lastValue: 1 }],
        problems: [
          {
            file: files.broken,
            kind: "corrupt",
            message: expect.stringMatching(/^record 2 at byte \d+: data CRC mismatch$/),
            recordIndex: 2,
            offset: expect.any(Number),
          },
        ],
      },
      {
        run: "cut",
        files: [files.cut],
        tags: [{ tag: "loss", kind: "scalar", points: 1, firstStep: 1, lastStep: 1, lastValue: 1 }],
        problems: [
          {
            file: files.cut,
            kind: "truncated",
            recordIndex: 2,
            message: "ends inside record 2 (a writer still running, or one killed mid-write)",
          },
        ],
      },
      {
        run: "nested/ae",
        files: [files.ae],
        tags: [
          { tag: "_hparams_/session_start_info", kind: "hparams", points: 1, firstStep: 0, lastStep: 0, detail: 'lr=0.01, variant="ae"' },
          { tag: "test/loss", kind: "scalar", points: 1, firstStep: 50, lastStep: 50, lastValue: Math.fround(0.3) },
          { tag: "_hparams_/session_end_info", kind: "hparams", points: 1, firstStep: 50, lastStep: 50, detail: "status unknown" },
        ],
        problems: [],
      },
      {
        run: "tf2",
        files: [files.tf2],
        tags: [
          { tag: "acc", kind: "scalar", points: 2, firstStep: 1, lastStep: 2, lastValue: 0.875 },
          { tag: "pr", kind: "tensor", plugin: "pr_curves", points: 1, firstStep: 2, lastStep: 2 },
        ],
        problems: [],
      },
      {
        run: "vae",
        files: [files.vae],
        tags: [
          { tag: "_hparams_/session_start_info", kind: "hparams", points: 1, firstStep: 0, lastStep: 0, detail: 'lr=0.001, variant="vae"' },
          { tag: "test/loss", kind: "scalar", points: 2, firstStep: 0, lastStep: 100, lastValue: Math.fround(0.123456789) },
          { tag: "notes", kind: "text", points: 1, firstStep: 0, lastStep: 0, detail: '"# Notes"' },
          { tag: "images/recon", kind: "image", points: 1, firstStep: 100, lastStep: 100 },
          { tag: "pixels/recon", kind: "histogram", points: 1, firstStep: 100, lastStep: 100 },
          { tag: "_hparams_/session_end_info", kind: "hparams", points: 1, firstStep: 100, lastStep: 100, detail: "status success" },
        ],
        problems: [],
      },
    ]);
  });

  it("throws a one-line LogdirError for a missing logdir or a file", () => {
    expect(() => summarizeLogdir(join(logdir, "nope"))).toThrow(/^cannot read logdir .*nope: no such folder$/);
    expect(() => summarizeLogdir(join(logdir, EXPERIMENT_FILE))).toThrow(/is a file, not a folder/);
  });

  it("finds nothing in a folder without event files", () => {
    expect(summarizeLogdir(join(logdir, "empty"))).toEqual([]);
  });
});

describe("formatLogdirSummary", () => {
  it("prints each run with aligned tag lines, one line per problem, and the tensorboard command", () => {
    const text = formatLogdirSummary(logdir, summarizeLogdir(logdir));
    const corruptAt = /record 2 at byte (\d+)/.exec(text)![1];
    expect(text).toBe(
      [
        "run . (1 event file)",
        "  _hparams_/experiment  hparams  1 point   last step 0  2 hparams, 1 metric: test/loss",
        "run broken (1 event file)",
        "  loss  scalar  1 point   last step 1  last value 1",
        `  corrupt: ${files.broken}: record 2 at byte ${corruptAt}: data CRC mismatch; 2 records before it are counted above, TensorBoard stops there too`,
        "run cut (1 event file)",
        "  loss  scalar  1 point   last step 1  last value 1",
        `  truncated: ${files.cut} ends inside record 2 (a writer still running, or one killed mid-write); the 2 complete records before it are counted`,
        "run nested/ae (1 event file)",
        '  _hparams_/session_start_info  hparams  1 point   last step  0  lr=0.01, variant="ae"',
        "  test/loss                     scalar   1 point   last step 50  last value 0.3",
        "  _hparams_/session_end_info    hparams  1 point   last step 50  status unknown",
        "run tf2 (1 event file)",
        "  acc  scalar  2 points  last step 2  last value 0.875",
        "  pr   tensor  1 point   last step 2  plugin pr_curves",
        "run vae (1 event file)",
        '  _hparams_/session_start_info  hparams    1 point   last step   0  lr=0.001, variant="vae"',
        "  test/loss                     scalar     2 points  last step 100  last value 0.123457",
        '  notes                         text       1 point   last step   0  "# Notes"',
        "  images/recon                  image      1 point   last step 100",
        "  pixels/recon                  histogram  1 point   last step 100",
        "  _hparams_/session_end_info    hparams    1 point   last step 100  status success",
        "",
        `tensorboard --logdir ${logdir}`,
      ].join("\n"),
    );
  });

  it("says when there is nothing, and quotes a logdir the shell would split", () => {
    expect(formatLogdirSummary("my runs", [])).toBe(`no event files (names containing "tfevents") under my runs\n\ntensorboard --logdir 'my runs'`);
    expect(shellQuote("runs/exp-1")).toBe("runs/exp-1");
    expect(shellQuote("it's here")).toBe(`'it'\\''s here'`);
  });
});

describe("aelab tb", () => {
  it("tbReport prints the summary, and a missing logdir as one line with exit code 2", () => {
    const ok = tbReport(logdir);
    expect(ok).toEqual({ stdout: `${formatLogdirSummary(logdir, summarizeLogdir(logdir))}\n`, stderr: "", exitCode: 0 });
    const missing = tbReport(join(logdir, "nope"));
    expect(missing.stdout).toBe("");
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toBe(`aelab: cannot read logdir ${join(logdir, "nope")}: no such folder\n`);
  });

  it("is a yargs command module: `tb <logdir>` reaches the handler", async () => {
    const out = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    await yargs(["tb", join(logdir, "vae")])
      .command(tbCommand)
      .strict()
      .parseAsync();
    const printed = out.mock.calls.map((c) => String(c[0])).join("");
    out.mockRestore();
    expect(printed).toContain("run . (1 event file)");
    expect(printed).toContain("test/loss");
    expect(printed.trimEnd().endsWith(`tensorboard --logdir ${join(logdir, "vae")}`)).toBe(true);
  });
});

describe("a logdir with an events file that cannot be read", () => {
  // chmod cannot lock root out; a file over Node's 2 GiB read limit (sparse, so it costs no disk) can't be read by anyone.
  it("reports it as a problem of its run instead of failing", () => {
    const dir = mkdtempSync(join(tmpdir(), "aelab-tb-unreadable-"));
    writeFileSync(join(dir, "events.out.tfevents.1.h"), encodeRecord(encodeEvent({ wallTime: 1, fileVersion: "brain.Event:2" })));
    writeFileSync(join(dir, "events.out.tfevents.2.h"), "");
    truncateSync(join(dir, "events.out.tfevents.2.h"), 2 ** 31 + 1);
    try {
      const runs = summarizeLogdir(dir);
      const root = runs.find((r) => r.run === ".")!;
      expect(root.problems).toEqual([expect.objectContaining({ file: "events.out.tfevents.2.h", kind: "unreadable" })]);
      expect(formatLogdirSummary(dir, runs)).toMatch(/unreadable: events.out.tfevents.2.h: File size \(2147483649\) is greater than 2 GiB/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
