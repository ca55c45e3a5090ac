/**
 * The open EventFileWriters of this process, so that records still queued in memory reach the
 * file when the process goes down before close(): process.exit(), an uncaught error, SIGINT or
 * SIGTERM. Only synchronous code runs at that point (the event loop will not turn again), so
 * the flush here is fs.writeSync + fs.fsyncSync.
 */

/** What the registry needs from a writer (EventFileWriter implements it). */
export interface SyncFlushable {
  readonly path: string;
  /**
   * Writes and fsyncs the records that are ready, synchronously; returns how many it wrote.
   * `atExit`: the process is going down, so records behind an image still being encoded are
   * written too and the image is dropped (it could never be written later anyway).
   */
  flushSync(atExit?: boolean): number;
}

export interface SyncFlushResult {
  path: string;
  records: number;
  error?: Error;
}

const open = new Set<SyncFlushable>();

export function registerOpenWriter(writer: SyncFlushable): void {
  open.add(writer);
}

export function unregisterOpenWriter(writer: SyncFlushable): void {
  open.delete(writer);
}

/** Number of writers not yet closed. */
export function openWriterCount(): number {
  return open.size;
}

/**
 * Synchronously writes what every open writer has queued and is ready (images still being
 * encoded stay queued unless `atExit`). One writer failing does not stop the others.
 */
export function flushAllSync(options: { atExit?: boolean } = {}): SyncFlushResult[] {
  const results: SyncFlushResult[] = [];
  for (const writer of open) {
    try {
      results.push({ path: writer.path, records: writer.flushSync(options.atExit ?? false) });
    } catch (error) {
      results.push({ path: writer.path, records: 0, error: error instanceof Error ? error : new Error(String(error)) });
    }
  }
  return results;
}

function reportFailures(results: SyncFlushResult[], when: string): void {
  for (const { path, error } of results) {
    if (error) process.stderr.write(`aelab: could not flush ${path} ${when}: ${error.message}\n`);
  }
}

let uninstall: (() => void) | undefined;

/**
 * Installs the process hooks (idempotent; returns a function that removes them):
 * - 'exit' (process.exit() or the loop running dry) and 'uncaughtExceptionMonitor' (an uncaught
 *   error or unhandled rejection, observed without changing Node's crash behaviour): flush all.
 * - SIGINT / SIGTERM: flush what is ready, and never exit here: a command that handles the
 *   signal itself (train stops after the current step) decides what happens next. If this hook
 *   is the only listener, it removes itself and re-raises the signal, so the process still
 *   dies of it as it would have without the hook (a listener alone would keep it alive).
 */
export function installExitFlush(): () => void {
  if (uninstall) return uninstall;
  const onExit = () => reportFailures(flushAllSync({ atExit: true }), "at exit");
  const onCrash = () => reportFailures(flushAllSync({ atExit: true }), "after an uncaught error");
  const onSignal = (signal: NodeJS.Signals) => {
    reportFailures(flushAllSync(), `on ${signal}`);
    if (process.listenerCount(signal) === 1) {
      dispose();
      process.kill(process.pid, signal);
    }
  };
  const dispose = () => {
    process.off("exit", onExit);
    process.off("uncaughtExceptionMonitor", onCrash);
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    uninstall = undefined;
  };
  process.on("exit", onExit);
  process.on("uncaughtExceptionMonitor", onCrash);
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  uninstall = dispose;
  return dispose;
}
