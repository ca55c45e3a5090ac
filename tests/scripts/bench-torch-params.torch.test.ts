import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { DEFAULT_MODELS } from "../../scripts/bench/models.js";
import { findTorchPython, TORCH_SCRIPT } from "../../scripts/bench/python.js";
import { runChild } from "../../scripts/bench/spawn.js";
import { torchSpec } from "../../scripts/bench/torch-spec.js";
import { selectBackend } from "../../src/backend/index.js";
import { loadConfig } from "../../src/config/index.js";
import type { RunConfig } from "../../src/config/schema.js";
import { buildVariant } from "../../src/models/index.js";
import { streamFor } from "../../src/random/rng.js";

// The shipped configs train on the embedded MNIST digits (28x28x1), but those that say their size and channels.
const shapeOf = (config: RunConfig) => {
  const size = config.data.size === undefined ? [28, 28] : typeof config.data.size === "number" ? [config.data.size, config.data.size] : config.data.size;
  return { height: size[0], width: size[1], channels: config.data.channels ?? 1 };
};

// PyTorch is compared against aelab in BENCHMARKS.md only if both train the same networks: the same
// parameter count per network is the cheap check that the layer sizes agree. CI installs python3-torch;
// without it this test fails (with the package named) rather than passing silently.
describe("scripts/bench_torch.py", () => {
  it("builds networks with as many parameters as aelab's, network by network, for every benchmarked config", async () => {
    const python = await findTorchPython();
    if (!python.ok) throw new Error(python.reason);
    await selectBackend("cpu", { kernels: "auto" }); // whatever AELAB_KERNELS says: cpu runs its own kernels
    const configs = DEFAULT_MODELS.map((m) => loadConfig(m.config));
    const out = await runChild(python.python, [TORCH_SCRIPT, "--count-params"], process.env, JSON.stringify(configs.map((c) => torchSpec(c, shapeOf(c)))));
    expect(out.stderr).toBe("");
    expect(out.code).toBe(0);
    const torchCounts = JSON.parse(out.stdout) as Array<Record<string, number>>;
    configs.forEach((config, i) => {
      const variant = buildVariant(config, shapeOf(config), streamFor(config.seed, "weights"));
      const aelabCounts = Object.fromEntries(Object.entries(variant.networks).map(([name, model]) => [name, model!.countParams()]));
      variant.dispose();
      expect({ config: DEFAULT_MODELS[i].config, counts: torchCounts[i] }).toEqual({ config: DEFAULT_MODELS[i].config, counts: aelabCounts });
    });
    expect(tf.memory().numTensors).toBe(0);
  });

  it("names the package to install when no Python can import torch", async () => {
    const found = await findTorchPython(["/nonexistent/python3"]);
    expect(found).toEqual({ ok: false, reason: expect.stringContaining("install the Debian package python3-torch") });
  });
});
