import * as tf from "@tensorflow/tfjs";
import type { KernelCalls } from "../../kernel-calls.js";
import type { MatMulAttrs, MatMulInputs } from "./matmul-args.js";

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
export function untransposed(k: KernelCalls, inputs: MatMulInputs, attrs: MatMulAttrs) {
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
