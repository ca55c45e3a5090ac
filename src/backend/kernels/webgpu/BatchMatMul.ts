import { deterministicMatMulPatch } from "./deterministic-matmul.js";

export const webgpuBatchMatMulPatch = deterministicMatMulPatch("BatchMatMul");
