import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EventFileWriter, MemoryWriter, lastStepsOf, type SummaryWriter } from "../../src/tensorboard/index.js";
import { decodeRawEvent, parseFraming } from "./independent-decoder.js";

const tempDir = () => mkdtempSync(join(tmpdir(), "aelab-tb-steps-"));
const image = { pixels: new Float32Array(4), count: 1, height: 2, width: 2, channels: 1 as const };

function tagsAndSteps(path: string): Array<[string, string]> {
  return parseFraming(readFileSync(path))
    .slice(1)
    .map((r) => decodeRawEvent(r.data))
    .map((e) => [e.summary!.value[0]!.tag, e.step]);
}

describe.each([
  ["EventFileWriter", () => new EventFileWriter(tempDir())],
  ["MemoryWriter", () => new MemoryWriter()],
])("%s: steps never go backwards within a tag", (_, make: () => SummaryWriter) => {
  it("allows equal and later steps, and other tags at any step", async () => {
    const writer = make();
    writer.scalar("loss", 1, 5);
    writer.scalar("loss", 2, 5);
    writer.scalar("loss", 3, 9);
    writer.scalar("lr", 1, 0);
    writer.histogram("w", [1, 2], 0);
    writer.text("notes", "x", 0);
    await writer.images("img", image, 0);
    await writer.close();
  });

  it("throws a RangeError naming the tag and both steps, for every kind, and logs nothing", async () => {
    const writer = make();
    writer.scalar("loss", 1, 10);
    writer.histogram("w", [1], 10);
    writer.text("t", "a", 10);
    await writer.images("img", image, 10);
    expect(() => writer.scalar("loss", 1, 9)).toThrow(RangeError);
    expect(() => writer.scalar("loss", 1, 9)).toThrow(/summary "loss": step 9 is before step 10, already logged for this tag.*step >= 10/);
    expect(() => writer.histogram("w", [1], 3)).toThrow(/summary "w": step 3 is before step 10/);
    expect(() => writer.text("t", "b", 0)).toThrow(/summary "t": step 0 is before step 10/);
    await expect(writer.images("img", image, 2)).rejects.toThrow(/summary "img": step 2 is before step 10/);
    // A refused call does not move the tag's last step.
    writer.scalar("loss", 4, 10);
    await writer.close();
    if (writer instanceof EventFileWriter) {
      expect(tagsAndSteps(writer.path)).toEqual([
        ["loss", "10"],
        ["w", "10"],
        ["t", "10"],
        ["img", "10"],
        ["loss", "10"],
      ]);
    } else {
      const memory = writer as MemoryWriter;
      expect(memory.series("loss")).toEqual([
        { step: 10, value: 1 },
        { step: 10, value: 4 },
      ]);
      expect(memory.loggedHistograms).toHaveLength(1);
      expect(memory.loggedTexts).toHaveLength(1);
      expect(memory.loggedImages).toHaveLength(1);
    }
  });

  it("does not count a call that failed validation as logged", async () => {
    const writer = make();
    expect(() => writer.histogram("w", [], 50)).toThrow(/no values/);
    await expect(writer.images("img", { ...image, count: 2 }, 50)).rejects.toThrow(/pixels has/);
    writer.histogram("w", [1], 1);
    await writer.images("img", image, 1);
    await writer.close();
  });
});

describe("resuming a run", () => {
  it("lastStepsOf reads a run folder's last step per tag, and a writer seeded with it keeps the rule across files", async () => {
    const dir = tempDir();
    const first = new EventFileWriter(dir);
    first.scalar("loss", 1, 100);
    first.scalar("loss", 1, 200);
    first.text("notes", "x", 7);
    first.hparams({ hparams: { lr: 0.1 } });
    await first.close();

    const last = lastStepsOf(dir);
    expect([...last]).toEqual([
      ["loss", 200],
      ["notes", 7],
      ["_hparams_/session_start_info", 0],
    ]);
    expect(lastStepsOf(join(dir, "no-such-run")).size).toBe(0);

    const resumed = new EventFileWriter(dir, { lastSteps: last });
    expect(() => resumed.scalar("loss", 1, 150)).toThrow(/step 150 is before step 200/);
    resumed.scalar("loss", 1, 200);
    resumed.scalar("loss", 1, 201);
    resumed.scalar("new/tag", 1, 0);
    await resumed.close();
    expect(tagsAndSteps(resumed.path)).toEqual([
      ["loss", "200"],
      ["loss", "201"],
      ["new/tag", "0"],
    ]);
  });
});
