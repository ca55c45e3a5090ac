import { describe, expect, it } from "vitest";
import { checkFolderName, folderNameError, nameProblem, quoteName } from "../../src/config/folder-name.js";
import { errorOf } from "../helpers/config-error.js";

describe("names inside the logdir", () => {
  it("accepts plain names and names nested with /", () => {
    for (const name of ["vae-bce", "vae bce 2", "ae-mse/none/seed-1", "..dots..", "a.b", "ünïcode"]) expect(nameProblem(name)).toBeUndefined();
  });

  it("refuses .., absolute paths, NUL and control characters, backslashes, . and empty parts", () => {
    expect(nameProblem("../../tmp/x")).toBe('".." leads out of it');
    expect(nameProblem("a/../../b")).toBe('".." leads out of it');
    expect(nameProblem("..")).toBe('".." leads out of it');
    expect(nameProblem("/tmp/x")).toBe("an absolute path leads out of it");
    expect(nameProblem("C:\\x")).toBe("an absolute path leads out of it");
    expect(nameProblem("a\u0000b")).toBe("it holds control character U+0000");
    expect(nameProblem("a\nb")).toBe("it holds control character U+000A");
    expect(nameProblem("a\u001fb")).toBe("it holds control character U+001F");
    expect(nameProblem("a\u007fb")).toBe("it holds control character U+007F");
    expect(nameProblem("a\\..\\b")).toBe('it holds a backslash; nest folders with "/"');
    expect(nameProblem(".")).toBe('"." is not a folder of its own');
    expect(nameProblem("a/./b")).toBe('"." is not a folder of its own');
    expect(nameProblem("a//b")).toBe("it has an empty part");
    expect(nameProblem("a/")).toBe("it has an empty part");
    expect(nameProblem("")).toBe("it is empty");
  });

  it("says it in one line naming the field and the value, control characters visible", () => {
    expect(folderNameError("--name", "a run name", "../../tmp/x")).toBe('--name "../../tmp/x": a run name must stay inside the logdir (".." leads out of it)');
    expect(errorOf(() => checkFolderName("--name", "a run name", "/tmp/x"))).toBe(
      '--name "/tmp/x": a run name must stay inside the logdir (an absolute path leads out of it)',
    );
    expect(errorOf(() => checkFolderName("--name", "a run name", "a\u0000\n"))).toBe(
      '--name "a\\u0000\\n": a run name must stay inside the logdir (it holds control character U+0000)',
    );
    expect(errorOf(() => checkFolderName("--name", "a run name", "a\u007f"))).toBe(
      '--name "a\\u007f": a run name must stay inside the logdir (it holds control character U+007F)',
    );
    expect(folderNameError("--name", "a run name", "fine/nested")).toBeUndefined();
    expect(quoteName("x\u2028\u0085")).toBe('"x\\u2028\\u0085"');
  });
});
