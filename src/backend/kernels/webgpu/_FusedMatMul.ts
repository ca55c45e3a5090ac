import { deterministicMatMulPatch } from "./deterministic-matmul.js";

export const webgpuFusedMatMulPatch = deterministicMatMulPatch("_FusedMatMul");
