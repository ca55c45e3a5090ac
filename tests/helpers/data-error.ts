import { expect } from "vitest";
import { DataError } from "../../src/data/errors.js";

/** Expects `error` to be a one-line DataError holding every part; returns its message. */
function expectOneLine(error: unknown, parts: (string | RegExp)[]): string {
  expect(error).toBeInstanceOf(DataError);
  const message = (error as Error).message;
  expect(message.split("\n")).toHaveLength(1);
  for (const part of parts) expect(message).toMatch(part);
  return message;
}

/** Asserts that `fn` throws a one-line DataError whose message holds every part. */
export function expectDataError(fn: () => unknown, ...parts: (string | RegExp)[]): string {
  try {
    fn();
  } catch (error) {
    return expectOneLine(error, parts);
  }
  return expectOneLine(undefined, parts);
}

/** Awaits `promise`, expects a one-line DataError holding every part, and returns its message. */
export async function dataError(promise: Promise<unknown>, ...parts: (string | RegExp)[]): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  return expectOneLine(error, parts);
}
