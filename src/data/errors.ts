/**
 * A problem with a dataset the user can fix (a missing or damaged file, an impossible option).
 * The message is one line that names the file or option, so it can be shown as is.
 */
export class DataError extends Error {
  override readonly name = "DataError";
}
