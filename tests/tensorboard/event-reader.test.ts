import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CorruptRecordError, EventFileWriter, readEvents } from "../../src/tensorboard/index.js";
import { parseFraming } from "./independent-decoder.js";

let dir: string;
let file: Buffer;
let ends: number[]; // byte offset just past each record

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "aelab-tb-read-"));
  const writer = new EventFileWriter(dir);
  writer.scalar("loss", 0.5, 1);
  await writer.images("x", { pixels: new Float32Array(2 * 3 * 3).fill(0.5), count: 2, height: 3, width: 3, channels: 1 }, 1);
  writer.scalar("loss", 0.25, 2);
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
    expect(events.map((e) => e.fileVersion ?? e.summary?.value[0]?.tag)).toEqual(["brain.Event:2", "loss", "x", "loss"]);
    expect(events.map((e) => e.step)).toEqual([0, 1, 1, 2]);
    expect(events[3]!.summary!.value[0]!.simpleValue).toBe(0.25);
    expect(events[2]!.summary!.value[0]!.image).toMatchObject({ height: 7, width: 12, colorspace: 1 });
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
