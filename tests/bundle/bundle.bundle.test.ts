import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadAddon } from "../../src/backend/blas/addon.js";
import { loggedScalars } from "../helpers/logged-scalars.js";

// `npm run bundle` as a user runs it, then the bundle as a user of an air-gapped node runs it: with no
// Node on the PATH (only the shell tools the launcher uses) and a fresh unpack folder.
const work = mkdtempSync(join(tmpdir(), "aelab-bundle-"));
const out = join(work, "bundle");
const tools = join(work, "tools");
const TOOLS = ["sh", "gzip", "tar", "mktemp", "mv", "mkdir", "rm", "chmod", "dirname"];
const MiB = 1024 * 1024;
let built: ReturnType<typeof spawnSync>;

function which(tool: string): string {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) if (existsSync(join(dir, tool))) return join(dir, tool);
  throw new Error(`${tool} is not on the PATH`);
}

/** stderr without Dawn's own "Warning: ..." lines, which it prints while probing a Vulkan driver (lavapipe's, in CI). */
const ownStderr = (text: string) =>
  text
    .split("\n")
    .filter((line) => line !== "" && !line.startsWith("Warning: "))
    .join("\n");

/** Runs the bundle's launcher with only the shell tools on the PATH and `home` as its unpack folder. */
function bundled(args: string[], home = join(work, "home"), launcher = join(out, "aelab")) {
  const env: Record<string, string> = { PATH: tools, HOME: home, CI: "true" };
  // The Vulkan driver setup (scripts/lavapipe.sh in CI, or a GPU's own) passes through, as on a real node.
  for (const key of ["VK_ICD_FILENAMES", "LD_LIBRARY_PATH", "XDG_RUNTIME_DIR"]) if (process.env[key]) env[key] = process.env[key] as string;
  return spawnSync(launcher, args, { env, encoding: "utf8", cwd: work, timeout: 300_000 });
}

function folderBytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .reduce((sum, e) => sum + statSync(join(e.parentPath, e.name)).size, 0);
}

beforeAll(() => {
  mkdirSync(tools);
  for (const tool of TOOLS) symlinkSync(which(tool), join(tools, tool));
  built = spawnSync(process.execPath, ["--import", "tsx", "scripts/bundle.ts", "--out", out], { encoding: "utf8", timeout: 600_000 });
}, 660_000);

