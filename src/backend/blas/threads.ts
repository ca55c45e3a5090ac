import { availableParallelism } from "node:os";

/**
 * BLAS threads for this process: AELAB_THREADS when set (aelab experiment gives each worker its
 * share of the cores), else every core. Never more than the cores: OpenMP and pthread BLAS builds
 * spin while waiting, and oversubscribed cores measured 2x slower (shared/research/engine-spike.md).
 */
export function blasThreads(env: NodeJS.ProcessEnv = process.env, cores = availableParallelism()): number {
  const requested = Number.parseInt(env.AELAB_THREADS ?? "", 10);
  if (Number.isInteger(requested) && requested >= 1) return Math.min(requested, cores);
  return cores;
}

/**
 * The environment for one of `workers` child processes sharing this machine: each gets
 * floor(cores / workers) BLAS threads (at least 1). OMP_NUM_THREADS too, because an OpenMP OpenBLAS
 * sizes its pool from it and ignores OPENBLAS_NUM_THREADS. A smaller AELAB_THREADS in `env` is kept.
 */
export function workerThreadEnv(workers: number, cores = availableParallelism(), env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const share = Math.max(1, Math.floor(cores / Math.max(1, workers)));
  // A smaller --threads / AELAB_THREADS given by the user still counts.
  const threads = String(Math.min(share, blasThreads(env, cores)));
  return { AELAB_THREADS: threads, OMP_NUM_THREADS: threads };
}
