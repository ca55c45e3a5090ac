/**
 * A checkpoint that cannot be written or read back into the given networks, in one line naming the file
 * or field: a missing checkpoint, a missing network, mismatched shapes, corrupt JSON, a truncated .bin.
 */
export class CheckpointError extends Error {
  override readonly name = "CheckpointError";
}

/** An underlying error's message on one line (V8's circular-JSON message spans three). */
export function reason(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, " ");
}
