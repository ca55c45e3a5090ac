import type { OpenblasEnv } from "./args.js";

/**
 * OpenBLAS settings some of these machines export: they slow current OpenBLAS down, and both aelab's
 * native kernels and PyTorch (through its BLAS) read them, so each pass gives both sides the same ones.
 */
export const OPENBLAS_VARIABLES = ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"] as const;

export interface EnvPass {
  /** e.g. "environment as is (OPENBLAS_CORETYPE=Haswell, OPENBLAS_L2_SIZE unset)". */
  label: string;
  short: string;
  /** The environment of this pass's child processes (the bench's own is never changed). */
  env: NodeJS.ProcessEnv;
}

export function describeOpenblasEnv(env: NodeJS.ProcessEnv): string {
  return OPENBLAS_VARIABLES.map((name) => (env[name] === undefined ? `${name} unset` : `${name}=${env[name]}`)).join(", ");
}

/**
 * The passes to run. When neither variable is set, "as is" and "unset" are the same environment, so
 * the second pass is skipped and `skipped` says so.
 */
export function envPasses(choice: OpenblasEnv, env: NodeJS.ProcessEnv = process.env): { passes: EnvPass[]; skipped?: string } {
  const unset = { ...env };
  for (const name of OPENBLAS_VARIABLES) delete unset[name];
  const asIs: EnvPass = { label: `environment as is (${describeOpenblasEnv(env)})`, short: "as is", env: { ...env } };
  const cleared: EnvPass = { label: `${OPENBLAS_VARIABLES.join(" and ")} unset`, short: "unset", env: unset };
  const anySet = OPENBLAS_VARIABLES.some((name) => env[name] !== undefined);
  if (choice === "as-is") return { passes: [asIs] };
  if (choice === "unset") return { passes: [cleared] };
  if (!anySet)
    return { passes: [asIs], skipped: `neither ${OPENBLAS_VARIABLES.join(" nor ")} is set, so a pass with both unset would repeat this one and was skipped` };
  return { passes: [asIs, cleared] };
}
