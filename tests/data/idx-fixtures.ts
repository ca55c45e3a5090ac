import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

/** IDX bytes written by hand (big-endian magic, sizes, u8 data), independent of the reader under test. */
export function idxImagesBytes(count: number, height: number, width: number, pixels: ArrayLike<number>): Uint8Array {
  return idxBytes(0x00000803, [count, height, width], pixels);
}

export function idxLabelsBytes(labels: ArrayLike<number>, count = labels.length): Uint8Array {
  return idxBytes(0x00000801, [count], labels);
}

function idxBytes(magic: number, sizes: number[], data: ArrayLike<number>): Uint8Array {
  const header = Buffer.alloc(4 + 4 * sizes.length);
  header.writeUInt32BE(magic, 0);
  sizes.forEach((s, i) => header.writeUInt32BE(s, 4 + 4 * i));
  return new Uint8Array(Buffer.concat([header, Buffer.from(Array.from(data))]));
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "aelab-data-"));
}

export interface FolderSpec {
  train: { count: number; labels?: number; height?: number; width?: number };
  test: { count: number; labels?: number; height?: number; width?: number };
  gzip?: boolean;
  omit?: string[];
}

/**
 * A tiny dataset folder in the MNIST layout. Pixel i of the whole train set is i % 256 (test: 255 - that),
 * label j is j % 10, so a test can predict every value.
 */
export function writeFolder(spec: FolderSpec): string {
  const dir = join(tempDir(), "tiny-set");
  mkdirSync(dir);
  const parts = [
    ["train", spec.train, (i: number) => i % 256],
    ["t10k", spec.test, (i: number) => 255 - (i % 256)],
  ] as const;
  for (const [prefix, part, pixel] of parts) {
    const h = part.height ?? 3;
    const w = part.width ?? 2;
    const pixels = Array.from({ length: part.count * h * w }, (_, i) => pixel(i));
    const labels = Array.from({ length: part.labels ?? part.count }, (_, j) => j % 10);
    write(dir, `${prefix}-images-idx3-ubyte`, idxImagesBytes(part.count, h, w, pixels), spec);
    write(dir, `${prefix}-labels-idx1-ubyte`, idxLabelsBytes(labels), spec);
  }
  return dir;
}

function write(dir: string, name: string, bytes: Uint8Array, spec: FolderSpec): void {
  if (spec.omit?.includes(name)) return;
  if (spec.gzip) writeFileSync(join(dir, `${name}.gz`), gzipSync(bytes));
  else writeFileSync(join(dir, name), bytes);
}
