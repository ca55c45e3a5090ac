import { lstatSync, readlinkSync, realpathSync } from "node:fs";
import { isAbsolute, join, relative, sep } from "node:path";

/**
 * A path aelab was about to write that leads out of the logdir: through a symlink inside it that points
 * elsewhere (a folder someone else prepared, a shared file system), or by a name that climbs out.
 */
export class OutsideLogdirError extends Error {
  override readonly name = "OutsideLogdirError";
}

function within(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

function existsAsLink(path: string): boolean | undefined {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return undefined;
  }
}

/**
 * Throws unless writing `path` stays inside `logdir`: `path` lies under it, and no symlink already on the
 * way from `logdir` to `path` resolves outside the logdir's real location. The logdir itself may be a
 * symlink (`runs -> /scratch/runs`): the user chose it. Parts not yet created are made by aelab, so they
 * cannot be links. Reads only; called before anything is created.
 */
export function checkInsideLogdir(logdir: string, path: string): void {
  if (!within(logdir, path)) throw new OutsideLogdirError(`cannot write ${path}: it is outside the logdir ${logdir}`);
  let realLogdir: string;
  try {
    realLogdir = realpathSync(logdir);
  } catch {
    return; // no logdir yet, so nothing in it either
  }
  let current = logdir;
  for (const part of relative(logdir, path).split(sep).filter(Boolean)) {
    current = join(current, part);
    const link = existsAsLink(current);
    if (link === undefined) return;
    if (!link) continue;
    let target: string | undefined;
    try {
      target = realpathSync(current);
    } catch {
      // A dangling link: where it would lead once its target appears is not aelab's to guess.
    }
    if (target === undefined || !within(realLogdir, target)) {
      const where = target === undefined ? "which does not exist" : `outside the logdir ${logdir}`;
      throw new OutsideLogdirError(
        `cannot write ${path}: ${current} is a symlink to ${JSON.stringify(readlinkSync(current))}, ${where}; aelab does not write through it (remove the link, or pass its target as --logdir)`,
      );
    }
  }
}
