import { renameSync, rmSync, writeFileSync } from "node:fs";
import { asFileSystemError } from "./file-system-error.js";

/** Writes a file whole or not at all (temp file + rename), so a crash never leaves half a file. */
export function writeFileAtomic(path: string, content: string): void {
  const temp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(temp, content);
    renameSync(temp, path);
  } catch (error) {
    // A full disk can leave a partial temp file; the published file is still the old one.
    try {
      rmSync(temp, { force: true });
    } catch {
      // the folder itself may be gone or read-only; the error below says so
    }
    throw asFileSystemError(error, path);
  }
}
