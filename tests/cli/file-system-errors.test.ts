import { afterEach, describe, expect, it, vi } from "vitest";
import { reportError } from "../../src/cli/errors.js";
import { asFileSystemError, FileSystemError } from "../../src/util/file-system-error.js";

const errno = (code: string, path?: string) => Object.assign(new Error(`${code}: something, mkdir '${path}'`), { code, ...(path ? { path } : {}) });

function reported(error: unknown): { code: number; text: string } {
  let text = "";
  const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
    text += String(chunk);
    return true;
  });
  try {
    return { code: reportError(error), text };
  } finally {
    spy.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

describe("file-system faults as one line", () => {
  it("a read-only or full file system anywhere is one line naming the path, not a bug report", () => {
    expect(reported(errno("EROFS", "/mnt/ro/runs"))).toEqual({
      code: 2,
      text: "aelab: cannot write /mnt/ro/runs: the file system is read-only (EROFS); choose a writable folder (--logdir)\n",
    });
    const full = reported(errno("ENOSPC", "/data/runs/x/run.json"));
    expect(full.code).toBe(2);
    expect(full.text).toMatch(/^aelab: cannot write \/data\/runs\/x\/run\.json: no space left on the device \(ENOSPC\); free some space/);
    expect(full.text.trim().split("\n")).toHaveLength(1);
  });

  it("a missing file that reaches the top is still a bug report: aelab reports its own missing files", () => {
    const missing = reported(errno("ENOENT", "/somewhere"));
    expect(missing.code).toBe(1);
    expect(missing.text).toMatch(/^aelab: unexpected error \(a bug; please report it\)/);
  });

  it("a read that is denied says to make the file readable; other errors pass through untouched", () => {
    const denied = asFileSystemError(errno("EACCES"), "/data/x.idx", "read");
    expect(denied).toBeInstanceOf(FileSystemError);
    expect((denied as Error).message).toBe("cannot read /data/x.idx: permission denied (EACCES); make it readable (chmod u+r) or run as its owner");
    const other = new TypeError("not a file-system fault");
    expect(asFileSystemError(other, "/x")).toBe(other);
  });
});
