import type * as tf from "@tensorflow/tfjs";
import { existsSync } from "node:fs";
import { readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { hasCheckpoint, loadCheckpoint, saveCheckpoint } from "./index.js";

/**
 * A network trained once and kept in a cache folder (the dataset classifier, the feature networks): its
 * checkpoint plus an info file naming the entry (format, key, spec), written last, so an entry without
 * it is never loaded.
 */
export interface CachedNetworkEntry {
  dir: string;
  /** The info file's name inside `dir`. */
  infoFile: string;
  /** The network's name in the checkpoint. */
  network: string;
  format: string;
  key: string;
  /** What it was trained with; an entry with another spec is not this one. */
  spec: unknown;
}

/** The reason `model` could not be loaded from the entry (`undefined`: it now holds the cached weights). */
export const ABSENT = "absent";

export async function loadCachedNetwork(entry: CachedNetworkEntry, model: tf.LayersModel): Promise<string | undefined> {
  const infoPath = join(entry.dir, entry.infoFile);
  if (!hasCheckpoint(entry.dir) || !existsSync(infoPath)) return ABSENT;
  try {
    const info = JSON.parse(await readFile(infoPath, "utf8")) as { format?: string; key?: string; spec?: unknown };
    if (info.format !== entry.format || info.key !== entry.key) return `${infoPath} is not the entry for ${entry.key}`;
    if (JSON.stringify(info.spec) !== JSON.stringify(entry.spec)) return `it was trained with another spec: ${JSON.stringify(info.spec)}`;
    await loadCheckpoint(entry.dir, { models: { [entry.network]: model }, optimizers: {} });
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Saves `model` and then `info` (which must hold the entry's format, key and spec) as the entry. */
export async function saveCachedNetwork<Info extends { epochs: number }>(entry: CachedNetworkEntry, model: tf.LayersModel, info: Info): Promise<void> {
  await saveCheckpoint(entry.dir, { models: { [entry.network]: model }, optimizers: {}, state: { epoch: info.epochs, step: 0, extra: { ...info } } });
  const temp = join(entry.dir, `${entry.infoFile}.tmp-${process.pid}`);
  await writeFile(temp, `${JSON.stringify(info, null, 2)}\n`);
  await rename(temp, join(entry.dir, entry.infoFile));
}
