import { mkdirSync, mkdtempSync, readdirSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createRunFolder } from "../../src/train/run-folder.js";
import { OutsideLogdirError } from "../../src/util/inside-logdir.js";

describe("createRunFolder", () => {
  it("nests a name with / and numbers a taken one", () => {
    const logdir = join(mkdtempSync(join(tmpdir(), "aelab-run-folder-")), "runs");
    expect(createRunFolder(logdir, "ae-mse/seed-1")).toEqual({ dir: join(logdir, "ae-mse", "seed-1"), name: "ae-mse/seed-1" });
    expect(createRunFolder(logdir, "ae-mse/seed-1")).toEqual({ dir: join(logdir, "ae-mse", "seed-1-2"), name: "ae-mse/seed-1-2" });
  });

  it("does not write through a symlink in the logdir that points out of it", () => {
    const root = mkdtempSync(join(tmpdir(), "aelab-run-folder-"));
    const logdir = join(root, "runs");
    const outside = join(root, "outside");
    mkdirSync(logdir);
    mkdirSync(outside);
    symlinkSync(outside, join(logdir, "group"));
    expect(() => createRunFolder(logdir, "group/run")).toThrow(OutsideLogdirError);
    expect(() => createRunFolder(logdir, "group")).toThrow(/is a symlink to .*, outside the logdir/);
    expect(() => createRunFolder(logdir, "../escaped")).toThrow(/outside the logdir/);
    expect(readdirSync(outside)).toEqual([]);
    expect(readdirSync(logdir)).toEqual(["group"]);
    expect(readdirSync(root).sort()).toEqual(["outside", "runs"]);
  });
});
