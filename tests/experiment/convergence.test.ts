import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../src/backend/index.js";
import { loadConfig } from "../../src/config/index.js";
import { loadExperiment } from "../../src/experiment/index.js";
import { readExperimentRecord, recordCellOutcomes, writeExperimentRecord } from "../../src/experiment/record.js";
import { runTraining } from "../../src/train/run.js";

beforeAll(async () => {
  await selectBackend("wasm");
});

const dir = mkdtempSync(join(tmpdir(), "aelab-experiment-convergence-"));
function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
const base = write(
  "base.yaml",
  "seed: 2\ndata: { trainLimit: 200, testLimit: 40 }\nmodel: { variant: ae, recon: mse, encoder: { hidden: [16] }, decoder: { hidden: [16] }, latent: { size: 3 } }\ntrain: { epochs: 10, batchSize: 50 }\nlog: { images: 8 }\n",
);
// minDelta as large as the loss: only the first epoch improves, so each cell stops after `patience` more.
const file = write(
  "stop.yaml",
  `name: stop
base: base.yaml
set:
  train.earlyStopping: { minDelta: 1000000 }
  data.validation: 0.2
axes:
  patience:
    p1: { train.earlyStopping.patience: 1 }
    p2: { train.earlyStopping.patience: 2, train.earlyStopping.restoreBestWeights: false }
`,
);

describe("early stopping in experiments", () => {
  it("cells inherit the keys from the experiment's set, its axes and the command line's --set", () => {
    const experiment = loadExperiment(file, { logdir: join(dir, "runs"), set: ["train.earlyStopping.startFromEpoch=1"] });
    const [p1, p2] = experiment.cells;
    expect(p1.config.train.earlyStopping).toEqual({ patience: 1, minDelta: 1e6, minRelativeDelta: 0, startFromEpoch: 1, restoreBestWeights: true });
    expect(p2.config.train.earlyStopping).toEqual({ patience: 2, minDelta: 1e6, minRelativeDelta: 0, startFromEpoch: 1, restoreBestWeights: false });
    expect(p1.config.data.validation).toBe(0.2);
    // What a cell's process resolves from its --set arguments is the config the plan resolved.
    for (const cell of experiment.cells) expect(loadConfig(base, cell.assignments)).toEqual(cell.config);
  });

  it("records each cell's convergence and learning curve in experiment.json", async () => {
    const experiment = loadExperiment(file, { logdir: join(dir, "runs") });
    writeExperimentRecord(experiment);
    const [p1] = experiment.cells;
    await runTraining({ config: p1.config, configFile: base, logdir: dirname(p1.dir), name: basename(p1.dir), backend: "wasm" });

    recordCellOutcomes(experiment.dir);
    const [ran, notRun] = readExperimentRecord(experiment.dir).cells;
    expect(notRun.outcome).toBeUndefined();
    expect(ran.outcome).toMatchObject({
      status: "completed",
      curveTag: "autoencoder/loss",
      convergence: { monitor: "validation/autoencoder/loss", converged: true, bestEpoch: 1, stoppedEpoch: 2, epochsRun: 2, maxEpochs: 10, weightsEpoch: 1 },
    });
    const curve = ran.outcome!.curve;
    expect(curve.map((p) => p.epoch)).toEqual([1, 2]);
    expect(curve[0].validation).toBe(ran.outcome!.convergence!.best);
    // Training still lowered the loss; only minDelta kept it from counting as an improvement.
    expect(curve[1].validation!).toBeLessThan(curve[0].validation!);
    for (const point of curve) for (const key of ["train", "validation", "test"] as const) expect(Number.isFinite(point[key])).toBe(true);
  });
});
