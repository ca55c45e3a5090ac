import fc from "fast-check";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { tbReport } from "../../src/cli/tb.js";
import { EventFileWriter, encodeRecord, readRecords, recordHeader } from "../../src/tensorboard/index.js";

const RUNS = { seed: 20261129, numRuns: 1000 };
const root = mkdtempSync(join(tmpdir(), "aelab-tb-fuzz-"));
let original: Buffer;
let payloads: Buffer[];

beforeAll(async () => {
  const writer = new EventFileWriter(join(root, "source"), { flushSeconds: 60 });
  writer.hparams({ hparams: { variant: "vae", lr: 0.001, beta: 1 } });
  writer.scalar("train/loss", 0.5, 0);
  writer.text("config", "# config\n| a | b |\n| --- | --- |\n| 1 | 2 |", 0);
  await writer.images("images/recon", { pixels: new Float32Array(4 * 9).fill(0.25), count: 4, height: 3, width: 3, channels: 1 }, 1);
  writer.histogram("pixels/recon", [0.1, 0.5, 0.9], 1, { range: [0, 1] });
  writer.scalar("train/loss", 0.25, 2);
  writer.hparamsEnd("success", 2);
  await writer.close();
  const [name] = readdirSync(join(root, "source"));
  original = readFileSync(join(root, "source", name!));
  payloads = readRecords(original).records.map((r) => Buffer.from(r));
});

let case_ = 0;
/** Writes `bytes` as the only events file of a fresh logdir and runs what `aelab tb` runs on it. */
function tbOn(bytes: Uint8Array): void {
  const logdir = join(root, `case-${case_++}`);
  mkdirSync(join(logdir, "run"), { recursive: true });
  writeFileSync(join(logdir, "run", "events.out.tfevents.1.fuzz"), bytes);
  // Never throws: a bad file is a problem listed under its run, and the listing goes on.
  const report = tbReport(logdir);
  expect(report.exitCode).toBe(0);
  expect(report.stdout).toContain("run");
  rmSync(logdir, { recursive: true, force: true });
}

const flipped = fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 6 });

describe("the events reader behind aelab tb under random input: every file is listed or reported, never a crash", () => {
  it("random bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), (bytes) => tbOn(bytes)),
      RUNS,
    );
  });

  it("a real events file with bytes flipped or cut off", () => {
    fc.assert(
      fc.property(flipped, fc.nat(), (flips, cut) => {
        const bytes = Buffer.from(original);
        for (const [at, value] of flips) bytes[at % bytes.length] = value;
        tbOn(bytes.subarray(0, cut % 3 === 0 ? cut % (bytes.length + 1) : bytes.length));
      }),
      RUNS,
    );
  });

  it("records with valid CRCs around mutated or random payloads (the protobuf decoder's input)", () => {
    const payload = fc.oneof(
      fc.tuple(fc.nat(), flipped, fc.nat()).map(([which, flips, cut]) => {
        const bytes = Buffer.from(payloads[which % payloads.length]!);
        for (const [at, value] of flips) if (bytes.length > 0) bytes[at % bytes.length] = value;
        return cut % 4 === 0 ? bytes.subarray(0, cut % (bytes.length + 1)) : bytes;
      }),
      fc.uint8Array({ maxLength: 64 }),
    );
    fc.assert(
      fc.property(fc.array(payload, { minLength: 1, maxLength: 4 }), (records) =>
        tbOn(Buffer.concat([...payloads.slice(0, 2), ...records].map((r) => encodeRecord(r)))),
      ),
      RUNS,
    );
  });

  it("a header that declares a huge record is a truncated file, read without allocating it", () => {
    fc.assert(
      fc.property(fc.constantFrom(2 ** 31, 2 ** 32 + 5, 2 ** 40, Number.MAX_SAFE_INTEGER), fc.uint8Array({ maxLength: 32 }), (length, rest) => {
        tbOn(Buffer.concat([original, recordHeader(length), rest]));
      }),
      { ...RUNS, numRuns: 50 },
    );
  });
});
