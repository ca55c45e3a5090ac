import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { coreTypeAdvice, cpuFlags } from "../../../src/backend/blas/core-advice.js";

const AVX512 = new Set(["sse2", "avx2", "avx512f", "avx512bw"]);
const AVX2 = new Set(["sse2", "avx2"]);

describe("coreTypeAdvice", () => {
  it("names the variable, the kernels it forces and what it costs, where the CPU has AVX-512", () => {
    const advice = coreTypeAdvice("Haswell", { OPENBLAS_CORETYPE: "Haswell" }, AVX512);
    expect(advice).toMatch(/^OPENBLAS_CORETYPE=Haswell is set in this environment, so OpenBLAS runs its Haswell kernels on a CPU with AVX-512/);
    expect(advice).toMatch(/13 min 13 s as set, 8 min 54 s unset/);
    expect(advice).toMatch(/aelab leaves it as set/);
  });

  it("says nothing where nothing is forced, the CPU has no AVX-512, or the forced kernels use it", () => {
    expect(coreTypeAdvice("Haswell", {}, AVX512)).toBeUndefined();
    expect(coreTypeAdvice("Haswell", { OPENBLAS_CORETYPE: "Haswell" }, AVX2)).toBeUndefined();
    expect(coreTypeAdvice("Zen", { OPENBLAS_CORETYPE: "Zen" }, AVX2)).toBeUndefined();
    expect(coreTypeAdvice("SkylakeX", { OPENBLAS_CORETYPE: "SkylakeX" }, AVX512)).toBeUndefined();
    expect(coreTypeAdvice("Cooperlake", { OPENBLAS_CORETYPE: "cooperlake" }, AVX512)).toBeUndefined();
  });
});

describe("cpuFlags", () => {
  it("reads the flags line of a cpuinfo file, and is empty for a file it cannot read", () => {
    const file = join(mkdtempSync(join(tmpdir(), "aelab-cpuinfo-")), "cpuinfo");
    writeFileSync(file, "processor\t: 0\nmodel name\t: X\nflags\t\t: fpu sse2 avx2 avx512f\n\nprocessor\t: 1\nflags\t\t: fpu\n");
    expect([...cpuFlags(file)]).toEqual(["fpu", "sse2", "avx2", "avx512f"]);
    expect(cpuFlags(join(file, "missing")).size).toBe(0);
  });
});
