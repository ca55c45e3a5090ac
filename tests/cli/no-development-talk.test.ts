import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";

// What users read (help, usage) speaks of the claims and options, never of how the project is developed.
const COMMANDS = [[], ["data"], ["train"], ["eval"], ["sample"], ["experiment"], ["slurm"], ["report"], ["losses"], ["info"], ["tb"]];

describe("user-facing help", () => {
  it.each(COMMANDS.map((c) => [c.join(" ") || "(top level)", c]))("%s --help mentions no issue numbers", (_, args) => {
    const help = execFileSync(process.execPath, ["bin/aelab.js", ...(args as string[]), "--help"], { encoding: "utf8" });
    expect(help.length).toBeGreaterThan(50);
    expect(help).not.toMatch(/\bissues?\s*#?\d/i);
  });
});
