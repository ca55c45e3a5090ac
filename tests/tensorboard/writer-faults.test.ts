import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EventFileWriter, readEvents } from "../../src/tensorboard/index.js";
import { FileSystemError } from "../../src/util/file-system-error.js";

describe("EventFileWriter when its folder is deleted under it", () => {
  it("fails the next flush with one line naming the file, and refuses further records with the same error", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "aelab-writer-faults-")), "run");
    const writer = new EventFileWriter(dir, { flushSeconds: 60 });
    writer.scalar("loss", 1, 0);
    await writer.flush();
    expect(readEvents(readFileSync(writer.path)).length).toBe(2);

    rmSync(dir, { recursive: true, force: true });
    writer.scalar("loss", 0.5, 1);
    const failure = await writer.flush().then(
      () => undefined,
      (error: unknown) => error,
    );
    // Linux would take the writes into the deleted file without a word; every record would be lost.
    expect(failure).toBeInstanceOf(FileSystemError);
    expect((failure as Error).message).toBe(
      `cannot write ${writer.path}: it no longer exists (was its folder deleted while the run was writing to it?) (ENOENT); start the run again`,
    );
    expect(() => writer.scalar("loss", 0.25, 2)).toThrow(failure as Error);
    await expect(writer.close()).rejects.toBe(failure);
  });
});
