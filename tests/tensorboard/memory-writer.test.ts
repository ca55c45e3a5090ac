import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { MemoryWriter, type SummaryWriter } from "../../src/tensorboard/index.js";

describe("MemoryWriter", () => {
  it("records scalars and encoded image grids, and refuses use after close", async () => {
    const memory = new MemoryWriter();
    const writer: SummaryWriter = memory;
    writer.scalar("loss", 1.5, 0);
    writer.scalar("kl", 0.1, 0);
    writer.scalar("loss", 1.25, 1);
    await writer.images("recon", { pixels: new Float32Array(4 * 2 * 2).fill(1), count: 4, height: 2, width: 2, channels: 1 }, 3);
    await writer.flush();
    await writer.close();

    expect(memory.series("loss")).toEqual([
      { step: 0, value: 1.5 },
      { step: 1, value: 1.25 },
    ]);
    expect(memory.scalars).toHaveLength(3);
    expect(memory.flushCount).toBe(1);
    expect(memory.closed).toBe(true);
    const [image] = memory.loggedImages;
    expect(image).toMatchObject({ tag: "recon", step: 3, height: 10, width: 10, channels: 1 });
    expect(await sharp(image!.png).metadata()).toMatchObject({ width: 10, height: 10, channels: 1 });
    expect(() => writer.scalar("loss", 1, 2)).toThrow(/after close/);
    expect(() => writer.scalar("loss", 1, 0.5)).toThrow(/after close/);
  });

  it("validates like the file writer", () => {
    const writer = new MemoryWriter();
    expect(() => writer.scalar("loss", 1, 0.5)).toThrow(/safe integer/);
  });
});

describe("MemoryWriter histograms, text and hparams", () => {
  it("keeps what the file writer would write", async () => {
    const writer = new MemoryWriter();
    writer.histogram("pixels", Float32Array.from([0.1, 0.9]), 2, { range: [0, 1], buckets: 2 });
    writer.text("notes", "**hi**", 3);
    writer.hparams({ hparams: { lr: 0.5, variant: "vae", binarize: true }, startTimeSecs: 1_700_000_000 });
    writer.hparamsEnd("aborted", 9);
    await writer.close();
    expect(writer.loggedHistograms).toEqual([
      {
        tag: "pixels",
        step: 2,
        histo: {
          min: Math.fround(0.1),
          max: Math.fround(0.9),
          num: 2,
          sum: Math.fround(0.1) + Math.fround(0.9),
          sumSquares: Math.fround(0.1) ** 2 + Math.fround(0.9) ** 2,
          bucketLimit: [0.5, 1],
          bucket: [1, 1],
        },
      },
    ]);
    expect(writer.loggedTexts).toEqual([{ tag: "notes", step: 3, markdown: "**hi**" }]);
    expect(writer.loggedHparams.start).toEqual({
      hparams: { lr: { numberValue: 0.5 }, variant: { stringValue: "vae" }, binarize: { boolValue: true } },
      groupName: "",
      startTimeSecs: 1_700_000_000,
      step: 0,
    });
    expect(writer.loggedHparams.end).toMatchObject({ status: "aborted", statusCode: 0, step: 9 });
    expect(() => writer.text("notes", "x", 4)).toThrow(/after close/);
  });

  it("refuses a second hparams() or hparamsEnd()", () => {
    const writer = new MemoryWriter();
    writer.hparams({ hparams: { a: 1 } });
    expect(() => writer.hparams({ hparams: { a: 2 } })).toThrow(/called twice/);
    writer.hparamsEnd("success");
    expect(() => writer.hparamsEnd("failure")).toThrow(/called twice/);
  });
});
