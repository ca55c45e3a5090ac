import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

/**
 * Debian ships OpenBLAS built with pthreads and with OpenMP (libopenblas0-pthread / -openmp, chosen by
 * update-alternatives; pthreads wins by priority). PyTorch runs its own OpenMP threads beside its BLAS,
 * and next to a pthreads OpenBLAS the two pools oversubscribe the cores: measured here, PyTorch's MLP
 * VAE at 2 threads ran 5,264 images/s with the pthreads build and 17,492 with the OpenMP one (1 thread:
 * 10,809). So the bench gives every child process, aelab's and PyTorch's alike, the OpenMP build
 * where it is installed: both sides run the same library.
 */
export function openmpOpenblasDir(root = "/usr/lib"): string | undefined {
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    const dir = join(root, entry, "openblas-openmp");
    if (existsSync(join(dir, "libopenblas.so.0"))) return dir;
  }
  return undefined;
}

/** `env` with the OpenMP OpenBLAS first on the library path, and what was done, for the report. */
export function withOpenmpOpenblas(env: NodeJS.ProcessEnv, dir = openmpOpenblasDir()): { env: NodeJS.ProcessEnv; note: string } {
  if (!dir) return { env, note: "the system's default OpenBLAS (no OpenMP build found in /usr/lib/*/openblas-openmp)" };
  const path = env.LD_LIBRARY_PATH ? `${dir}:${env.LD_LIBRARY_PATH}` : dir;
  return { env: { ...env, LD_LIBRARY_PATH: path }, note: `the OpenMP build of OpenBLAS (${dir}, via LD_LIBRARY_PATH) for every timed process` };
}
