/**
 * A file the run needs cannot be written or read: a read-only or full disk, a missing permission, a
 * folder deleted under a running run. Reported in one line naming the path and what to do; these are
 * the machine's state, not a bug in aelab.
 */
export class FileSystemError extends Error {
  override readonly name = "FileSystemError";
  constructor(
    message: string,
    readonly path: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** What each errno means to the user, and what they can do about it. */
const REMEDIES: Record<string, { what: string; todo: string }> = {
  EROFS: { what: "the file system is read-only", todo: "choose a writable folder (--logdir)" },
  EACCES: { what: "permission denied", todo: "fix its permissions or choose another folder (--logdir)" },
  EPERM: { what: "operation not permitted", todo: "fix its permissions or choose another folder (--logdir)" },
  ENOSPC: { what: "no space left on the device", todo: "free some space (the last checkpoint is kept; continue with aelab train --resume <run folder>)" },
  EDQUOT: { what: "disk quota exceeded", todo: "free some space (the last checkpoint is kept; continue with aelab train --resume <run folder>)" },
  ENOENT: { what: "it no longer exists (was its folder deleted while the run was writing to it?)", todo: "start the run again" },
  EIO: { what: "an I/O error from the device", todo: "check the disk" },
};

/** Errno codes that describe the machine's file system, not a mistake in aelab. */
export function isFileSystemFault(error: unknown): error is NodeJS.ErrnoException & { code: string } {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return error instanceof Error && typeof code === "string" && code in REMEDIES;
}

/**
 * For errors that reach the top uncaught: a missing file there may be aelab's own mistake, so only
 * faults that are surely the machine's (read-only, full, forbidden) become one line.
 */
export function asMachineFault(error: unknown): unknown {
  return (error as NodeJS.ErrnoException | undefined)?.code === "ENOENT" ? error : asFileSystemError(error);
}

/**
 * `error` as a one-line FileSystemError when it is a file-system fault (naming `path`, or the path
 * the error itself names); any other error is returned as it is.
 */
export function asFileSystemError(error: unknown, path?: string, action: "write" | "read" = "write"): unknown {
  if (error instanceof FileSystemError || !isFileSystemFault(error)) return error;
  const target = path ?? error.path ?? "(unknown path)";
  const { what, todo } = REMEDIES[error.code];
  // A read-only file system fails a read with EROFS only when something tried to write.
  const verb = action === "read" && error.code !== "EROFS" && error.code !== "ENOSPC" && error.code !== "EDQUOT" ? "read" : "write";
  const fix = verb === "read" && (error.code === "EACCES" || error.code === "EPERM") ? "make it readable (chmod u+r) or run as its owner" : todo;
  return new FileSystemError(`cannot ${verb} ${target}: ${what} (${error.code}); ${fix}`, target, error.code, { cause: error });
}
