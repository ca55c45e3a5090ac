import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

/** Every TypeScript file under `dir`, with its path. */
function sources(dir: string): Array<{ file: string; text: string }> {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts"))
    .map((f) => ({ file: join(dir, f), text: readFileSync(join(dir, f), "utf8") }));
}

/** The folders under src/ a file imports from ("report", "metrics", ...), by its import and export ... from lines. */
function importedFolders(file: string, text: string): string[] {
  const depth = file.split("/").length - 2;
  return [...text.matchAll(/^(?:import|export)[^;]*? from "(\.[^"]+)"/gm)].map((m) => {
    const parts = join(file.split("/").slice(0, -1).join("/"), m[1]).split("/");
    return parts[0] === "src" && parts.length > 1 ? parts[1] : `${"../".repeat(depth)}?`;
  });
}

// DESIGN.md's boundaries: experiment/ is handed its report writer (the CLI composes the two), report/ may read
// experiment records, never the reverse; metrics/ is pure and below both.
describe("the import graph has no arrow up", () => {
  it("experiment/ imports nothing from report/", () => {
    const up = sources("src/experiment").filter(({ file, text }) => importedFolders(file, text).includes("report"));
    expect(up.map((s) => s.file)).toEqual([]);
  });

  it("metrics/ imports nothing from report/ or experiment/", () => {
    const up = sources("src/metrics").filter(({ file, text }) => importedFolders(file, text).some((f) => f === "report" || f === "experiment"));
    expect(up.map((s) => s.file)).toEqual([]);
  });
});

describe("the report engine names no claim", () => {
  // The claims live in the experiment files; `aelab losses` (loss-figures.ts) prints the loss study's analytic checks by their ids.
  it("no claim id of the loss study appears in src/report or src/experiment", () => {
    const named = [...sources("src/report"), ...sources("src/experiment")].filter(
      ({ file, text }) => !file.endsWith("loss-figures.ts") && /\bC[1-6]\b/.test(text),
    );
    expect(named.map((s) => s.file)).toEqual([]);
  });
});
