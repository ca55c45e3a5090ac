#!/usr/bin/env node
/**
 * Builds aelab's optional native kernels (native/, N-API + CBLAS) at `npm install`, the way
 * tfjs-node is optional: where there is no compiler, no Node headers or no CBLAS, it prints one line
 * saying why and what aelab does instead (the wasm kernels), and the install still succeeds.
 *
 * Usage: node scripts/build-native.mjs [--quiet]   (AELAB_SKIP_NATIVE=1 skips the build)
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const nativeDir = path.join(root, "native");
const INSTALL_HINT = "Debian/Ubuntu: apt-get install libopenblas-dev; Fedora: dnf install openblas-devel";

function skip(reason) {
  console.log(`aelab: native kernels not built (${reason}); aelab will use the wasm kernels. ${INSTALL_HINT}, then npm run build:native`);
  process.exit(0);
}

if (process.env.AELAB_SKIP_NATIVE === "1") skip("AELAB_SKIP_NATIVE=1");
if (!existsSync(path.join(nativeDir, "binding.gyp"))) skip("native/binding.gyp is missing");

/** The folder holding cblas.h and the linker flags for the BLAS, or a reason there is none. */
function findBlas() {
  if (process.platform === "darwin") return { include: "", lib: "" }; // Accelerate ships with the OS.
  const pkg = spawnSync("pkg-config", ["--cflags", "--libs", "openblas"], { encoding: "utf8" });
  if (pkg.status === 0) {
    const flags = pkg.stdout.trim().split(/\s+/);
    const include = flags.find((f) => f.startsWith("-I"))?.slice(2);
    if (include && existsSync(path.join(include, "cblas.h"))) {
      const lib = flags.filter((f) => f.startsWith("-L") || f.startsWith("-l")).join(" ");
      return { include: include.replace(/\/$/, ""), lib };
    }
  }
  const candidates = [
    "/usr/include/x86_64-linux-gnu/openblas-pthread",
    "/usr/include/x86_64-linux-gnu/openblas-openmp",
    "/usr/include/aarch64-linux-gnu/openblas-pthread",
    "/usr/include/aarch64-linux-gnu/openblas-openmp",
    "/usr/include/openblas",
    "/usr/local/include",
    "/opt/homebrew/opt/openblas/include",
  ];
  for (const dir of candidates) {
    if (existsSync(path.join(dir, "cblas.h"))) return { include: dir, lib: "-lopenblas" };
  }
  return null;
}

/** npm passes its own node-gyp to install scripts; otherwise use the one bundled with npm. */
function findNodeGyp() {
  const fromNpm = process.env.npm_config_node_gyp;
  if (fromNpm && existsSync(fromNpm)) return fromNpm;
  const bundled = path.join(path.dirname(process.execPath), "..", "lib", "node_modules", "npm", "node_modules", "node-gyp", "bin", "node-gyp.js");
  if (existsSync(bundled)) return bundled;
  try {
    return createRequire(import.meta.url).resolve("node-gyp/bin/node-gyp.js");
  } catch {
    return null;
  }
}

const blas = findBlas();
if (!blas) skip("no CBLAS headers (cblas.h) found");
const nodeGyp = findNodeGyp();
if (!nodeGyp) skip("node-gyp not found");

// Node's own headers, where the Node install has them, so node-gyp needs no download.
const prefix = path.resolve(path.dirname(process.execPath), "..");
const nodedir = process.env.npm_config_nodedir || (existsSync(path.join(prefix, "include", "node", "node_api.h")) ? prefix : undefined);
const args = [
  nodeGyp,
  "rebuild",
  "--directory",
  nativeDir,
  ...(nodedir ? [`--nodedir=${nodedir}`] : []),
  "--",
  `-Dblas_include=${blas.include || "/usr/include"}`,
  `-Dblas_lib=${blas.lib || "-lopenblas"}`,
];
const quiet = process.argv.includes("--quiet");
const built = spawnSync(process.execPath, args, { cwd: nativeDir, encoding: "utf8", stdio: quiet ? "pipe" : "inherit" });
if (built.status !== 0) {
  const output = `${built.stdout ?? ""}${built.stderr ?? ""}`;
  const firstError = output
    .split("\n")
    .find((l) => /error|not found|No such file/i.test(l))
    ?.trim();
  skip(`node-gyp failed${firstError ? `: ${firstError}` : built.error ? `: ${built.error.message}` : ""}`);
}

// A build that links but cannot load (a missing libopenblas.so at run time) is no build.
const addonPath = path.join(nativeDir, "build", "Release", "aelab_kernels.node");
try {
  const addon = createRequire(import.meta.url)(addonPath);
  const info = addon.blasInfo();
  console.log(`aelab: native kernels built (${info.name} ${info.core} ${info.parallel}, ${addon.getThreads()} threads): ${path.relative(root, addonPath)}`);
} catch (err) {
  skip(`the built addon does not load: ${String(err.message ?? err).split("\n")[0]}`);
}
