import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { exportScalars, type ExportFormat } from "../../src/experiment/export.js";
import { writeFakeExperiment, writeFakeRun } from "../helpers/fake-experiment.js";

const root = mkdtempSync(join(tmpdir(), "aelab-export-cli-"));

function aelab(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["bin/aelab.js", ...args], { env: { ...process.env, CI: "true" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr: stderr.trim() }));
  });
}

async function inProcess(folder: string, format: ExportFormat): Promise<string> {
  let text = "";
  await exportScalars(folder, { format, write: (piece) => void (text += piece) });
  return text;
}

describe("aelab export on the command line", () => {
  it("writes CSV to stdout or JSON lines to --out, and refuses bad input in one line", async () => {
    const dir = await writeFakeExperiment(
      root,
      "grid",
      [
        { name: "loss", levels: ["mse", "bce"] },
        { name: "seed", key: "seed", levels: ["1", "2"] },
      ],
      [
        { levels: { loss: "mse", seed: "1" }, seed: 1, scalars: [["test/mse", 0, 0.5]] },
        { levels: { loss: "mse", seed: "2" }, seed: 2, scalars: [["test/mse", 0, 0.25]] },
        { levels: { loss: "bce", seed: "1" }, seed: 1, scalars: [["test/mse", 0, 0.125]] },
        { levels: { loss: "bce", seed: "2" }, seed: 2, scalars: [["test/mse", 0, 0.75]] },
      ],
    );
    const corrupt = join(root, "corrupt");
    await writeFakeRun(corrupt, { seed: 1, scalars: [["test/mse", 0, 1]] });
    const file = join(corrupt, readdirSync(corrupt).find((name) => name.includes("tfevents"))!);
    const bytes = readFileSync(file);
    bytes[bytes.length - 6]! ^= 0xff;
    writeFileSync(file, bytes);
    const out = join(root, "grid.jsonl");
    const missing = join(root, "no-such-run");

    const [csv, jsonl, gone, broken] = await Promise.all([
      aelab("export", dir),
      aelab("export", dir, "--format", "jsonl", "--out", out),
      aelab("export", missing),
      aelab("export", corrupt),
    ]);
    expect(csv.status).toBe(0);
    expect(csv.stdout).toBe(await inProcess(dir, "csv"));
    expect(jsonl.status).toBe(0);
    expect(jsonl.stdout).toBe("");
    expect(jsonl.stderr).toBe(`4 rows written to ${out}`);
    expect(readFileSync(out, "utf8")).toBe(await inProcess(dir, "jsonl"));
    expect(readdirSync(root).filter((name) => name.includes(".tmp"))).toEqual([]);

    expect(gone.status).toBe(2);
    expect(gone.stderr).toBe(`aelab: cannot read ${missing}: no such folder`);
    expect(broken.status).toBe(2);
    expect(broken.stderr.split("\n")).toHaveLength(1);
    expect(broken.stderr).toMatch(new RegExp(`^aelab: ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} is corrupt: record 1 at byte \\d+: data CRC mismatch`));
    // Four CLI processes at once, each loading aelab: slow on a busy two-core machine.
  }, 240_000);
});
