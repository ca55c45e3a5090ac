import { availableParallelism } from "node:os";
import { firstLine } from "../../util/first-line.js";
import { forEachConcurrently } from "../../util/for-each-concurrently.js";
import { DataError } from "../errors.js";
import type { Split } from "../split.js";
import type { TransformSpec } from "../transform-spec.js";
import { decodeImage, type DecodedImage } from "./decode-image.js";
import type { ImageFile } from "./image-folder-layout.js";

/** Called as images finish decoding: how many are done of how many. */
export type DecodeProgress = (done: number, total: number) => void;

export type OnError = "fail" | "skip";

export interface DecodedFiles {
  parts: { train: Split; test?: Split };
  height: number;
  width: number;
  channels: 1 | 3;
  /** Files that did not decode and were left out (onError "skip"), with sharp's reason. */
  unreadable: Array<{ path: string; reason: string }>;
}

/**
 * Decodes every file of both parts, several at a time (sharp works on libuv's thread pool, so the event
 * loop only hands files out), and packs each part's pixels as bytes. Without spec.size every image must
 * be the size of the first; without spec.channels a dataset whose every image is grey (R = G = B) gets one
 * channel, any other three.
 */
export async function decodeAll(
  parts: { train: ImageFile[]; test?: ImageFile[] },
  spec: TransformSpec,
  onError: OnError,
  progress: DecodeProgress = () => {},
): Promise<DecodedFiles> {
  const files = [...parts.train, ...(parts.test ?? [])];
  const decoded: Array<DecodedImage | undefined> = new Array(files.length);
  const unreadable: DecodedFiles["unreadable"] = [];
  let done = 0;
  // Enough files in flight to keep sharp's threads busy; more only queues in libuv.
  await forEachConcurrently(files.length, Math.max(4, 2 * availableParallelism()), async (i) => {
    try {
      decoded[i] = await decodeImage(files[i].path, spec);
    } catch (error) {
      const reason = firstLine(error);
      if (onError === "fail")
        throw new DataError(`${files[i].path}: not a readable image (${reason}); fix or remove it, or set data.onError: skip to leave such files out`);
      unreadable.push({ path: files[i].path, reason });
    } finally {
      progress(++done, files.length);
    }
  });
  unreadable.sort((a, b) => (a.path < b.path ? -1 : 1));

  const first = decoded.findIndex((d) => d !== undefined);
  if (first < 0)
    throw new DataError(`${files[0]?.path ?? "the folder"}: none of its ${files.length} image files could be read (first: ${unreadable[0]?.reason})`);
  const { height, width } = decoded[first]!;
  decoded.forEach((d, i) => {
    if (d && (d.height !== height || d.width !== width))
      throw new DataError(
        `${files[i].path} is ${d.height}x${d.width} but ${files[first].path} is ${height}x${width}; set data.size to resize every image to one size`,
      );
  });
  const channels = spec.channels ?? (decoded.every((d) => d === undefined || isGrey(d)) ? 1 : 3);
  const pack = (from: number, to: number): Split => {
    const kept = decoded.slice(from, to).flatMap((d, k) => (d ? [{ d, label: files[from + k].label }] : []));
    const perImage = height * width * channels;
    const images = new Uint8Array(kept.length * perImage);
    const labels = new Uint8Array(kept.length);
    kept.forEach(({ d, label }, n) => {
      images.set(channels === d.channels ? d.pixels : firstBand(d.pixels), n * perImage);
      labels[n] = label;
    });
    return { images, labels, count: kept.length };
  };
  const train = pack(0, parts.train.length);
  const test = parts.test ? pack(parts.train.length, files.length) : undefined;
  for (const [name, split] of [
    ["train", train],
    ["test", test],
  ] as const) {
    if (split && split.count === 0)
      throw new DataError(`every image of the ${name} part failed to decode (first: ${unreadable[0]?.path}: ${unreadable[0]?.reason})`);
  }
  return { parts: { train, test }, height, width, channels, unreadable };
}

function isGrey(image: DecodedImage): boolean {
  if (image.channels === 1) return true;
  const p = image.pixels;
  for (let i = 0; i < p.length; i += 3) if (p[i] !== p[i + 1] || p[i] !== p[i + 2]) return false;
  return true;
}

function firstBand(rgb: Uint8Array): Uint8Array {
  const out = new Uint8Array(rgb.length / 3);
  for (let i = 0; i < out.length; i++) out[i] = rgb[3 * i];
  return out;
}
