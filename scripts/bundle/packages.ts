import { cpSync, existsSync, readFileSync, realpathSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

/** Which files of a package folder to copy; paths are relative to the package's folder. */
export type FileFilter = (relativePath: string) => boolean;

/**
 * The folder of an installed package as Node's lookup finds it from `from` (node_modules folders from
 * there up), or null where it is not installed. Not require.resolve: sharp's exports hide package.json.
 */
function packageDir(name: string, from: string): string | null {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return realpathSync(candidate);
    if (dirname(dir) === dir) return null;
  }
}

/**
 * Copies installed packages into `<target>/node_modules`, each with the production and the installed
 * optional dependencies it needs at run time (npm skips optional ones for other platforms, so those
 * are simply absent). Returns the names copied.
 */
export function copyPackages(roots: readonly string[], from: string, target: string, filters: Record<string, FileFilter> = {}): string[] {
  const copied = new Set<string>();
  const queue: Array<{ name: string; from: string; required: boolean }> = roots.map((name) => ({ name, from, required: true }));
  while (queue.length > 0) {
    const { name, from: base, required } = queue.shift() as { name: string; from: string; required: boolean };
    if (copied.has(name)) continue;
    const dir = packageDir(name, base);
    if (!dir) {
      if (required) throw new Error(`${name} is not installed (run npm ci first)`);
      continue;
    }
    copied.add(name);
    const keep = filters[name] ?? (() => true);
    cpSync(dir, join(target, "node_modules", name), {
      recursive: true,
      dereference: true,
      // A package's own nested node_modules is copied through its dependencies instead, so it is walked once.
      filter: (source) => {
        const inside = relative(dir, source);
        return inside === "" || (!inside.split(sep).includes("node_modules") && keep(inside));
      },
    });
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Manifest;
    for (const dep of Object.keys(manifest.dependencies ?? {})) queue.push({ name: dep, from: dir, required: true });
    for (const dep of Object.keys(manifest.optionalDependencies ?? {})) queue.push({ name: dep, from: dir, required: false });
  }
  return [...copied];
}

/** Copies a package's manifest and the listed files only (enough for require.resolve and for the files it reads). */
export function copyPackageFiles(name: string, from: string, target: string, files: readonly string[]): void {
  const dir = packageDir(name, from);
  if (!dir) throw new Error(`${name} is not installed (run npm ci first)`);
  for (const file of ["package.json", ...files]) {
    const source = join(dir, file);
    if (!existsSync(source)) throw new Error(`${name} has no ${file}`);
    cpSync(source, join(target, "node_modules", name, file), { recursive: true });
  }
}
