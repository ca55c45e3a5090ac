import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { pairedAttempt, pairedRun, quantile, summariseRatios, type ChildCommand } from "../../scripts/bench/paired.js";
import { PACE_PREFIX } from "../../scripts/bench/pace.js";
import { RESULT_PREFIX } from "../../scripts/bench/job.js";

// The bench's aelab-against-PyTorch turns, with two stand-in children that speak the pace protocol: they
// log each window they run to a shared file, report the rates they are given, and print a result line.
const dir = mkdtempSync(join(tmpdir(), "aelab-bench-paired-"));
const FAKE = join(dir, "fake.mjs");
writeFileSync(
  FAKE,
  `
import { appendFileSync, readSync, writeSync } from "node:fs";
const [name, log, ratesJson, result] = process.argv.slice(2);
const rates = JSON.parse(ratesJson);
const byte = Buffer.alloc(1);
const reply = () => { let line = ""; for (;;) { if (readSync(0, byte, 0, 1, null) === 0) return "stop"; const c = byte.toString(); if (c === "\\n") return line; line += c; } };
const say = (what) => { writeSync(1, ${JSON.stringify(PACE_PREFIX)} + what + "\\n"); return reply(); };
if (name === "dies") { process.stderr.write("Error: out of memory\\n"); process.exit(1); }
let going = say("ready") === "go";
const windows = [];
for (let i = 0; going; i++) {
  appendFileSync(log, name + " ");
  windows.push(rates[i % rates.length]);
  going = say("window " + windows.at(-1)) === "go";
}
writeSync(1, ${JSON.stringify(RESULT_PREFIX)} + (result === "aelab" ? JSON.stringify({ kind: "throughput", throughput: { imagesPerSecond: 1, windows, steps: windows.length } }) : JSON.stringify({ kind: "torch", torch: "fake", blasLibrary: null, results: [{ threads: 1, imagesPerSecond: 1, windows, steps: 1, blasThreads: 1, matmulGflops: 1 }] })) + "\\n");
`,
);

function fake(name: string, log: string, rates: number[], result: "aelab" | "torch"): ChildCommand {
  return { command: process.execPath, args: [FAKE, name, log, JSON.stringify(rates), result], env: process.env };
}

describe("quantile and summariseRatios", () => {
  it("interpolate between order statistics as numpy's default does", () => {
    const values = [0.9, 1.3, 1.0, 1.1];
    expect(quantile(values, 0.5)).toBeCloseTo(1.05, 12);
    expect(quantile(values, 0.25)).toBeCloseTo(0.975, 12);
    expect(quantile(values, 0.75)).toBeCloseTo(1.15, 12);
    const summary = summariseRatios(values);
    expect(summary.spread).toBeCloseTo(0.1 / 1.05, 12);
  });
});

describe("pairedAttempt", () => {
  it("alternates the two sides window by window and takes each pair's ratio", async () => {
    const log = join(dir, "alternate.log");
    const attempt = await pairedAttempt(fake("A", log, [100, 200, 300], "aelab"), fake("B", log, [50, 100, 100], "torch"), 3);
    expect(readFileSync(log, "utf8")).toBe("A B A B A B ");
    expect(attempt.ratios).toEqual([2, 2, 3]);
    expect(attempt.summary.median).toBe(2);
    expect(attempt.aelab.windows).toEqual([100, 200, 300]);
    expect(attempt.torch.results[0]?.windows).toEqual([50, 100, 100]);
  });

  it("names the side that failed and its last stderr line", async () => {
    const log = join(dir, "dies.log");
    await expect(pairedAttempt(fake("A", log, [1], "aelab"), fake("dies", log, [1], "torch"), 3)).rejects.toThrow("PyTorch: ended early: Error: out of memory");
  });
});

describe("pairedRun", () => {
  it("stops after a steady attempt", async () => {
    const run = await pairedRun(fake("A", join(dir, "steady.log"), [100], "aelab"), fake("B", join(dir, "steady.log"), [100], "torch"), 7);
    expect(run.spreads).toEqual([0]);
  });

  it("measures a row again when its spread exceeds ±10 %, and keeps the steadier attempt", async () => {
    const log = join(dir, "noisy.log");
    const run = await pairedRun(fake("A", log, [100, 150, 60, 100, 140, 70, 100], "aelab"), fake("B", log, [100], "torch"), 7);
    expect(run.spreads).toHaveLength(2);
    expect(run.spreads[0]).toBeGreaterThan(0.1);
    expect(run.summary.spread).toBe(Math.min(...run.spreads));
    expect(readFileSync(log, "utf8").trim().split(" ")).toHaveLength(28);
  });
});
