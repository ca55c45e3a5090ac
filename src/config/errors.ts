/** A problem with a config file or an override, phrased for the user: one line naming the file and key. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}
