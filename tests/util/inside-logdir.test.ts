import { mkdirSync, mkdtempSync, readdirSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkInsideLogdir, OutsideLogdirError } from "../../src/util/inside-logdir.js";

function refusal(fn: () => void): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(OutsideLogdirError);
    const message = (error as Error).message;
    expect(message.split("\n")).toHaveLength(1);
    return message;
  }
  throw new Error("expected an OutsideLogdirError");
}

describe("checkInsideLogdir", () => {
  const root = mkdtempSync(join(tmpdir(), "aelab-inside-"));
  const logdir = join(root, "runs");
  const outside = join(root, "outside");
  mkdirSync(join(logdir, "real", "deeper"), { recursive: true });
  mkdirSync(outside);
  symlinkSync(outside, join(logdir, "out"));
  symlinkSync(join(logdir, "real"), join(logdir, "alias"));
  symlinkSync(join(root, "nowhere"), join(logdir, "dangling"));
  symlinkSync(logdir, join(root, "runs-link"));

  it("lets paths through folders and symlinks that stay inside, and paths not created yet", () => {
    checkInsideLogdir(logdir, join(logdir, "new", "run"));
    checkInsideLogdir(logdir, join(logdir, "real", "deeper", "run"));
    checkInsideLogdir(logdir, join(logdir, "alias", "deeper", "run"));
    checkInsideLogdir(join(root, "not-yet"), join(root, "not-yet", "a", "b"));
    // The logdir itself may be a link: the user chose it.
    checkInsideLogdir(join(root, "runs-link"), join(root, "runs-link", "out-of-nothing"));
  });

  it("refuses a symlink inside the logdir that points out of it, naming the link", () => {
    expect(refusal(() => checkInsideLogdir(logdir, join(logdir, "out", "run")))).toBe(
      `cannot write ${join(logdir, "out", "run")}: ${join(logdir, "out")} is a symlink to ${JSON.stringify(outside)}, outside the logdir ${logdir}; aelab does not write through it (remove the link, or pass its target as --logdir)`,
    );
    expect(refusal(() => checkInsideLogdir(logdir, join(logdir, "out")))).toMatch(/is a symlink to .*, outside the logdir/);
    expect(refusal(() => checkInsideLogdir(join(root, "runs-link"), join(root, "runs-link", "out", "x")))).toMatch(/runs-link\/out is a symlink to/);
    expect(refusal(() => checkInsideLogdir(logdir, join(logdir, "dangling", "run")))).toMatch(/dangling is a symlink to ".*nowhere", which does not exist/);
    expect(readdirSync(outside)).toEqual([]);
  });

  it("refuses a path that is not under the logdir at all", () => {
    expect(refusal(() => checkInsideLogdir(logdir, join(logdir, "..", "escaped")))).toBe(
      `cannot write ${join(root, "escaped")}: it is outside the logdir ${logdir}`,
    );
    expect(refusal(() => checkInsideLogdir(logdir, "/tmp/elsewhere"))).toMatch(/it is outside the logdir/);
  });
});
