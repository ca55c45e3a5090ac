import * as tf from "@tensorflow/tfjs";
import { patchKernel, type KernelPatch } from "../../kernel-patch.js";

// For a matMul with a long inner dimension and a small output (one batch, K >= 2000, few 32x32 tiles),
// tfjs-backend-webgpu picks MatMulSplitKProgram: the K range is split across workgroups whose partial
// sums are added into the output with an atomic compare-exchange loop, in whatever order the GPU
// finishes them. Float addition is not associative, so the same seed gives different losses from run
// to run in the last bits (a conv encoder's dense head, 3136 -> 40, does this). aelab promises the
// same losses for the same config and backend, so such a call runs as MatMulReduceProgram (which tfjs
// picks for outputs of up to 128 elements): one workgroup per output element sums its K products as a
// tree in shared memory, in a fixed order. Measured for 32x3136 by 3136x20 on lavapipe, relative L2
// error against float64: 1.1e-7 (split-K 2.1e-7; the tiled programs, which sum K in one sequence, 9.5e-7).
// The split-K shapes have at most 8 tiles of 32x32 outputs, so one workgroup per element stays cheap.
// Only that case changes; every other shape gets the program tfjs would choose.

const FLAG = "WEBGPU_MATMUL_PROGRAM_TYPE";
/** MatMulProgramType in tfjs-backend-webgpu's webgpu_util.ts. */
const REDUCE_PROGRAM = 0;
/** tfjs's condition for split-K: batch 1 and an inner dimension of at least this. */
const SPLIT_K_MIN_INNER = 2000;

interface WebgpuInternals {
  thresholdToIncreaseWorkgroups: number;
}

/** Whether tfjs would pick the split-K (atomic) program for this matMul; mirrors batchMatMulImpl's choice. */
export function wouldSplitK(a: tf.TensorInfo, b: tf.TensorInfo, transposeA: boolean, transposeB: boolean, threshold: number): boolean {
  const ra = a.shape.length;
  const rb = b.shape.length;
  const inner = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const outerA = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const outerB = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  const batch = Math.max(tf.util.sizeFromShape(a.shape.slice(0, -2)), tf.util.sizeFromShape(b.shape.slice(0, -2)));
  const tiles = batch * Math.ceil(outerA / 32) * Math.ceil(outerB / 32);
  const fewWorkgroups = tiles <= threshold || (outerA <= 8 && tiles <= threshold * 2);
  return fewWorkgroups && batch * outerA * outerB > 128 && batch === 1 && inner >= SPLIT_K_MIN_INNER;
}

/** BatchMatMul or _FusedMatMul on webgpu without the split-K program. */
export function deterministicMatMulPatch(kernelName: "BatchMatMul" | "_FusedMatMul"): KernelPatch {
  return patchKernel<{ a: tf.TensorInfo; b: tf.TensorInfo }, { transposeA: boolean; transposeB: boolean }>({
    name: `${kernelName}: no split-K (its atomic float adds make results vary run to run)`,
    kernelName,
    backendName: "webgpu",
    make:
      (stock) =>
      ({ inputs, attrs, backend, args }) => {
        const env = tf.env();
        // A program chosen by the user (the flag set) is left alone.
        if (env.getNumber(FLAG) >= 0) return stock.kernelFunc(args);
        const { a, b } = inputs;
        const { transposeA, transposeB } = attrs;
        const flagThreshold = env.getNumber("WEBGPU_THRESHOLD_TO_INCREASE_WORKGROUPS_FOR_MATMUL");
        const threshold = flagThreshold > 0 ? flagThreshold : (backend as unknown as WebgpuInternals).thresholdToIncreaseWorkgroups;
        if (!wouldSplitK(a, b, transposeA, transposeB, threshold)) return stock.kernelFunc(args);
        env.set(FLAG, REDUCE_PROGRAM);
        try {
          return stock.kernelFunc(args);
        } finally {
          env.set(FLAG, -1);
        }
      },
  });
}
