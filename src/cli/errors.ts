import { asMachineFault } from "../util/file-system-error.js";

/**
 * Errors the user can act on are printed as one line, without a stack: bad config, bad data file,
 * unavailable backend, a NaN loss, a read-only or full disk, a symlink leading out of the logdir. Anything
 * else is a bug in aelab and keeps its stack.
 */
const USER_ERRORS = new Set([
  "FileSystemError",
  "ConfigError",
  "DataError",
  "BackendUnavailableError",
  "NonFiniteLossError",
  "RunError",
  "CheckpointError",
  "LogdirError",
  "ExperimentError",
  "OutsideLogdirError",
]);

export function reportError(thrown: unknown): number {
  // A read-only, full or vanished folder is the machine's state, wherever in aelab it surfaced.
  const error = asMachineFault(thrown);
  if (error instanceof Error && error.name === "UsageError") {
    process.stderr.write(`aelab: ${error.message} (see aelab --help)\n`);
    return 2;
  }
  if (error instanceof Error && USER_ERRORS.has(error.name)) {
    process.stderr.write(`aelab: ${error.message}\n`);
    return 2;
  }
  process.stderr.write(`aelab: unexpected error (a bug; please report it):\n${error instanceof Error ? error.stack : String(error)}\n`);
  return 1;
}
