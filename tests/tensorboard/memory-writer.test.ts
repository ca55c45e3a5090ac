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
