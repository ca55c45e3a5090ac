import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * Where decoded and resized datasets are cached: AELAB_DATA_CACHE when set (an experiment sets it for its
 * cells, so every cell shares one cache beside the logdir's classifiers), else `<logdir>/.cache/data`.
 */
export function dataCacheDir(logdir: string): string {
  return process.env.AELAB_DATA_CACHE || join(logdir, ".cache", "data");
}

/**
 * The data cache for a command given a run folder (eval, report): the one its training used, found by
 * looking above the run (a run sits in its logdir, an experiment's cell one folder deeper), else beside it.
 */
export function dataCacheNear(runDir: string): string {
  if (process.env.AELAB_DATA_CACHE) return process.env.AELAB_DATA_CACHE;
  const logdir = dirname(runDir);
  const above = dirname(logdir);
  return existsSync(join(logdir, ".cache", "data")) || !existsSync(join(above, ".cache", "data")) ? dataCacheDir(logdir) : dataCacheDir(above);
}
