import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/**
 * Whether the package is in node_modules. npm skips optional dependencies without a word when their
 * install script fails, as tfjs-node's does where it cannot download libtensorflow
 * (shared/research/tfjs-feasibility.md).
 */
export function isInstalled(pkg: string): boolean {
  try {
    require.resolve(pkg);
    return true;
  } catch {
    return false;
  }
}
