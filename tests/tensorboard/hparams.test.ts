import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXPERIMENT_FILE, writeHparamsExperiment, type ExperimentSpec } from "../../src/tensorboard/index.js";
import { decodeRawEvent, decodeRawHparams, parseFraming } from "./independent-decoder.js";

const tempDir = () => mkdtempSync(join(tmpdir(), "aelab-tb-hp-"));

const spec: ExperimentSpec = {
  hparams: [
    { name: "variant", type: "string", domain: { values: ["ae", "vae"] }, displayName: "Model", description: "*which* autoencoder" },
    { name: "lr", type: "number", domain: { min: 1e-4, max: 1e-2 } },
    { name: "latent", type: "number", domain: { values: [2, 16] } },
    { name: "binarize", type: "bool", domain: { values: [false, true] } },
    { name: "note", type: "string" },
  ],
  metrics: [
    { tag: "test/loss", displayName: "test loss", description: "mean over the test split", dataset: "validation" },
    { tag: "train/loss", dataset: "training" },
    { tag: "loss", group: "eval" },
  ],
  description: "aelab sweep",
  timeCreatedSecs: 1_700_000_123.25,
};

describe("writeHparamsExperiment", () => {
  it("writes _hparams_/experiment into the experiment folder with every field", () => {
    const logdir = tempDir();
    const path = writeHparamsExperiment(logdir, spec);
    expect(path).toBe(join(logdir, EXPERIMENT_FILE));
    expect(EXPERIMENT_FILE).toContain("tfevents");
    expect(readdirSync(logdir)).toEqual([EXPERIMENT_FILE]); // the temporary file is gone

    const records = parseFraming(readFileSync(path));
    expect(records).toHaveLength(2);
    for (const r of records) {
      expect(r.storedLengthCrc).toBe(r.expectedLengthCrc);
      expect(r.storedDataCrc).toBe(r.expectedDataCrc);
    }
    const [first, second] = records.map((r) => decodeRawEvent(r.data));
    expect(first!.file_version).toBe("brain.Event:2");
    expect(second!.step).toBe("0");
    const value = second!.summary!.value[0]!;
    expect(value.tag).toBe("_hparams_/experiment");
    expect(value.metadata!.plugin_data!.plugin_name).toBe("hparams");
    expect(value.tensor!.dtype).toBe(1);

    const data = decodeRawHparams(value.metadata!.plugin_data!.content);
    expect(data).toEqual({
      version: 0,
      data: "experiment",
      experiment: {
        name: "",
        description: "aelab sweep",
        user: "",
        time_created_secs: 1_700_000_123.25,
        hparam_infos: [
          {
            name: "variant",
            display_name: "Model",
            description: "*which* autoencoder",
            type: 1, // DATA_TYPE_STRING
            domain: "domain_discrete",
            domain_discrete: {
              values: [
                { string_value: "ae", kind: "string_value" },
                { string_value: "vae", kind: "string_value" },
              ],
            },
          },
          {
            name: "lr",
            display_name: "",
            description: "",
            type: 3, // DATA_TYPE_FLOAT64
            domain: "domain_interval",
            domain_interval: { min_value: 1e-4, max_value: 1e-2 },
          },
          {
            name: "latent",
            display_name: "",
            description: "",
            type: 3,
            domain: "domain_discrete",
            domain_discrete: {
              values: [
                { number_value: 2, kind: "number_value" },
                { number_value: 16, kind: "number_value" },
              ],
            },
          },
          {
            name: "binarize",
            display_name: "",
            description: "",
            type: 2, // DATA_TYPE_BOOL
            domain: "domain_discrete",
            domain_discrete: {
              values: [
                { bool_value: false, kind: "bool_value" },
                { bool_value: true, kind: "bool_value" },
              ],
            },
          },
          { name: "note", display_name: "", description: "", type: 1 },
        ],
        metric_infos: [
          { name: { group: "", tag: "test/loss" }, display_name: "test loss", description: "mean over the test split", dataset_type: 2 },
          { name: { group: "", tag: "train/loss" }, display_name: "", description: "", dataset_type: 1 },
          { name: { group: "eval", tag: "loss" }, display_name: "", description: "", dataset_type: 0 },
        ],
      },
    });
  });

  it("replaces its own file on a second call, so the latest definition is the one TensorBoard finds", () => {
    const logdir = tempDir();
    writeHparamsExperiment(logdir, spec);
    writeHparamsExperiment(logdir, { hparams: [{ name: "seed", type: "number" }], metrics: [{ tag: "test/loss" }] });
    expect(readdirSync(logdir)).toEqual([EXPERIMENT_FILE]);
    const [, second] = parseFraming(readFileSync(join(logdir, EXPERIMENT_FILE))).map((r) => decodeRawEvent(r.data));
    const experiment = decodeRawHparams(second!.summary!.value[0]!.metadata!.plugin_data!.content).experiment!;
    expect(experiment.hparam_infos.map((h) => h.name)).toEqual(["seed"]);
    expect(experiment.time_created_secs).toBeGreaterThan(1.6e9);
    expect(experiment.time_created_secs).toBeLessThan(1e10);
  });

  it("rejects a spec TensorBoard would misread, naming the hparam or metric", () => {
    const logdir = tempDir();
    const bad = (patch: Partial<ExperimentSpec>) => () => writeHparamsExperiment(logdir, { ...spec, ...patch });
    expect(bad({ hparams: [{ name: "", type: "string" }] })).toThrow(/hparam name must be a non-empty string/);
    expect(bad({ hparams: [{ name: "x", type: "int" as "number" }] })).toThrow(/hparam "x": type must be/);
    expect(bad({ hparams: [{ name: "x", type: "number", domain: { values: ["1"] } }] })).toThrow(
      /domain\.values\[0\] is a string, but the hparam's type is number/,
    );
    expect(bad({ hparams: [{ name: "x", type: "bool", domain: { values: [] } }] })).toThrow(/non-empty array/);
    expect(bad({ hparams: [{ name: "x", type: "string", domain: { min: 0, max: 1 } }] })).toThrow(/interval domain needs type "number"/);
    expect(bad({ hparams: [{ name: "x", type: "number", domain: { min: 2, max: 1 } }] })).toThrow(/finite min <= max/);
    expect(
      bad({
        hparams: [
          { name: "x", type: "number" },
          { name: "x", type: "string" },
        ],
      }),
    ).toThrow(/hparam "x" is declared twice/);
    expect(bad({ metrics: [{ tag: "a" }, { tag: "a" }] })).toThrow(/metric "a" is declared twice/);
    expect(bad({ metrics: [{ tag: "" }] })).toThrow(/metric tag must be a non-empty string/);
    expect(bad({ metrics: [{ tag: "a", dataset: "test" as "training" }] })).toThrow(/dataset must be "training" or "validation"/);
    expect(bad({ timeCreatedSecs: Date.now() })).toThrow(/seconds since the epoch/);
    expect(readdirSync(logdir)).toEqual([]);
  });
});
