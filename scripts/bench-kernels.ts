/**
 * Times the wasm kernels aelab replaces in one process: stock, aelab's wasm fixes ("patched") and,
 * when the native addon is given, its BLAS kernels ("native"). Each set is installed in turn for its
 * rows, and the set that was installed at the start is put back afterwards. Stock wasm has no
 * Conv2DBackpropFilter at all, so weight gradients have no stock rows (pass { cpu: true } to add the
 * cpu backend's own kernel for comparison; it takes seconds per call). The caller starts the wasm
 * backend (npm run bench -- --kernel-bench does, in a child process of its own).
 */
import * as tf from "@tensorflow/tfjs";
import { activeNativeKernels, installPatches, restoreStockKernels, type NativeAddon } from "../src/backend/index.js";
import { installedPatch } from "../src/backend/kernel-patch.js";

export type KernelVariant = "stock" | "patched" | "native";

export interface KernelTiming {
  kernel: string;
  shape: string;
  backend: string;
  variant: KernelVariant;
  gflops: number;
  /** Median wall time of one call, including reading the result back. */
  ms: number;
}

interface Case {
  kernel: string;
  /** The tfjs kernel it exercises; a backend without it gets no row. */
  kernelName: "BatchMatMul" | "_FusedMatMul" | "Conv2D" | "Conv2DBackpropFilter" | "Conv2DBackpropInput";
  shape: string;
  /** Useful multiply-adds × 2 (zeros inserted by a kernel are not counted). */
  flops: number;
  /** Makes the inputs once; returns the call to time. */
  setup(): { run: () => tf.Tensor; inputs: tf.Tensor[] };
}

const B = 128;
const uniform = (shape: number[], seed: number) => tf.randomUniform(shape, -1, 1, "float32", seed);

function matMulCase(label: string, transposeA: boolean, transposeB: boolean): Case {
  const [m, k, n] = [128, 784, 512];
  return {
    kernel: `matMul ${label}`,
    kernelName: "BatchMatMul",
    shape: `${m}x${k}x${n}`,
    flops: 2 * m * k * n,
    setup() {
      const a = uniform(transposeA ? [k, m] : [m, k], 1);
      const b = uniform(transposeB ? [n, k] : [k, n], 2);
      return { run: () => tf.matMul(a, b, transposeA, transposeB), inputs: [a, b] };
    },
  };
}

/** A dense layer's forward pass as tf.layers runs it: one fused matMul + bias + relu. */
function denseCase(): Case {
  const [m, k, n] = [128, 784, 512];
  return {
    kernel: "dense (fused matMul+bias+relu)",
    kernelName: "_FusedMatMul",
    shape: `${m}x${k}x${n}`,
    flops: 2 * m * k * n,
    setup() {
      const a = uniform([m, k], 7) as tf.Tensor2D;
      const b = uniform([k, n], 8) as tf.Tensor2D;
      const bias = uniform([n], 9);
      return { run: () => tf.fused.matMul({ a, b, bias, activation: "relu" }), inputs: [a, b, bias] };
    },
  };
}

/** Forward 3x3 'same' conv from x[B,h,w,ci] to co channels. */
function convCase([h, w, ci]: number[], co: number, stride: number): Case {
  const [oh, ow] = [Math.ceil(h / stride), Math.ceil(w / stride)];
  return {
    kernel: "conv2d (Conv2D)",
    kernelName: "Conv2D",
    shape: `${B}x${h}x${w}x${ci} -> ${oh}x${ow}x${co}, 3x3 s${stride}`,
    flops: 2 * B * oh * ow * 9 * ci * co,
    setup() {
      const x = uniform([B, h, w, ci], 10) as tf.Tensor4D;
      const filter = uniform([3, 3, ci, co], 11) as tf.Tensor4D;
      return { run: () => tf.conv2d(x, filter, stride, "same"), inputs: [x, filter] };
    },
  };
}

/** Weight gradient of a 3x3 'same' conv from x[B,h,w,ci] to co channels. */
function weightGradCase(kernel: string, [h, w, ci]: number[], co: number, stride: number): Case {
  const [oh, ow] = [Math.ceil(h / stride), Math.ceil(w / stride)];
  return {
    kernel,
    kernelName: "Conv2DBackpropFilter",
    shape: `x ${B}x${h}x${w}x${ci}, dy ${B}x${oh}x${ow}x${co}, 3x3 s${stride}`,
    flops: 2 * B * oh * ow * 9 * ci * co,
    setup() {
      const x = uniform([B, h, w, ci], 3);
      const dy = uniform([B, oh, ow, co], 4);
      const attrs = { strides: stride, pad: "same", dataFormat: "NHWC", filterShape: [3, 3, ci, co] };
      return { run: () => tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, attrs) as tf.Tensor, inputs: [x, dy] };
    },
  };
}