describe("npm run bundle", () => {
  it("writes one folder of at most 60 MiB: the launcher, Node, the payload, the configs and a README", () => {
    expect(built.stderr).not.toMatch(/^bundle: (?!compiling|copying|fetching|compressing)/m);
    expect(built.status).toBe(0);
    expect(built.stdout).toMatch(/: \d+\.\d MiB \(limit 60 MiB\)/);
    expect(readdirSync(out).sort()).toEqual([
      "README.md",
      "aelab",
      "aelab.tar.br",
      "bench_torch.py",
      "configs",
      "experiments",
      "gpu-check.sh",
      "node.gz",
      "torch-jobs",
    ]);
    expect(readdirSync(join(out, "torch-jobs")).sort()).toEqual(["conv-vae-bce.json", "vae-bce.json", "vaegan-conv.json"]);
    expect(folderBytes(out)).toBeLessThanOrEqual(60 * MiB);
    expect(readFileSync(join(out, "README.md"), "utf8")).toMatch(/^# The offline bundle/);
  });

  it("runs aelab info with no Node on the PATH, with the native kernels wherever they are built here", () => {
    const info = bundled(["info"]);
    expect(ownStderr(info.stderr)).toBe("");
    expect(info.status).toBe(0);
    expect(info.stdout).toMatch(/^backend\s+wasm \(@tensorflow\/tfjs-backend-wasm\)$/m);
    expect(info.stdout).toMatch(new RegExp(`^versions .*node ${process.versions.node}$`, "m"));
    if (loadAddon().ok) expect(info.stdout).toMatch(/^kernels\s+native BLAS: OpenBLAS/m);
    else expect(info.stdout).toMatch(/^kernels\s+wasm/m);
    // The second run reuses the unpacked folder.
    expect(readdirSync(join(work, "home", ".cache", "aelab-bundle")).filter((f) => !f.startsWith("."))).toHaveLength(1);
    expect(bundled(["info"]).stdout).toBe(info.stdout);
  });

  it("trains a conv VAE from a shipped config and logs finite losses and PNG images to TensorBoard", () => {
    const logdir = join(work, "runs");
    const train = bundled([
      "train",
      join(out, "configs", "conv-vae-bce.yaml"),
      "--logdir",
      logdir,
      ...["--set", "train.epochs=1", "--set", "data.trainLimit=256", "--set", "data.testLimit=64"],
    ]);
    expect(ownStderr(train.stderr)).toBe("");
    expect(train.status).toBe(0);
    const dir = join(logdir, "conv-vae-bce");
    const scalars = loggedScalars(dir);
    const recon = [...scalars].filter(([key]) => key.startsWith("test/autoencoder/recon@"));
    expect(recon.length).toBeGreaterThan(0);
    for (const [, value] of recon) expect(Number.isFinite(value) && value > 0).toBe(true);
    const events = readFileSync(join(dir, readdirSync(dir).find((f) => f.includes("tfevents")) as string));
    expect(events.includes(Buffer.from([0x89, 0x50, 0x4e, 0x47]))).toBe(true);
  });

  it("runs an experiment's cells as child processes of the bundled Node", () => {
    const file = join(work, "tiny.yaml");
    writeFileSync(
      file,
      [
        "name: tiny",
        `base: ${join(out, "configs", "ae-mse.yaml")}`,
        "set: { train.epochs: 1, data.trainLimit: 128, data.testLimit: 32, log.images: 4 }",
        "axes:",
        "  seed: [1, 2]",
      ].join("\n"),
    );
    const run = bundled(["experiment", file, "--logdir", join(work, "experiments"), "--workers", "2", "--no-report"]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/2 cells: 2 completed/);
    const records = (readdirSync(join(work, "experiments", "tiny"), { recursive: true }) as string[]).filter((f) => f.endsWith("run.json"));
    expect(records.map((f) => JSON.parse(readFileSync(join(work, "experiments", "tiny", f), "utf8")).status)).toEqual(["completed", "completed"]);
  });

  it("runs the five-minute GPU check from the bundle folder, on the Vulkan driver set up here or saying there is none", () => {
    const reports = join(work, "gpu-check");
    const tools = join(work, "check-tools");
    mkdirSync(tools);
    // The check is a bash script using a few more tools than the launcher; still no Node, no npm.
    for (const tool of [...TOOLS, "bash", "awk", "sort", "tail", "tr", "grep", "cat", "date", "hostname", "basename"])
      symlinkSync(which(tool), join(tools, tool));
    const env: Record<string, string> = { PATH: tools, HOME: join(work, "home"), GPU_CHECK_IMAGES: "256" };
    for (const key of ["VK_ICD_FILENAMES", "LD_LIBRARY_PATH", "XDG_RUNTIME_DIR"]) if (process.env[key]) env[key] = process.env[key] as string;
    const check = spawnSync(join(out, "gpu-check.sh"), ["--quick", reports], { env, encoding: "utf8", timeout: 600_000 });
    const [report] = readdirSync(reports);
    const md = readFileSync(join(reports, report as string), "utf8");
    expect(md).toMatch(new RegExp(`^From the offline bundle ${out}; took \\d+ s\\.$`, "m"));
    for (const model of ["MLP VAE", "conv VAE", "conv VAE-GAN"])
      expect(md).toMatch(new RegExp(`^\\| ${model} \\| configs/\\S+ \\| (\\d+|not run) \\| \\d+ \\| \\S+ \\| not run \\| n/a \\|$`, "m"));
    // No PyTorch that sees a GPU here (the check also tries /usr/bin/python3): said, not failed.
    expect(md).toMatch(/^PyTorch on a GPU: not run \((no python3 here|\S+ cannot import torch|PyTorch \S+ \(\S+\) sees no CUDA device)\)\.$/m);
    if (process.env.VK_ICD_FILENAMES) {
      expect(check.stderr).toMatch(/every check passed/);
      expect(check.status).toBe(0);
      expect(md.match(/: \d+ scalars in both; .* the runs agree/g)).toHaveLength(2);
    } else {
      expect(check.status).toBe(1);
      expect(md).toMatch(/^not run: no adapter$/m);
    }
  }, 600_000);

  it("says in one line which file is corrupt, and leaves no half-unpacked folder", () => {
    const broken = join(work, "broken");
    spawnSync("cp", ["-r", out, broken]);
    writeFileSync(join(broken, "aelab.tar.br"), Buffer.from("not brotli"));
    const home = join(work, "home-broken");
    const run = bundled(["info"], home, join(broken, "aelab"));
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe(`aelab bundle: ${broken}/aelab.tar.br is corrupt; copy the bundle again`);
    expect(readdirSync(join(home, ".cache", "aelab-bundle"))).toEqual([]);
  });
});
