import { basename, relative, resolve } from "node:path";
import { cachePath, readCache, writeCache, type CachedData, type CacheIdentity } from "../cache.js";
import type { TransformSpec } from "../transform-spec.js";
import { decodeAll, type DecodeProgress, type OnError } from "./decode-all.js";
import { imageFolderLayout } from "./image-folder-layout.js";

export interface FolderLoad {
  spec: TransformSpec;
  onError: OnError;
  /** Where decoded folders are cached; undefined: decode every time. */
  cacheDir?: string;
  progress?: DecodeProgress;
  log?: (line: string) => void;
}

/**
 * A folder of images, decoded once: the first load decodes every file (in parallel, with progress) and
 * caches the bytes under cacheDir; later loads read the cache when its manifest still matches every file's
 * name, size and modification time, and decode again (saying why) when it does not.
 */
export async function loadImageFolder(folder: string, load: FolderLoad): Promise<CachedData & { name: string; labelled: boolean }> {
  const root = resolve(folder);
  const layout = imageFolderLayout(root);
  const files = [...layout.parts.train, ...(layout.parts.test ?? [])];
  const identity: CacheIdentity = {
    recipe: { kind: "image-folder", root, spec: load.spec, onError: load.onError },
    manifest: {
      classes: layout.classes,
      test: layout.parts.test?.length,
      files: files.map((f) => [relative(root, f.path), f.label, f.size, f.mtimeMs]),
    },
  };
  const name = basename(root);
  const path = load.cacheDir ? cachePath(load.cacheDir, name, identity) : undefined;
  const log = load.log ?? (() => {});
  if (path) {
    const cached = readCache(path, identity);
    if ("data" in cached) {
      for (const note of cached.data.notes) log(note);
      return { ...cached.data, name, labelled: layout.classes !== undefined };
    }
    if (cached.stale !== "no cache yet") log(`${root}: decoding again: ${cached.stale}`);
  }
  log(`${root}: decoding ${files.length} images${path ? ` (cached in ${path})` : ""}`);
  const decoded = await decodeAll(layout.parts, load.spec, load.onError, load.progress);
  const notes: string[] = [];
  if (layout.skipped.length > 0)
    notes.push(`${root}: skipped ${count(layout.skipped.length, "file that is not an image", "files that are not images")} (${listed(layout.skipped)})`);
  if (decoded.unreadable.length > 0)
    notes.push(
      `${root}: left out ${count(decoded.unreadable.length, "image that did not decode", "images that did not decode")} (data.onError: skip): ${listed(decoded.unreadable.map((u) => `${relative(root, u.path)}: ${u.reason}`))}`,
    );
  for (const note of notes) log(note);
  const data: CachedData = {
    height: decoded.height,
    width: decoded.width,
    channels: decoded.channels,
    classes: layout.classes,
    parts: decoded.parts as CachedData["parts"],
    notes,
  };
  if (path) {
    const failed = writeCache(path, identity, data);
    if (failed) log(`${path}: not cached (${failed}); the images are decoded again next time`);
  }
  return { ...data, name, labelled: layout.classes !== undefined };
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function listed(items: string[]): string {
  return items.length <= 3 ? items.join(", ") : `${items.slice(0, 3).join(", ")} and ${items.length - 3} more`;
}
