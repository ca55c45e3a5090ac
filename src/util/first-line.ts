/**
 * The first non-blank line of an error's message, trimmed, for one-line reports: a native addon's,
 * a YAML parser's or a child process's message runs to many lines. An empty message gives the
 * error's name.
 */
export function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const line = message
    .split("\n")
    .find((l) => l.trim() !== "")
    ?.trim();
  return line || (error instanceof Error && error.name ? error.name : "unknown error");
}
