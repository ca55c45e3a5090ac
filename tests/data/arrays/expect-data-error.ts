import { expect } from "vitest";
import { DataError } from "../../../src/data/errors.js";

/** Asserts that `fn` throws a one-line DataError whose message holds every part. */
export function expectDataError(fn: () => unknown, ...parts: (string | RegExp)[]): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(DataError);
  const message = (error as Error).message;
  expect(message.split("\n")).toHaveLength(1);
  for (const part of parts) expect(message).toMatch(part);
}
