import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Every temp folder a test makes (os.tmpdir() reads TMPDIR, which the test workers inherit) lands in one
 * folder per test run, removed when the run ends.
 */
export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), "aelab-tests-"));
  process.env.TMPDIR = root;
  return () => rmSync(root, { recursive: true, force: true });
}
