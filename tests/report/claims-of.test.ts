import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { claimsOf } from "../../src/report/index.js";

describe("the claims a report tests", () => {
  const dir = mkdtempSync(join(tmpdir(), "aelab-claims-of-"));
  const file = join(dir, "x.yaml");
  writeFileSync(
    file,
    "base: base.yaml\nquestion: Why?\naxes: { loss: [a, b], seed: [1, 2] }\nclaims:\n  - { id: H1, statement: a beats b., comparisons: [{ a: { loss: a }, b: { loss: b }, metric: mse, expect: less }] }\n",
  );

  it("come from experiment.json, as the file declared them when the experiment ran", () => {
    const log: string[] = [];
    const record = { file, question: "Then?", claims: [], confounds: ["as then"] };
    expect(claimsOf(record, (l) => log.push(l))).toEqual({ question: "Then?", claims: [], confounds: ["as then"] });
    expect(log).toEqual([]);
  });

  it("come from the file a record written before claims existed names, and the log says so", () => {
    const log: string[] = [];
    const claimed = claimsOf({ file }, (l) => log.push(l));
    expect(claimed.question).toBe("Why?");
    expect(claimed.claims.map((c) => c.id)).toEqual(["H1"]);
    expect(log).toEqual([`claims: experiment.json predates them; read from ${file}`]);
  });

  it("are none when that file is gone", () => {
    expect(claimsOf({ file: join(dir, "gone.yaml") }, () => {})).toEqual({ question: "", claims: [], confounds: [] });
  });
});
