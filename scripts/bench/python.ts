import { fileURLToPath } from "node:url";
import { runChild } from "./spawn.js";

/** scripts/bench_torch.py, found from this file so the bench runs from any working directory. */
export const TORCH_SCRIPT = fileURLToPath(new URL("../bench_torch.py", import.meta.url));

/** Debian's PyTorch is for the system Python; a pyenv or venv python3 earlier on PATH may lack it. */
export const PYTHON_CANDIDATES = ["/usr/bin/python3", "python3"];

export type PythonFound = { ok: true; python: string; torch: string } | { ok: false; reason: string };

/** The first candidate that can `import torch`, or why none can (naming the package to install). */
export async function findTorchPython(candidates: readonly string[] = PYTHON_CANDIDATES): Promise<PythonFound> {
  const tried: string[] = [];
  for (const python of candidates) {
    try {
      const out = await runChild(python, ["-c", "import torch; print(torch.__version__)"], process.env);
      if (out.code === 0) return { ok: true, python, torch: out.stdout.trim() };
      tried.push(`${python}: ${out.stderr.trim().split("\n").at(-1) ?? `exit code ${out.code}`}`);
    } catch (err) {
      tried.push(`${python}: ${(err as NodeJS.ErrnoException).code === "ENOENT" ? "not found" : String(err)}`);
    }
  }
  return { ok: false, reason: `PyTorch is not importable (${tried.join("; ")}); install the Debian package python3-torch` };
}
