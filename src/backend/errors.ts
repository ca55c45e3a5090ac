/**
 * A backend that was asked for cannot be used here. The message is one line a user can act on, and
 * the CLI prints it without a stack (it matches on the name).
 */
export class BackendUnavailableError extends Error {
  override readonly name = "BackendUnavailableError";
}
