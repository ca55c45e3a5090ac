import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../src/backend/index.js";
import { loadExperiment, startExperiment } from "../../src/experiment/index.js";
import { writeReport } from "../../src/report/index.js";

// experiments/examples/beta-sweep.yaml as a user would run it, shrunk on the command line only (tiny
// networks, one epoch, a slice of the data): its own question gets its own report, with no code of its own.
const FILE = "experiments/examples/beta-sweep.yaml";
const TINY = [
  "train.epochs=1",
  "data.trainLimit=256",
  "data.testLimit=64",
  "model.encoder.hidden=[32]",
  "model.decoder.hidden=[32]",
  "model.latent.size=4",
  "log.images=8",
];
const logdir = mkdtempSync(join(tmpdir(), "aelab-beta-sweep-"));
let outcome: Awaited<ReturnType<typeof writeReport>>;
let md: string;

beforeAll(async () => {
  await selectBackend("wasm");
  const experiment = loadExperiment(FILE, { logdir, set: TINY });
  const done = await startExperiment(experiment, { workers: 2, force: false, report: false, log: () => {} }).done;
  expect(done.failed).toEqual([]);
  outcome = await writeReport(experiment.dir);
  md = readFileSync(outcome.reportPath, "utf8");
}, 600_000);

describe("a user's own experiment file gets its own report", () => {
  it("keeps β = 1 and β = 4 apart, one group each, and compares them with a computed verdict", () => {
    expect(outcome.groups.map((g) => g.name)).toEqual(["beta-1", "beta-4"]);
    const blur = outcome.rows.filter((r) => r.claim === "H1");
    // † and ‡ mark groups that one epoch of tiny networks leaves unrecognisable and at the epoch cap.
    const unmarked = (text: string) => text.replace(/[†‡]/g, "");
    expect(blur.map((r) => `${unmarked(r.comparison)} | ${r.metric}`)).toEqual([
      "VAE-BCE β=4 − VAE-BCE | sharpness ratio (gradient, outputs / targets)",
      "VAE-BCE β=4 − VAE-BCE | high-frequency energy ratio (outputs / targets)",
    ]);
    for (const r of blur) {
      expect(r.role).toBe("evidence");
      expect(["supported", "contradicted", "equivalent", "inconclusive"]).toContain(r.verdict);
      expect(r.test).toMatch(/^(paired t\(2\) = .*, Holm |no spread)/);
    }
    const m1 = outcome.rows.find((r) => r.claim === "M1")!;
    expect([unmarked(m1.comparison), m1.role, m1.sesoi]).toEqual(["VAE-BCE β=4 − VAE-BCE", "manipulation check", "±1.00"]);
    expect(outcome.rows.filter((r) => r.claim === "H3").map((r) => unmarked(r.comparison))).toEqual([
      "VAE-BCE β=4 vs 0",
      "VAE-BCE vs 0",
      "class-mean oracle vs 0",
    ]);
  });

  it("has no row, prose or figure of the loss study: only the claims the file declares", () => {
    expect([...new Set(outcome.rows.map((r) => r.claim))]).toEqual(["H1", "H2", "H3", "M1"]);
    expect(md).not.toMatch(/\bC[1-6]\b|which reconstruction loss|Likelihood scale|losses\.png/);
  });

  it("is titled by the file's question and opens with one line per claim, verdict first, then the numbers", () => {
    const lines = md.split("\n");
    expect(lines[0]).toBe("# beta-sweep: Does a larger β give blurrier VAE reconstructions?");
    const answer = lines.slice(2, 6);
    expect(answer.map((l) => l.match(/^- \*\*(\w+) /)?.[1])).toEqual(["H1", "H2", "H3", "M1"]);
    expect(answer[0]).toMatch(
      /^- \*\*H1 (supported|contradicted|equivalent|inconclusive|mixed)\*\* \(.* of 2 rows\): A larger KL weight gives blurrier reconstructions\. VAE-BCE β=4†?‡? − VAE-BCE†?‡?, sharpness ratio -?[\d.e-]+(, 95% CI | in every seed)/,
    );
    expect(answer[3]).toMatch(/^- \*\*M1 manipulation check: /);
    for (const line of answer) expect(line.length).toBeLessThan(400);
    expect(md).toContain("## Confounds and how they are controlled\n\n- **Everything but β is fixed.**");
  });
});