/** conv2dTranspose forward (the Conv2DBackpropInput kernel) with a 3x3 filter, 'same'. */
function transposeCase([h, w, ci]: number[], co: number, stride: number): Case {
  return {
    kernel: "conv2dTranspose (Conv2DBackpropInput)",
    kernelName: "Conv2DBackpropInput",
    shape: `${B}x${h}x${w}x${ci} -> ${h * stride}x${w * stride}x${co}, 3x3 s${stride}`,
    flops: 2 * B * h * w * 9 * ci * co,
    setup() {
      const x = uniform([B, h, w, ci], 5) as tf.Tensor4D;
      const filter = uniform([3, 3, co, ci], 6) as tf.Tensor4D;
      return { run: () => tf.conv2dTranspose(x, filter, [B, h * stride, w * stride, co], stride, "same"), inputs: [x, filter] };
    },
  };
}

// matMul: the MLP VAE's first layer and its two gradients. Convs: the TF CVAE tutorial
// (encoder 28x28x1 -> 14x14x32 -> 7x7x64; decoder 7x7x32 -> 14x14x64 -> 28x28x32 -> 28x28x1).
const CASES: Case[] = [
  matMulCase("plain", false, false),
  matMulCase("transposeA", true, false),
  matMulCase("transposeB", false, true),
  denseCase(),
  convCase([28, 28, 1], 32, 2),
  convCase([14, 14, 32], 64, 2),
  weightGradCase("conv2d dW (Conv2DBackpropFilter)", [28, 28, 1], 32, 2),
  weightGradCase("conv2d dW (Conv2DBackpropFilter)", [14, 14, 32], 64, 2),
  weightGradCase("conv2dTranspose dW (Conv2DBackpropFilter)", [28, 28, 32], 64, 2),
  transposeCase([7, 7, 32], 64, 2),
  transposeCase([14, 14, 64], 32, 2),
  transposeCase([28, 28, 32], 1, 1),
];

interface Budget {
  ms: number;
  minSamples: number;
  warmUp: boolean;
}

function time(run: () => tf.Tensor, budget: Budget): number {
  const once = () => {
    const start = performance.now();
    const out = run();
    out.dataSync();
    out.dispose();
    return performance.now() - start;
  };
  if (budget.warmUp) once(); // XNNPACK packs weights and the heap grows on first use
  const samples = [once()];
  while (samples.length < 20 && (samples.length < budget.minSamples || samples.reduce((a, b) => a + b, 0) < budget.ms)) samples.push(once());
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

function measure(c: Case, backend: string, variant: KernelVariant, budget: Budget): KernelTiming | null {
  if (!tf.getKernel(c.kernelName, backend)) return null;
  const { run, inputs } = c.setup();
  try {
    const ms = time(run, budget);
    return { kernel: c.kernel, shape: c.shape, backend, variant, ms, gflops: c.flops / (ms * 1e6) };
  } finally {
    tf.dispose(inputs);
  }
}

/**
 * Rows for every case: stock and patched wasm, and native when `native` (the loaded addon) is given.
 * Needs the wasm backend to be the active one.
 */
export async function benchKernels(options: { budgetMs?: number; cpu?: boolean; native?: NativeAddon | null } = {}): Promise<KernelTiming[]> {
  if (tf.getBackend() !== "wasm") throw new Error(`benchKernels: the wasm backend must be active (it is ${tf.getBackend()})`);
  const budget = { ms: options.budgetMs ?? 1000, minSamples: 3, warmUp: true };
  // The cpu backend's own weight gradient takes seconds per call: one call each, no warm-up.
  const cpuBudget = { ms: 0, minSamples: 1, warmUp: false };
  const installedAddon = activeNativeKernels();
  const cpuWasPatched = installedPatch("Conv2DBackpropFilter", "cpu") !== undefined;
  const rows: KernelTiming[] = [];
  try {
    for (const c of CASES) {
      restoreStockKernels("wasm");
      const stock = measure(c, "wasm", "stock", budget);
      installPatches("wasm");
      const patched = measure(c, "wasm", "patched", budget);
      let native: KernelTiming | null = null;
      if (options.native) {
        installPatches("wasm", options.native);
        native = measure(c, "wasm", "native", budget);
      }
      for (const row of [stock, patched, native]) if (row) rows.push(row);
    }
    if (options.cpu) {
      await tf.setBackend("cpu");
      for (const c of CASES.filter((x) => x.kernel.startsWith("conv2d dW"))) {
        restoreStockKernels("cpu");
        const stock = measure(c, "cpu", "stock", cpuBudget);
        installPatches("cpu");
        const patched = measure(c, "cpu", "patched", cpuBudget);
        for (const row of [stock, patched]) if (row) rows.push(row);
      }
    }
  } finally {
    if (tf.getBackend() !== "wasm") await tf.setBackend("wasm");
    restoreStockKernels("wasm");
    installPatches("wasm", installedAddon);
    if (cpuWasPatched) installPatches("cpu");
    else restoreStockKernels("cpu");
  }
  return rows;
}
