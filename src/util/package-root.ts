import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The folder holding aelab's package.json, found by walking up from this module: the sources sit at
 * src/util/, the offline bundle (npm run bundle) puts every module into bin/aelab.js, and both have
 * package.json, bin/ and native/ at the root.
 */
function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "aelab") return dir;
    if (dirname(dir) === dir) throw new Error(`aelab's package.json was not found above ${from}`);
  }
}

export const PACKAGE_ROOT: string = findPackageRoot(dirname(fileURLToPath(import.meta.url)));
