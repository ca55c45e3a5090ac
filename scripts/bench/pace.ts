import { readSync, writeSync } from "node:fs";

/**
 * Paced timing (scripts/bench/paired.ts): a child that times windows in turn with another process stops at
 * each turn, says where it is on stdout, and waits for the parent's word on stdin ("go" or "stop"). Both
 * are synchronous, so nothing of the child runs while it waits, and the wait is not timed.
 */
export const PACE_PREFIX = "@@aelab-bench-pace ";

export type PaceReply = "go" | "stop";

const pause = new Int32Array(new SharedArrayBuffer(4));

/** One line from stdin, read byte by byte so nothing after it is consumed. */
function readLineSync(): string {
  const byte = Buffer.alloc(1);
  let line = "";
  for (;;) {
    let n: number;
    try {
      n = readSync(0, byte, 0, 1, null);
    } catch (err) {
      // A non-blocking stdin has nothing yet: wait a moment and read again.
      if ((err as NodeJS.ErrnoException).code === "EAGAIN") {
        Atomics.wait(pause, 0, 0, 1);
        continue;
      }
      throw err;
    }
    if (n === 0) return line === "" ? "stop" : line; // the parent went away: stop
    const c = byte.toString("latin1");
    if (c === "\n") return line;
    line += c;
  }
}

/** Says `what` ("ready", or "window <images/s>") and waits for the parent's reply. */
export function pace(what: string): PaceReply {
  writeSync(1, `${PACE_PREFIX}${what}\n`);
  const reply = readLineSync().trim();
  if (reply !== "go" && reply !== "stop") throw new Error(`bench: expected "go" or "stop" from the parent, got ${JSON.stringify(reply)}`);
  return reply;
}
