import { readFileSync } from "node:fs";

/** OpenBLAS's x86-64 kernel families that use AVX-512 (openblas_get_corename's names, lower-cased). */
const AVX512_CORES = new Set(["skylakex", "cooperlake", "sapphirerapids"]);

/** The CPU's feature flags from /proc/cpuinfo (Linux); empty where it cannot be read. */
export function cpuFlags(cpuinfo = "/proc/cpuinfo"): Set<string> {
  try {
    const line = readFileSync(cpuinfo, "utf8")
      .split("\n")
      .find((l) => l.startsWith("flags"));
    return new Set(
      line
        ? line
            .slice(line.indexOf(":") + 1)
            .trim()
            .split(/\s+/)
        : [],
    );
  } catch {
    return new Set();
  }
}

/**
 * One line when the environment makes OpenBLAS run slower kernels than the CPU supports: OPENBLAS_CORETYPE
 * set (some machines of this kind set it to Haswell for every process) on a CPU with AVX-512, so OpenBLAS
 * runs AVX2 kernels instead of its SkylakeX or Cooperlake ones. Undefined otherwise. aelab never changes the
 * variable: results differ in the last bit between the two kernel sets (docs/determinism.md), so which one a
 * study runs on is the user's choice, made knowingly.
 */
export function coreTypeAdvice(core: string, env: NodeJS.ProcessEnv = process.env, flags: ReadonlySet<string> = cpuFlags()): string | undefined {
  const forced = env.OPENBLAS_CORETYPE;
  if (!forced || !flags.has("avx512f") || AVX512_CORES.has(core.toLowerCase())) return undefined;
  return (
    `OPENBLAS_CORETYPE=${forced} is set in this environment, so OpenBLAS runs its ${core} kernels on a CPU with AVX-512, ` +
    `whose SkylakeX/Cooperlake kernels it would pick without it (measured on such a machine: npm run reproduce 13 min 13 s as set, ` +
    `8 min 54 s unset, about 1.5x); aelab leaves it as set: unset it for the job to run the faster kernels (the last bits of results differ: docs/determinism.md)`
  );
}
