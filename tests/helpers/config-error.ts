import { expect } from "vitest";
import { ConfigError } from "../../src/config/index.js";

/** The message of the ConfigError `fn` throws, checked to be one line. */
export function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message.split("\n")).toHaveLength(1);
    return message;
  }
  throw new Error("expected a ConfigError");
}
