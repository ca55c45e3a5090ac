import * as tf from "@tensorflow/tfjs";
import { KernelCalls } from "./kernel-calls.js";
import type { KernelPatch } from "./kernel-patch.js";
import { addBiasAndActivate, type MatMulAttrs, type MatMulInputs } from "./matmul-args.js";

// The wasm backend runs a matMul through XNNPACK only when neither input is transposed and both have
// batch 1 (tfjs-backend-wasm/src/cc/batch_mat_mul_impl.cc); everything else falls to a scalar loop
// that is 10-50x slower (0.4-2.3 vs 22-29 GFLOP/s, shared/research/tfjs-feasibility.md). Every matMul
// gradient sets a transpose flag. Transposing explicitly first costs one copy and gets XNNPACK back.
// The scalar loop also gets a fused bias wrong (relative error 0.5-0.9 against cpu, measured for a
// transposed and for a batched product), so a bias is only left to the stock kernel on the XNNPACK path.

const size = (shape: number[]): number => shape.reduce((n, d) => n * d, 1);

function swapLastTwo(rank: number): number[] {
  const perm = [...Array(rank).keys()];
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
  return perm;
}

/**
 * Both operands untransposed, and the batch folded into the rows of `a` when `b` is shared by the
 * whole batch ([B,M,K]·[K,N] is one [B·M,K]·[K,N] product), so that XNNPACK gets it.
 */
function prepare(k: KernelCalls, inputs: MatMulInputs, attrs: MatMulAttrs) {
  let a = attrs.transposeA ? k.temp("Transpose", { x: inputs.a }, { perm: swapLastTwo(inputs.a.shape.length) }) : inputs.a;
  let b = attrs.transposeB ? k.temp("Transpose", { x: inputs.b }, { perm: swapLastTwo(inputs.b.shape.length) }) : inputs.b;
  const [m, kDim] = a.shape.slice(-2);
  const n = b.shape[b.shape.length - 1];
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const outShape = [...tf.broadcast_util.assertAndGetBroadcastShape(batchA, batchB), m, n];
  let batch = Math.max(size(batchA), size(batchB));
  if (size(batchB) === 1 && size(batchA) > 1) {
    a = k.reshape(a, [1, size(batchA) * m, kDim]);
    b = k.reshape(b, [1, kDim, n]);
    batch = 1;
  }
  return { a, b, outShape, batch, n };
}

export const wasmBatchMatMulPatch: KernelPatch = {
  name: "BatchMatMul: explicit transpose (XNNPACK)",
  kernelName: "BatchMatMul",
  backendName: "wasm",
  make(stock) {
    if (!stock) throw new Error("wasm backend has no BatchMatMul kernel to patch");
    return ({ inputs, backend, attrs }) => {
      const k = new KernelCalls(backend as tf.KernelBackend, "wasm");
      try {
        const { a, b, outShape } = prepare(k, inputs as unknown as MatMulInputs, attrs as unknown as MatMulAttrs);
        const out = k.run("BatchMatMul", { a, b }, { transposeA: false, transposeB: false });
        return { ...out, shape: outShape };
      } finally {
        k.free();
      }
    };
  },
};

export const wasmFusedMatMulPatch: KernelPatch = {
  name: "_FusedMatMul: explicit transpose (XNNPACK)",
  kernelName: "_FusedMatMul",
  backendName: "wasm",
  make(stock) {
    if (!stock) throw new Error("wasm backend has no _FusedMatMul kernel to patch");
    return ({ inputs, backend, attrs }) => {
      const mmInputs = inputs as unknown as MatMulInputs;
      const mmAttrs = attrs as unknown as MatMulAttrs;
      const k = new KernelCalls(backend as tf.KernelBackend, "wasm");
      try {
        const { a, b, outShape, batch, n } = prepare(k, mmInputs, mmAttrs);
        const plainAttrs = { ...attrs, transposeA: false, transposeB: false };
        const bias = mmInputs.bias;
        // XNNPACK adds a bias of exactly [N] correctly; anything else goes through separate kernels.
        if (bias === undefined || (batch === 1 && bias.shape.length === 1 && bias.shape[0] === n)) {
          const out = k.run("_FusedMatMul", { ...mmInputs, a, b }, plainAttrs);
          return { ...out, shape: outShape };
        }
        const product = k.temp("_FusedMatMul", { a, b }, { ...plainAttrs, activation: "linear" });
        const shaped = k.reshape(product, outShape);
        return addBiasAndActivate(k, shaped, bias, mmInputs, mmAttrs);
      } finally {
        k.free();
      }
    };
  },
};
