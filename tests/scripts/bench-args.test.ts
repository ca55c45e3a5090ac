import { describe, expect, it } from "vitest";
import { parseBenchArgs, type BenchOptions } from "../../scripts/bench/args.js";
import { DEFAULT_MODELS } from "../../scripts/bench/models.js";

function options(argv: string[]): BenchOptions {
  const parsed = parseBenchArgs(argv);
  if (parsed.kind !== "run") throw new Error(`expected options, got ${JSON.stringify(parsed)}`);
  return parsed.options;
}

function error(argv: string[]): string {
  const parsed = parseBenchArgs(argv);
  if (parsed.kind !== "error") throw new Error(`expected an error, got ${parsed.kind}`);
  return parsed.message;
}

describe("bench arguments", () => {
  it("accepts config files as positionals (the usage line offers them), alone or with flags", () => {
    expect(options(["configs/vae-bce.yaml"]).models).toEqual([DEFAULT_MODELS.find((m) => m.key === "vae")]);
    const o = options(["configs/vae-bce.yaml", "my/own.yaml", "--quick"]);
    expect(o.models.map((m) => [m.config, m.label])).toEqual([
      ["configs/vae-bce.yaml", "MLP VAE"],
      ["my/own.yaml", "own"],
    ]);
    expect(o.quick).toBe(true);
  });

  it("profiles each model's step by kernel unless --no-profile", () => {
    expect(options([]).profile).toBe(true);
    expect(options(["--no-profile"]).profile).toBe(false);
  });

  it("times the seven default models at batch 128 on both kernel sets, with PyTorch on 1 and 2 threads, when given nothing", () => {
    const o = options([]);
    expect(o.models.map((m) => m.key)).toEqual(["ae", "vae", "conv-vae", "conv-vae-colour", "vae+gan", "vaegan", "vaegan-conv"]);
    expect(o).toMatchObject({
      batch: 128,
      kernels: ["wasm", "native"],
      torch: true,
      torchThreads: [1, 2],
      soakSteps: 2000,
      openblasEnv: "both",
      out: "BENCHMARKS.md",
    });
    expect(o.timing.windows).toBeGreaterThanOrEqual(3);
  });

  it("picks models by key, comma-separated or repeated, after any config files and without duplicates", () => {
    expect(options(["--models", "vae,conv-vae", "--models", "vae"]).models.map((m) => m.key)).toEqual(["vae", "conv-vae"]);
    expect(options(["configs/aae-mse.yaml", "--models", "ae"]).models.map((m) => m.key)).toEqual(["aae-mse", "ae"]);
  });

  it("reads the other flags; --quick only changes the defaults it is given", () => {
    const o = options([
      "--quick",
      "--no-torch",
      "--kernels",
      "wasm",
      "--torch-threads",
      "2",
      "--soak-steps",
      "0",
      "--windows",
      "4",
      "--out",
      "-",
      "--kernel-bench",
      "--openblas-env",
      "unset",
      "--blas-threads",
      "1",
    ]);
    expect(o).toMatchObject({
      torch: false,
      kernels: ["wasm"],
      torchThreads: [2],
      soakSteps: 0,
      out: null,
      kernelBench: true,
      openblasEnv: "unset",
      blasThreads: 1,
    });
    expect(o.timing).toMatchObject({ windows: 4, warmupSteps: 2 });
    expect(options(["--quick"]).soakSteps).toBeLessThan(options([]).soakSteps);
  });

  it("--backend webgpu times the webgpu backend only, into its own report, without per-kernel profiles", () => {
    expect(options(["--backend", "webgpu"])).toMatchObject({ kernels: ["webgpu"], out: "BENCHMARKS-webgpu.md", profile: false });
    expect(options(["--backend", "wasm"])).toMatchObject({ kernels: ["wasm", "native"], out: "BENCHMARKS.md", profile: true });
    // --kernels names the sets outright; a mix keeps its CPU report and profiles.
    expect(options(["--kernels", "native,webgpu"])).toMatchObject({ kernels: ["native", "webgpu"], out: "BENCHMARKS.md", profile: true });
    expect(error(["--backend", "webgl"])).toMatch(/^bench: Invalid values: Argument: backend, Given: "webgl", Choices: "wasm", "webgpu"/);
  });

  it("rejects unknown flags with one line", () => {
    const message = error(["configs/vae-bce.yaml", "--bogus"]);
    expect(message).toMatch(/^bench: Unknown argument: bogus/);
    expect(message).not.toContain("\n");
    expect(error(["--epochs", "1"])).toMatch(/Unknown argument: epochs/);
  });

  it("rejects bad values with one line naming the flag", () => {
    for (const [argv, pattern] of [
      [["--models", "gan"], /--models: unknown model 'gan'/],
      [["--kernels", "gpu"], /--kernels: unknown kernel set 'gpu'/],
      [["--windows", "2"], /--windows must be an integer >= 3/],
      [["--batch", "x"], /--batch must be/],
      [["--torch-threads", "0"], /--torch-threads: '0'/],
      [["--openblas-env", "maybe"], /openblas-env/],
      [["--windows"], /windows/],
    ] as Array<[string[], RegExp]>) {
      const message = error(argv);
      expect(message).toMatch(pattern);
      expect(message).not.toContain("\n");
    }
  });

  it("returns help text instead of printing it, and hands worker jobs through", () => {
    const help = parseBenchArgs(["--help"]);
    expect(help.kind).toBe("help");
    if (help.kind === "help") expect(help.text).toContain("--no-torch");
    expect(parseBenchArgs(["--worker", '{"kind":"soak"}'])).toEqual({ kind: "worker", spec: '{"kind":"soak"}' });
  });
});
