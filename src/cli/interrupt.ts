/**
 * Ctrl-C (or SIGTERM) asks the loop to stop after the current step, so it can log what it has and close
 * the event file; a second Ctrl-C exits at once (what was flushed stays readable).
 */
export function stopOnSignals(onFirst: (signal: string) => void): { requested: () => boolean; dispose: () => void } {
  let requested = false;
  const handler = (signal: NodeJS.Signals) => {
    if (requested) {
      process.stderr.write(`aelab: ${signal} again, exiting now\n`);
      process.exit(130);
    }
    requested = true;
    onFirst(signal);
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return {
    requested: () => requested,
    dispose: () => {
      process.off("SIGINT", handler);
      process.off("SIGTERM", handler);
    },
  };
}
