import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import yargs from "yargs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { DEFAULT_LOSSES_OUT, lossesCommand, type LossesArgs } from "../../src/cli/losses.js";
import { lossesReport, writeLossFigures } from "../../src/report/loss-figures.js";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("lossesReport", () => {
  const text = lossesReport();

  it("tabulates C1's example points with both losses and says what they show", () => {
    expect(text).toMatch(/target\s+prediction\s+BCE\s+BCE - min\s+squared error/);
    expect(text).toMatch(/0\.8\s+0\.9\s+0\.5448\s+0\.0444\s+0\.0100/);
    expect(text).toMatch(/0\.8\s+0\.7\s+0\.5261\s+0\.0257\s+0\.0100/);
    expect(text).toContain(
      "For target 0.8, BCE charges 0.9 more than 0.7 (0.545 vs 0.526): asymmetric, the dearer prediction being the one toward 1; squared error charges both 0.01.",
    );
    expect(text).toContain(
      "For target 0.3, BCE charges 0.2 more than 0.4 (0.639 vs 0.632): asymmetric, the dearer prediction being the one toward 0; squared error charges both 0.01.",
    );
    expect(text).toContain("C1 holds");
  });

  it("tabulates C2's ratio against d and says it tends to 2 and grows", () => {
    expect(text).toMatch(/0\.01\s+2\.000e-4\s+1\.000e-4\s+2\.0004\s+2\.0004/);
    expect(text).toMatch(/0\.4\s+5\.108e-1\s+1\.600e-1\s+3\.1927\s+3\.1927/);
    expect(text).toContain("At d = 0.01 the ratio is 2.0004, within 0.01 of 2: C2 holds");
    expect(text).toContain("It grows with d, to 3.193 at d = 0.4");
    expect(text).toContain("3.125 at 0.8");
  });
});

describe("writeLossFigures", () => {
  it("writes losses and ratio as SVG and PNG (2x) and returns their paths", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "aelab-losses-")), "nested", "figures");
    const { files } = await writeLossFigures(out);
    expect(files).toEqual(["losses.svg", "losses.png", "ratio.svg", "ratio.png"].map((f) => join(out, f)));
    for (const file of files) expect(existsSync(file)).toBe(true);

    const losses = readFileSync(join(out, "losses.svg"), "utf8");
    expect(losses.startsWith("<svg")).toBe(true);
    for (const text of ["target 0.3", "target 0.5", "target 0.8", "BCE - min (nats)", "squared error", "prediction p", "0.044", "0.026"]) {
      expect(losses).toContain(`>${text}<`);
    }
    const ratio = readFileSync(join(out, "ratio.svg"), "utf8");
    for (const text of ["2 (the limit as d -&gt; 0)", "ratio", "3.193"]) expect(ratio).toContain(`>${text}<`);

    for (const name of ["losses", "ratio"]) {
      const svgWidth = Number(/width="([\d.]+)"/.exec(readFileSync(join(out, `${name}.svg`), "utf8"))![1]);
      const meta = await sharp(join(out, `${name}.png`)).metadata();
      expect(meta.format).toBe("png");
      expect(meta.width).toBe(2 * svgWidth);
    }
  });
});

describe("lossesCommand", () => {
  it("defaults --out to runs/losses", async () => {
    let parsed: LossesArgs | undefined;
    await yargs(["losses"])
      .command({ ...lossesCommand, handler: (argv: LossesArgs) => void (parsed = argv) })
      .strict()
      .parseAsync();
    expect(parsed?.out).toBe(DEFAULT_LOSSES_OUT);
    expect(DEFAULT_LOSSES_OUT).toBe("runs/losses");
  });

  it("prints the report and writes the figures into --out", async () => {
    const out = mkdtempSync(join(tmpdir(), "aelab-losses-cmd-"));
    const written: string[] = [];
    vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    await lossesCommand.handler({ out });
    const stdout = written.join("");
    expect(stdout).toContain("C1  BCE is asymmetric");
    expect(stdout).toContain("C2  Near a target of 0.5");
    expect(stdout).toContain(`wrote ${join(out, "losses.svg")}, ${join(out, "losses.png")}, ${join(out, "ratio.svg")}, ${join(out, "ratio.png")}`);
    expect(existsSync(join(out, "ratio.png"))).toBe(true);
  });
});
