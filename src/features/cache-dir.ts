import { join } from "node:path";

/**
 * Where feature networks are trained once and kept: AELAB_FEATURE_CACHE when set (an experiment sets it for
 * its cells, so a perceptual loss's network is trained once for all of them, beside its report's), else
 * `<logdir>/.cache/features`.
 */
export function featureCacheDir(logdir: string): string {
  return process.env.AELAB_FEATURE_CACHE || join(logdir, ".cache", "features");
}
