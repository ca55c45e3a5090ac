import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { featureCacheDir } from "./cache-dir.js";

/**
 * The feature-network cache for a command given a run folder (eval): the one its logdir's training and
 * reports use, found above the run (a run sits in its logdir, an experiment's cell one folder deeper).
 */
export function featureCacheNear(runDir: string): string {
  if (process.env.AELAB_FEATURE_CACHE) return process.env.AELAB_FEATURE_CACHE;
  const logdir = dirname(runDir);
  const above = dirname(logdir);
  return existsSync(join(logdir, ".cache", "features")) || !existsSync(join(above, ".cache", "features")) ? featureCacheDir(logdir) : featureCacheDir(above);
}
