import * as tf from "@tensorflow/tfjs";
import type { MatMulAttrs, MatMulInputs } from "../kernels/wasm/matmul-args.js";
import { ACTIVATIONS, type NativeAddon } from "./addon.js";
import { heapOf, offsetOf, type WasmInternals } from "./heap.js";

// The native BatchMatMul and _FusedMatMul (kernels/wasm/) as one BLAS sgemm (or a few) run in place on
// the wasm heap. Transposes are BLAS flags, so no operand is copied; bias and activation are applied in
// C on the output while it is still in cache.

/** What the C epilogue adds and applies; undefined bias: none. */
interface Epilogue {
  bias?: tf.TensorInfo;
  activation: string;
  alpha: number;
}

export const LINEAR: Epilogue = { activation: "linear", alpha: 0 };

const size = (shape: number[]): number => shape.reduce((n, d) => n * d, 1);

/**
 * One loop over the output's batch: `size` steps, each advancing a, b and c by these many matrices
 * (0: the operand is broadcast along it).
 */
interface BatchLoop {
  size: number;
  strideA: number;
  strideB: number;
  strideC: number;
}

/** Row-major strides, in elements, of a shape; a dimension of size 1 that is broadcast gets 0. */
function broadcastStrides(shape: number[], outShape: number[]): number[] {
  const strides = new Array<number>(shape.length);
  let step = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = shape[d] === 1 && outShape[d] !== 1 ? 0 : step;
    step *= shape[d];
  }
  return strides;
}

/**
 * The batch dimensions as loops, outermost first. Broadcasting follows the shapes (numpy rules, as
 * TensorFlow does). tfjs's cpu and wasm kernels index the smaller batch modulo its size instead, which
 * agrees with this when the batches are equal, one is 1, or the smaller is the larger's trailing
 * dimensions ([2,3]·[3]), and is wrong otherwise ([2,1]·[3]). tf.fused.matMul folds the batch to one
 * dimension first, so its products always agree.
 * Adjacent dimensions that step through memory evenly merge, so usually at most one loop remains:
 * that one is gemm's batch.
 */
function batchLoops(batchA: number[], batchB: number[], outBatch: number[]): BatchLoop[] {
  const rank = outBatch.length;
  const pad = (shape: number[]) => [...new Array<number>(rank - shape.length).fill(1), ...shape];
  const sA = broadcastStrides(pad(batchA), outBatch);
  const sB = broadcastStrides(pad(batchB), outBatch);
  const sC = broadcastStrides(outBatch, outBatch);
  const loops: BatchLoop[] = [];
  for (let d = 0; d < rank; d++) {
    if (outBatch[d] === 1) continue;
    const inner = { size: outBatch[d], strideA: sA[d], strideB: sB[d], strideC: sC[d] };
    const outer = loops[loops.length - 1];
    if (outer && outer.strideA === inner.strideA * inner.size && outer.strideB === inner.strideB * inner.size && outer.strideC === inner.strideC * inner.size) {
      loops[loops.length - 1] = { ...inner, size: outer.size * inner.size };
    } else {
      loops.push(inner);
    }
  }
  return loops;
}

/**
 * op(a)·op(b) with the epilogue, into a new output of the broadcast shape. The output is allocated
 * before the heap is read, since the allocation may grow (and so replace) the heap.
 */
export function nativeProduct(addon: NativeAddon, backend: WasmInternals, inputs: MatMulInputs, attrs: MatMulAttrs, epilogue: Epilogue): tf.TensorInfo {
  const { a, b } = inputs;
  const { transposeA, transposeB } = attrs;
  const [a0, a1] = a.shape.slice(-2);
  const [b0, b1] = b.shape.slice(-2);
  const [m, k] = transposeA ? [a1, a0] : [a0, a1];
  const [kB, n] = transposeB ? [b1, b0] : [b0, b1];
  if (k !== kB) {
    throw new Error(
      `Error in matMul: inner shapes (${k}) and (${kB}) of Tensors with shapes ${a.shape} and ${b.shape} and transposeA=${transposeA} and transposeB=${transposeB} must match.`,
    );
  }
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const outBatch = tf.broadcast_util.assertAndGetBroadcastShape(batchA, batchB);
  const loops = batchLoops(batchA, batchB, outBatch);

  // The innermost loop is gemm's batch. When b is shared along it and a is stored row after row,
  // that batch is one tall product: [B·M,K]·[K,N] runs faster than B products [M,K]·[K,N].
  let inner = loops.pop() ?? { size: 1, strideA: 0, strideB: 0, strideC: 0 };
  let rows = m;
  if (inner.size > 1 && inner.strideB === 0 && inner.strideA === 1 && !transposeA) {
    rows = m * inner.size;
    inner = { size: 1, strideA: 0, strideB: 0, strideC: 0 };
  }

  const out = backend.makeOutput([...outBatch, m, n], "float32");
  if (size(outBatch) === 0) return out; // an empty batch loop would otherwise still run once
  const heap = heapOf(backend);
  const [aBase, bBase, cBase] = [offsetOf(backend, a), offsetOf(backend, b), offsetOf(backend, out)];
  const biasOffset = epilogue.bias ? offsetOf(backend, epilogue.bias) : -1;
  const biasLength = epilogue.bias ? size(epilogue.bias.shape) : 0;
  const [bytesA, bytesB, bytesC] = [m * k * 4, k * n * 4, m * n * 4];
  const call = (aOffset: number, bOffset: number, cOffset: number) =>
    addon.gemm(
      heap,
      inner.size,
      rows,
      n,
      k,
      transposeA,
      transposeB,
      aOffset,
      bOffset,
      cOffset,
      inner.strideA * bytesA,
      inner.strideB * bytesB,
      inner.strideC * bytesC,
      biasOffset,
      biasLength,
      ACTIVATIONS[epilogue.activation],
      epilogue.alpha,
    );

  // Outer loops (only for batch shapes that broadcast in more than one place), odometer-style.
  const index = loops.map(() => 0);
  try {
    for (;;) {
      let [oa, ob, oc] = [aBase, bBase, cBase];
      loops.forEach((loop, d) => {
        oa += index[d] * loop.strideA * bytesA;
        ob += index[d] * loop.strideB * bytesB;
        oc += index[d] * loop.strideC * bytesC;
      });
      call(oa, ob, oc);
      let d = loops.length - 1;
      while (d >= 0 && ++index[d] === loops[d].size) index[d--] = 0;
      if (d < 0) return out;
    }
  } catch (err) {
    backend.disposeData(out.dataId); // the addon rejected an argument: the output would leak
    throw err;
  }
}

/** A bias the C epilogue can add: one value, or one per column ([N], [1,N], ...), not widening the output. */
export function biasFitsEpilogue(bias: tf.TensorInfo, n: number, outRank: number): boolean {
  const length = size(bias.shape);
  const last = bias.shape[bias.shape.length - 1];
  return bias.dtype === "float32" && bias.shape.length <= outRank && (length === 1 || (length === n && last === n));
}

export const isFloat32 = (inputs: MatMulInputs) => inputs.a.dtype === "float32" && inputs.b.dtype === "float32";

/** How the native matMul patches name themselves, e.g. "native sgemm (OpenBLAS)". */
export const sgemmLabel = (addon: NativeAddon) => `native sgemm (${addon.blasInfo().name})`;
