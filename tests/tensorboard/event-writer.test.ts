import { spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { basename, join } from "node:path";
import sharp from "sharp";
import { afterAll, describe, expect, it } from "vitest";
import { EventFileWriter, type ImageBatch } from "../../src/tensorboard/index.js";
import { decodeRawEvent, parseFraming } from "./independent-decoder.js";

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "aelab-tb-"));
  dirs.push(dir);
  return dir;
}
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function greyBatch(count: number, height: number, width: number): ImageBatch {
  const pixels = Float32Array.from({ length: count * height * width }, (_, i) => (i % 7) / 6);
  return { pixels, count, height, width, channels: 1 };
}

function decodeFile(path: string) {
  return parseFraming(readFileSync(path)).map((r) => ({ ...r, event: decodeRawEvent(r.data) }));
}

describe("EventFileWriter", () => {
  it("writes scalars and an image that an independent decoder reads back", async () => {
    const logdir = join(tempDir(), "nested", "run");
    const before = Date.now() / 1000;
    const writer = new EventFileWriter(logdir);
    const bigStep = 2 ** 40 + 3;
    writer.scalar("loss/total", 0.1, 0);
    writer.scalar("loss/total", 0, 1); // a oneof zero must still be written
    writer.scalar("lr", -3.5e-4, bigStep);
    await writer.images("recon", greyBatch(3, 4, 5), 7);
    await writer.close();
    const after = Date.now() / 1000;

    const name = basename(writer.path);
    expect(name.startsWith(`events.out.tfevents.${Math.floor(before)}`) || name.startsWith(`events.out.tfevents.${Math.floor(after)}`)).toBe(true);
    expect(name).toContain(`.${hostname()}.${process.pid}.`);
    expect(readdirSync(logdir)).toEqual([name]);

    const file = readFileSync(writer.path);
    const records = decodeFile(writer.path);
    expect(records).toHaveLength(5);
    expect(records.reduce((sum, r) => sum + 16 + r.length, 0)).toBe(file.length);
    for (const r of records) {
      expect(r.data.length).toBe(r.length);
      expect(r.storedLengthCrc).toBe(r.expectedLengthCrc);
      expect(r.storedDataCrc).toBe(r.expectedDataCrc);
    }

    for (const { event } of records) {
      expect(event.wall_time).toBeGreaterThanOrEqual(before - 0.01);
      expect(event.wall_time).toBeLessThanOrEqual(after + 0.01);
      expect(event.wall_time).toBeLessThan(1e10); // seconds, not milliseconds
    }

    const [first, ...rest] = records.map((r) => r.event);
    expect(first!.file_version).toBe("brain.Event:2");
    expect(first!.summary).toBeUndefined();

    const values = rest.map((e) => ({ step: e.step, ...e.summary!.value[0]! }));
    expect(rest.every((e) => e.summary!.value.length === 1)).toBe(true);
    // Scalars carry no metadata, as tensorboardX writes them.
    expect(values.slice(0, 3)).toEqual([
      { step: "0", tag: "loss/total", metadata: null, simple_value: Math.fround(0.1) },
      { step: "1", tag: "loss/total", metadata: null, simple_value: 0 },
      { step: String(bigStep), tag: "lr", metadata: null, simple_value: Math.fround(-3.5e-4) },
    ]);

    const image = values[3]!;
    expect(image.step).toBe("7");
    expect(image.tag).toBe("recon");
    expect(image.metadata?.plugin_data?.plugin_name).toBe("images");
    // 3 tiles of 4x5 in ceil(sqrt(3)) = 2 columns with 2 px padding.
    expect(image.image).toMatchObject({ height: 2 * 4 + 3 * 2, width: 2 * 5 + 3 * 2, colorspace: 1 });
    const png = Buffer.from(image.image!.encoded_image_string);
    const meta = await sharp(png).metadata();
    expect(meta).toMatchObject({ format: "png", height: 14, width: 16, channels: 1 });
  });

  it("writes RGB images with colorspace 3", async () => {
    const writer = new EventFileWriter(tempDir());
    const pixels = Float32Array.from({ length: 2 * 3 * 3 * 3 }, (_, i) => (i % 5) / 4);
    await writer.images("rgb", { pixels, count: 2, height: 3, width: 3, channels: 3 }, 1, 2);
    await writer.close();
    const image = decodeFile(writer.path)[1]!.event.summary!.value[0]!.image!;
    expect(image).toMatchObject({ height: 3 + 4, width: 6 + 6, colorspace: 3 });
    expect(await sharp(Buffer.from(image.encoded_image_string)).metadata()).toMatchObject({ channels: 3, width: 12, height: 7 });
  });

  it("keeps call order when an image is still encoding as a scalar is logged", async () => {
    const writer = new EventFileWriter(tempDir());
    const pending = writer.images("img", greyBatch(16, 28, 28), 5);
    writer.scalar("after", 1, 5);
    await writer.flush();
    await pending;
    await writer.close();
    expect(
      decodeFile(writer.path)
        .slice(1)
        .map((r) => r.event.summary!.value[0]!.tag),
    ).toEqual(["img", "after"]);
  });

  it("keeps the file_version record on disk from construction and appends only on flush", async () => {
    const writer = new EventFileWriter(tempDir());
    const initial = statSync(writer.path).size;
    expect(decodeFile(writer.path)).toHaveLength(1);
    writer.scalar("a", 1, 1);
    expect(statSync(writer.path).size).toBe(initial);
    await writer.flush();
    const afterFlush = readFileSync(writer.path);
    expect(decodeFile(writer.path)).toHaveLength(2);
    writer.scalar("a", 2, 2);
    await writer.close();
    // Append-only: earlier bytes are unchanged.
    expect(readFileSync(writer.path).subarray(0, afterFlush.length).equals(afterFlush)).toBe(true);
  });

  it("flushes on its timer", async () => {
    const writer = new EventFileWriter(tempDir(), { flushSeconds: 0.05 });
    writer.scalar("a", 1, 1);
    const deadline = Date.now() + 3000;
    while (decodeFile(writer.path).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(decodeFile(writer.path)).toHaveLength(2);
    await writer.close();
  });

  it("close() is idempotent and later calls fail clearly", async () => {
    const writer = new EventFileWriter(tempDir());
    writer.scalar("a", 1, 1);
    const closing = writer.close();
    expect(writer.close()).toBe(closing);
    await closing;
    await writer.close();
    expect(() => writer.scalar("a", 2, 2)).toThrow(/scalar\(\) called after close\(\)/);
    await expect(writer.flush()).rejects.toThrow(/flush\(\) called after close\(\)/);
    await expect(writer.images("i", greyBatch(1, 2, 2), 1)).rejects.toThrow(/images\(\) called after close\(\)/);
    expect(decodeFile(writer.path)).toHaveLength(2);
  });

  it("reports a failed background write on the next call instead of dropping it", async () => {
    const writer = new EventFileWriter(tempDir(), { flushSeconds: 0.02 });
    closeSync((writer as unknown as { fd: number }).fd); // the next write fails with EBADF
    writer.scalar("a", 1, 1);
    const deadline = Date.now() + 3000;
    let error: unknown;
    while (!error && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      try {
        writer.scalar("a", 2, 2);
      } catch (e) {
        error = e;
      }
    }
    expect(String(error)).toMatch(/an earlier write failed: .*EBADF/);
    await expect(writer.flush()).rejects.toThrow(/an earlier write failed/);
    await expect(writer.close()).rejects.toThrow();
  });

  it("gives two writers in one folder different files", async () => {
    const dir = tempDir();
    const a = new EventFileWriter(dir);
    const b = new EventFileWriter(dir);
    const c = new EventFileWriter(dir, { filenameSuffix: ".vae" });
    expect(new Set([a.path, b.path, c.path]).size).toBe(3);
    expect(c.path.endsWith(".vae")).toBe(true);
    a.scalar("x", 1, 1);
    b.scalar("y", 2, 1);
    await Promise.all([a.close(), b.close(), c.close()]);
    expect(readdirSync(dir)).toHaveLength(3);
    expect(decodeFile(a.path)[1]!.event.summary!.value[0]!.tag).toBe("x");
    expect(decodeFile(b.path)[1]!.event.summary!.value[0]!.tag).toBe("y");
  });

  it("rejects bad steps, tags and values before queueing them", async () => {
    const writer = new EventFileWriter(tempDir());
    expect(() => writer.scalar("a", 1, 1.5)).toThrow(/step must be a safe integer/);
    expect(() => writer.scalar("", 1, 1)).toThrow(/tag/);
    expect(() => writer.scalar("a", "1" as unknown as number, 1)).toThrow(/must be a number/);
    await expect(writer.images("i", { ...greyBatch(2, 2, 2), count: 3 }, 1)).rejects.toThrow(/pixels has/);
    await writer.close();
    expect(decodeFile(writer.path)).toHaveLength(1);
  });

  it("does not keep the process alive when the caller never closes it", () => {
    const dir = tempDir();
    const entry = new URL("../../src/tensorboard/index.ts", import.meta.url).pathname;
    const script = `const { EventFileWriter } = await import(${JSON.stringify(entry)});
      new EventFileWriter(${JSON.stringify(dir)}).scalar("a", 1, 1);`;
    const started = Date.now();
    const child = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      cwd: new URL("../..", import.meta.url).pathname,
      timeout: 8000, // the default flush timer is 10 s, so a ref'd timer would hit this
      encoding: "utf8",
    });
    expect(child.stderr).toBe("");
    expect(child.signal).toBeNull();
    expect(child.status).toBe(0);
    expect(Date.now() - started).toBeLessThan(8000);
    // Unflushed events are lost by design; the file_version record is there.
    expect(decodeFile(join(dir, readdirSync(dir)[0]!))).toHaveLength(1);
  });
});
