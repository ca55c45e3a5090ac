import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CorruptRecordError, EventFileWriter, decodeHparamsPluginData, readEvents } from "../../src/tensorboard/index.js";
import { parseFraming } from "./independent-decoder.js";

let dir: string;
let file: Buffer;
let ends: number[]; // byte offset just past each record

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "aelab-tb-read-"));
  // All five summary kinds, so every cut below lands inside each kind of record somewhere.
  const writer = new EventFileWriter(dir);
  writer.scalar("loss", 0.5, 1);
  await writer.images("x", { pixels: new Float32Array(2 * 3 * 3).fill(0.5), count: 2, height: 3, width: 3, channels: 1 }, 1);
  writer.scalar("loss", 0.25, 2);
  writer.histogram("w", [0.1, 0.2, 0.7], 2, { range: [0, 1], buckets: 10 });
  writer.text("notes", "*ok*", 2);
  writer.hparams({ hparams: { lr: 0.01, variant: "vae" }, startTimeSecs: 1_700_000_000 });
  writer.hparamsEnd("success", 2);
  await writer.close();
  file = readFileSync(writer.path);
  ends = parseFraming(file).map((r) => r.offset + 16 + r.length);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("readEvents", () => {
  it("decodes a whole file", () => {
    const events = readEvents(file);
    expect(events.truncated).toBe(false);
    expect(events.bytesRead).toBe(file.length);
    expect(events.map((e) => e.fileVersion ?? e.summary?.value[0]?.tag)).toEqual([
      "brain.Event:2",
      "loss",
      "x",
      "loss",
      "w",
      "notes",
      "_hparams_/session_start_info",
      "_hparams_/session_end_info",
    ]);
    expect(events.map((e) => e.step)).toEqual([0, 1, 1, 2, 2, 2, 0, 2]);
    expect(events[3]!.summary!.value[0]!.simpleValue).toBe(0.25);
    expect(events[2]!.summary!.value[0]!.image).toMatchObject({ height: 7, width: 12, colorspace: 1 });
    expect(events[4]!.summary!.value[0]!.histo).toMatchObject({ num: 3, bucketLimit: [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8], bucket: [1, 1, 0, 0, 0, 0, 1] });
    expect(Buffer.from(events[5]!.summary!.value[0]!.tensor!.stringVal![0]!).toString()).toBe("*ok*");
    const start = decodeHparamsPluginData(events[6]!.summary!.value[0]!.metadata!.pluginData!.content!);
    expect(start.sessionStartInfo).toMatchObject({ hparams: { lr: { numberValue: 0.01 }, variant: { stringValue: "vae" } }, startTimeSecs: 1_700_000_000 });
    const end = decodeHparamsPluginData(events[7]!.summary!.value[0]!.metadata!.pluginData!.content!);
    expect(end.sessionEndInfo?.status).toBe(1);
  });

  it("stops cleanly at the last complete record for a file cut at every byte", () => {
    const full = readEvents(file);
    for (let cut = 0; cut <= file.length; cut++) {
      const complete = ends.filter((end) => end <= cut).length;
      const events = readEvents(file.subarray(0, cut));
      expect(events.length, `cut at ${cut}`).toBe(complete);
      expect(events.truncated, `cut at ${cut}`).toBe(cut !== 0 && !ends.includes(cut));
      expect(events.bytesRead, `cut at ${cut}`).toBe(complete === 0 ? 0 : ends[complete - 1]);
      expect([...events]).toEqual(full.slice(0, complete));
    }
  });

  it("detects a flipped byte anywhere in the file", () => {
    for (let i = 0; i < file.length; i++) {
      const damaged = Buffer.from(file);
      damaged[i] ^= 0x20;
      let error: unknown;
      try {
        readEvents(damaged);
      } catch (e) {
        error = e;
      }
      expect(error, `flip at ${i}`).toBeInstanceOf(CorruptRecordError);
      expect((error as CorruptRecordError).recordIndex, `flip at ${i}`).toBe(ends.findIndex((end) => i < end));
    }
  });
});
