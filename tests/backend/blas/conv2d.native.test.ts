import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadAddon, type NativeAddon } from "../../../src/backend/blas/addon.js";
import { asWasm, heapOf } from "../../../src/backend/blas/heap.js";
import { selectBackend } from "../../../src/backend/index.js";
import { installedPatch, installPatch, restoreStock, type KernelPatch } from "../../../src/backend/kernel-patch.js";
import { nativeConv2dPatch } from "../../../src/backend/kernels/wasm/Conv2D.js";
import { nativeConv2dBackpropFilterPatch } from "../../../src/backend/kernels/wasm/Conv2DBackpropFilter.js";
import { nativeConv2dBackpropInputPatch } from "../../../src/backend/kernels/wasm/Conv2DBackpropInput.js";
import { nativeFusedConv2dPatch } from "../../../src/backend/kernels/wasm/FusedConv2D.js";
import { installPatches, restoreStockKernels } from "../../../src/backend/patches.js";
import { expectFlatOverSteps, expectWasmMatchesCpu, relativeError, runOn, TOLERANCE, values } from "../compare.js";

// The native conv kernels (native/src/conv.c via src/backend/blas/conv.ts) against the stock cpu
// backend. CI builds the addon, so its absence is a failure here, not a skip.

type Pad = "valid" | "same" | number | tf.backend_util.ExplicitPadding;
type Shape4 = [number, number, number, number];
interface Case {
  x: Shape4;
  filter: Shape4;
  strides: number | [number, number];
  pad: Pad;
  dimRoundingMode?: "floor" | "round" | "ceil";
}

const CASES: Case[] = [
  // The models' convs at a small batch: encoder/discriminator 3x3 s2 'same' (28 -> 14 -> 7 -> 4).
  { x: [2, 28, 28, 1], filter: [3, 3, 1, 8], strides: 2, pad: "same" },
  { x: [3, 14, 14, 8], filter: [3, 3, 8, 16], strides: 2, pad: "same" },
  { x: [2, 7, 7, 16], filter: [3, 3, 16, 12], strides: 2, pad: "same" },
  { x: [2, 9, 9, 3], filter: [3, 3, 3, 4], strides: 1, pad: "same" },
  { x: [1, 28, 28, 4], filter: [3, 3, 4, 2], strides: 1, pad: "same" },
  // Awkward ones.
  { x: [2, 9, 9, 3], filter: [3, 3, 3, 4], strides: 1, pad: "valid" },
  { x: [2, 9, 8, 3], filter: [3, 3, 3, 4], strides: 2, pad: "valid" },
  { x: [3, 10, 11, 2], filter: [5, 5, 2, 3], strides: 3, pad: "same" },
  { x: [3, 10, 11, 2], filter: [5, 5, 2, 3], strides: 3, pad: "valid" },
  { x: [3, 7, 9, 5], filter: [4, 2, 5, 6], strides: 3, pad: "same" }, // stride wider than the filter
  { x: [1, 7, 9, 5], filter: [4, 2, 5, 6], strides: 3, pad: "valid" },
  { x: [2, 8, 8, 4], filter: [1, 1, 4, 3], strides: 2, pad: "same" },
  { x: [2, 5, 7, 4], filter: [1, 1, 4, 3], strides: 1, pad: "valid" }, // the input is its own column matrix
  { x: [2, 12, 11, 3], filter: [5, 3, 3, 2], strides: [2, 1], pad: "same" },
  {
    x: [1, 6, 7, 2],
    filter: [3, 3, 2, 2],
    strides: 1,
    pad: [
      [0, 0],
      [1, 2],
      [2, 0],
      [0, 0],
    ],
  },
  {
    x: [1, 5, 5, 2],
    filter: [3, 3, 2, 2],
    strides: 2,
    pad: [
      [0, 0],
      [3, 3],
      [3, 3],
      [0, 0],
    ],
  }, // padding wider than the filter
  { x: [2, 11, 13, 3], filter: [3, 3, 3, 5], strides: 2, pad: 1, dimRoundingMode: "ceil" },
  { x: [1, 3, 3, 2], filter: [3, 3, 2, 3], strides: 1, pad: "valid" }, // a 1x1 output
];

const label = (c: Case) => `x[${c.x}] filter[${c.filter}] strides ${c.strides} pad ${JSON.stringify(c.pad)}${c.dimRoundingMode ? ` ${c.dimRoundingMode}` : ""}`;

const tensor4 = (shape: Shape4, seed: number) => tf.tensor4d(values(shape, seed), shape);
const conv = (x: tf.Tensor4D, w: tf.Tensor4D, c: Case) => tf.conv2d(x, w, c.strides, c.pad, "NHWC", 1, c.dimRoundingMode);

/** Conv2D's output, and through tf.grads of sum(conv · r) Conv2DBackpropInput (dx) and Conv2DBackpropFilter (dW). */
function convAndGrads(c: Case): () => tf.Tensor[] {
  return () => {
    const x = tensor4(c.x, 1);
    const w = tensor4(c.filter, 2);
    const y = conv(x, w, c);
    const r = tf.tensor(values(y.shape, 3), y.shape);
    const [dx, dw] = tf.grads((a, b) =>
      conv(a as tf.Tensor4D, b as tf.Tensor4D, c)
        .mul(r)
        .sum(),
    )([x, w]);
    return [y, dx, dw];
  };
}

/** The addon with its conv calls counted, to prove the native kernels (not a fallback) ran. */
function counting(addon: NativeAddon) {
  const calls = { conv2d: 0, conv2dBackpropInput: 0, conv2dBackpropFilter: 0 };
  const counted: NativeAddon = Object.create(addon);
  counted.conv2d = (...args) => {
    calls.conv2d++;
    return addon.conv2d(...args);
  };
  counted.conv2dBackpropInput = (...args) => {
    calls.conv2dBackpropInput++;
    return addon.conv2dBackpropInput(...args);
  };
  counted.conv2dBackpropFilter = (...args) => {
    calls.conv2dBackpropFilter++;
    return addon.conv2dBackpropFilter(...args);
  };
  return { counted, calls };
}

const load = loadAddon();
const NOT_BUILT = `the native conv kernels cannot be tested: ${load.ok ? "" : load.reason}`;
let calls: ReturnType<typeof counting>["calls"];
let patches: KernelPatch[] | undefined;

/** Runs `f`, then expects each native function to have been called (or not) meanwhile. */
async function expectNative<T>(f: () => Promise<T>, expected: Partial<Record<keyof typeof calls, boolean>>): Promise<T> {
  const before = { ...calls };
  const result = await f();
  for (const [name, called] of Object.entries(expected) as Array<[keyof typeof calls, boolean]>) {
    expect(calls[name] > before[name], `${name} called natively`).toBe(called);
  }
  return result;
}

/** Max relative error of each output of `f` on wasm against cpu; asserts each is within TOLERANCE. */
async function errorsAgainstCpu(f: () => tf.Tensor | tf.Tensor[]): Promise<number[]> {
  const expected = await runOn("cpu", f);
  const actual = await runOn("wasm", f);
  expect(actual.length).toBe(expected.length);
  const errors = actual.map((a, i) => relativeError(a, expected[i]));
  errors.forEach((e, i) => expect(e, `output ${i}`).toBeLessThan(TOLERANCE));
  return errors;
}

beforeAll(async () => {
  if (!load.ok) throw new Error(NOT_BUILT);
  await selectBackend("wasm");
  const counter = counting(load.addon);
  calls = counter.calls;
  patches = [nativeConv2dPatch, nativeFusedConv2dPatch, nativeConv2dBackpropInputPatch, nativeConv2dBackpropFilterPatch].map((patch) => patch(counter.counted));
  // Whether or not selectBackend already installed native conv patches, these (with the counting
  // addon) replace them: installPatch does nothing for a patch of the same name, so restore first.
  for (const p of patches) {
    restoreStock(p.kernelName, p.backendName);
    installPatch(p);
  }
  // The reference is cpu's own kernels, not aelab's weight-gradient shim.
  restoreStockKernels("cpu");
});

afterAll(() => {
  if (!patches) return; // beforeAll failed before changing any kernel
  for (const p of patches) restoreStock(p.kernelName, p.backendName);
  installPatches("wasm");
  installPatches("cpu");
});

describe("native conv addon", () => {
  it("is built and loads", () => {
    expect(load.ok, NOT_BUILT).toBe(true);
    expect(patches).toHaveLength(4);
    for (const p of patches ?? []) expect(installedPatch(p.kernelName, "wasm")).toBe(p.name);
  });
});

describe("native Conv2D, Conv2DBackpropInput and Conv2DBackpropFilter match stock cpu", () => {
  for (const c of CASES) {
    it(`${label(c)}: output, dx and dW`, async () => {
      await expectNative(() => errorsAgainstCpu(convAndGrads(c)), { conv2d: true, conv2dBackpropInput: true, conv2dBackpropFilter: true });
    });
  }

  it("a batch of 16 at the encoder's first two layers", async () => {
    await expectNative(
      () =>
        errorsAgainstCpu(() => [
          ...convAndGrads({ x: [16, 28, 28, 1], filter: [3, 3, 1, 32], strides: 2, pad: "same" })(),
          ...convAndGrads({ x: [16, 14, 14, 32], filter: [3, 3, 32, 64], strides: 2, pad: "same" })(),
        ]),
      { conv2d: true, conv2dBackpropInput: true, conv2dBackpropFilter: true },
    );
  });
});

describe("native conv on several threads", () => {
  // Big enough for the kernels to split the batch over threads (see conv_threads in native/src/conv.c):
  // a batch that is no multiple of the 8 parts, a batch under 8 with large images, and the 1x1 path.
  const BIG: Case[] = [
    { x: [13, 14, 14, 32], filter: [3, 3, 32, 24], strides: 1, pad: "same" },
    { x: [3, 28, 28, 32], filter: [3, 3, 32, 16], strides: 2, pad: "same" },
    { x: [20, 20, 20, 48], filter: [1, 1, 48, 40], strides: 1, pad: "valid" },
  ];

  /** The bits of every output with the BLAS (and so the conv kernels) on `threads` threads. */
  async function bitsWith(threads: number, f: () => tf.Tensor[]): Promise<number[][]> {
    if (!load.ok) throw new Error(NOT_BUILT);
    const before = load.addon.getThreads();
    load.addon.setThreads(threads);
    try {
      return (await runOn("wasm", f)).map((v) => Array.from(new Uint32Array(v.slice().buffer)));
    } finally {
      load.addon.setThreads(before);
    }
  }

  for (const c of BIG) {
    it(`${label(c)}: matches cpu, and gives the same bits on 1, 2 and 3 threads`, async () => {
      await expectNative(() => errorsAgainstCpu(convAndGrads(c)), { conv2d: true, conv2dBackpropInput: true, conv2dBackpropFilter: true });
      const one = await bitsWith(1, convAndGrads(c));
      expect(await bitsWith(2, convAndGrads(c))).toEqual(one);
      expect(await bitsWith(3, convAndGrads(c))).toEqual(one);
    });
  }
});

describe("native FusedConv2D matches stock cpu", () => {
  const x = () => tensor4([2, 7, 9, 5], 1);
  const w = () => tensor4([4, 2, 5, 6], 2);
  const bias = (shape: number[] = [6]) => tf.tensor(values(shape, 3), shape);
  type FusedArgs = Partial<Parameters<typeof tf.fused.conv2d>[0]>;
  // Arguments are made inside the run, so each backend makes its own tensors.
  const fused = (args: () => FusedArgs) => () => tf.fused.conv2d({ x: x(), filter: w(), strides: 3, pad: "same", ...args() });

  it.each<[string, () => FusedArgs]>([
    ["bias, relu", () => ({ bias: bias(), activation: "relu" })],
    ["bias, linear", () => ({ bias: bias(), activation: "linear" })],
    ["no bias, linear", () => ({})],
    ["no bias, relu", () => ({ activation: "relu" })],
    ["bias, relu6", () => ({ bias: bias(), activation: "relu6" })],
    ["scalar bias, relu", () => ({ bias: tf.scalar(0.25), activation: "relu" })],
  ])("%s: conv, bias and activation all native", async (_, args) => {
    const errors = await expectNative(() => errorsAgainstCpu(fused(args)), { conv2d: true });
    expect(errors).toHaveLength(1);
  });

  it.each<[string, () => FusedArgs]>([
    ["bias, elu", () => ({ bias: bias(), activation: "elu" })],
    ["bias, sigmoid", () => ({ bias: bias(), activation: "sigmoid" })],
    ["bias, leakyrelu 0.3", () => ({ bias: bias(), activation: "leakyrelu", leakyreluAlpha: 0.3 })],
    ["bias, prelu per channel", () => ({ bias: bias(), activation: "prelu", preluActivationWeights: bias() })],
    ["bias, prelu scalar", () => ({ bias: bias(), activation: "prelu", preluActivationWeights: tf.tensor1d([0.2]) })],
    ["a broadcast [3,3,6] bias, relu", () => ({ bias: bias([3, 3, 6]), activation: "relu" })],
  ])("%s: native conv, the rest on wasm kernels", async (_, args) => {
    await expectNative(() => errorsAgainstCpu(fused(args)), { conv2d: true });
  });

  it("the models' 3x3 stride-2 'same' conv with bias, through tf.grads (linear activation: the fused kernel stays)", async () => {
    const c: Case = { x: [3, 14, 14, 8], filter: [3, 3, 8, 16], strides: 2, pad: "same" };
    await expectNative(
      () =>
        errorsAgainstCpu(() => {
          const [xs, ws, bs] = [tensor4(c.x, 1), tensor4(c.filter, 2), tf.tensor1d(values([16], 3))];
          const f = (a: tf.Tensor, b: tf.Tensor, d: tf.Tensor) =>
            tf.fused.conv2d({ x: a as tf.Tensor4D, filter: b as tf.Tensor4D, strides: 2, pad: "same", bias: d });
          const y = f(xs, ws, bs);
          const r = tf.tensor(values(y.shape, 4), y.shape);
          return [y, ...tf.grads((a, b, d) => f(a, b, d).mul(r).sum())([xs, ws, bs])];
        }),
      { conv2d: true, conv2dBackpropInput: true, conv2dBackpropFilter: true },
    );
  });
});

describe("conv2dTranspose (Conv2DBackpropInput forward) on the native kernels", () => {
  // The decoder after its dense layer: 7x7x32 -> 14x14x16 (s2) -> 28x28x8 (s2) -> 28x28x1 (s1), and an awkward one.
  const LAYERS = [
    { filter: [3, 3, 16, 32], out: [2, 14, 14, 16], strides: 2, pad: "same" },
    { filter: [3, 3, 8, 16], out: [2, 28, 28, 8], strides: 2, pad: "same" },
    { filter: [3, 3, 1, 8], out: [2, 28, 28, 1], strides: 1, pad: "same" },
  ] as const;

  it("the decoder stack: forward, latent gradient and all three filter gradients", async () => {
    await expectNative(
      () =>
        errorsAgainstCpu(() => {
          const z = tensor4([2, 7, 7, 32], 1);
          const ws = LAYERS.map((l, i) => tensor4([...l.filter], 10 + i));
          const forward = (h: tf.Tensor4D, fs: tf.Tensor4D[]) =>
            LAYERS.reduce((a, l, i) => {
              const y = tf.conv2dTranspose(a, fs[i], [...l.out], l.strides, l.pad);
              return i < LAYERS.length - 1 ? tf.relu(y) : y;
            }, h);
          const out = forward(z, ws);
          const r = tf.tensor(values(out.shape, 2), out.shape);
          const grads = tf.grads((...args) => {
            const [h, ...fs] = args as tf.Tensor4D[];
            return forward(h, fs).mul(r).sum();
          });
          return [out, ...grads([z, ...ws])];
        }),
      { conv2d: true, conv2dBackpropInput: true, conv2dBackpropFilter: true },
    );
  });

  it("stride 3 with a 4x2 filter, 'valid', odd output size", async () => {
    await expectNative(() => errorsAgainstCpu(() => tf.conv2dTranspose(tensor4([3, 3, 4, 6], 1), tensor4([4, 2, 5, 6], 2), [3, 10, 11, 5], 3, "valid")), {
      conv2dBackpropInput: true,
    });
  });
});

describe("tf.layers conv2d and conv2dTranspose gradients", () => {
  /** A small encoder-decoder of the models' layer kinds, with the same seeded weights on each backend. */
  function gradients(): () => tf.Tensor[] {
    return () => {
      const init = (seed: number) => tf.initializers.randomUniform({ minval: -0.3, maxval: 0.3, seed });
      const layers = [
        tf.layers.conv2d({
          filters: 8,
          kernelSize: 3,
          strides: 2,
          padding: "same",
          kernelInitializer: init(1),
          biasInitializer: init(2),
          inputShape: [12, 12, 2],
        }),
        tf.layers.leakyReLU({ alpha: 0.2 }),
        tf.layers.conv2d({ filters: 6, kernelSize: 3, strides: 2, padding: "same", activation: "relu", kernelInitializer: init(3), biasInitializer: init(4) }),
        tf.layers.conv2dTranspose({
          filters: 5,
          kernelSize: 3,
          strides: 2,
          padding: "same",
          activation: "relu",
          kernelInitializer: init(5),
          biasInitializer: init(6),
        }),
        tf.layers.conv2dTranspose({ filters: 2, kernelSize: 3, strides: 2, padding: "same", kernelInitializer: init(7), biasInitializer: init(8) }),
      ];
      const model = tf.sequential({ layers });
      try {
        const x = tf.tensor4d(values([3, 12, 12, 2], 9), [3, 12, 12, 2]);
        const r = tf.tensor4d(values([3, 12, 12, 2], 10), [3, 12, 12, 2]);
        const { value, grads } = tf.variableGrads(
          () => (model.apply(x) as tf.Tensor).mul(r).sum() as tf.Scalar,
          model.trainableWeights.map((w) => w.read() as tf.Variable),
        );
        return [value, ...Object.values(grads)];
      } finally {
        model.dispose();
      }
    };
  }

  it("every weight's gradient equals cpu's", async () => {
    const errors = await expectNative(() => errorsAgainstCpu(gradients()), { conv2d: true, conv2dBackpropInput: true, conv2dBackpropFilter: true });
    expect(errors).toHaveLength(9);
  });
});

describe("what the native kernels leave to the wasm kernels", () => {
  it("a dilated conv runs on the wasm kernel and matches cpu", async () => {
    await expectNative(() => expectWasmMatchesCpu(() => tf.conv2d(tensor4([2, 9, 9, 3], 1), tensor4([3, 3, 3, 4], 2), 1, "same", "NHWC", 2)), {
      conv2d: false,
    });
  });

  it("NCHW is left to the wasm kernel, which rejects it as stock wasm does", async () => {
    await tf.setBackend("wasm");
    const nchw = () => tf.tidy(() => tf.conv2d(tensor4([2, 3, 9, 9], 1), tensor4([3, 3, 3, 4], 2), 2, "same", "NCHW"));
    await expectNative(async () => expect(nchw).toThrow(/does not support dataFormat/), { conv2d: false });
  });
});

describe("native conv memory", () => {
  it("neither tensors nor backend data accumulate over repeated calls", async () => {
    await tf.setBackend("wasm");
    const step = () =>
      tf
        .tidy(() => {
          const outs = convAndGrads(CASES[1])();
          const x = tensor4([2, 7, 9, 5], 1);
          const w = tensor4([4, 2, 5, 6], 2);
          const b = tf.tensor1d(values([6], 3));
          outs.push(tf.fused.conv2d({ x, filter: w, strides: 3, pad: "same", bias: b, activation: "relu" }));
          outs.push(tf.fused.conv2d({ x, filter: w, strides: 3, pad: "same", bias: b, activation: "leakyrelu", leakyreluAlpha: 0.1 }));
          outs.push(tf.fused.conv2d({ x, filter: w, strides: 3, pad: "same", bias: tf.tensor(values([3, 1, 6], 4), [3, 1, 6]), activation: "elu" }));
          outs.push(tf.conv2dTranspose(tensor4([2, 4, 4, 6], 5), w, [2, 10, 11, 5], 3, "same"));
          outs.push(tf.conv2d(x, w, 1, "same", "NHWC", 2));
          return tf.addN(outs.map((t) => t.sum()));
        })
        .dispose();
    expectFlatOverSteps(step);
  });
});

describe("native conv argument checks", () => {
  const geometry = Int32Array.of(1, 4, 4, 2, 4, 4, 3, 3, 3, 1, 1, 1, 1);
  const heap = () => {
    const h = heapOf(asWasm(tf.backend()));
    expect(h).toBeInstanceOf(Uint8Array);
    return h;
  };

  it("an offset outside the heap, a misaligned one or a bad geometry throws a JS error", async () => {
    await tf.setBackend("wasm");
    const h = heap();
    const end = h.length;
    expect(() => load.ok && load.addon.conv2d(h, geometry, end, 0, 0)).toThrow(/^conv2d: x \(xOffset\) lies outside the heap/);
    expect(() => load.ok && load.addon.conv2d(h, geometry, 0, 0, end - 8)).toThrow(/^conv2d: y \(yOffset\) lies outside the heap/);
    expect(() => load.ok && load.addon.conv2d(h, geometry, 2, 0, 0)).toThrow(/misaligned/);
    expect(() => load.ok && load.addon.conv2d(h, geometry, -4, 0, 0)).toThrow(/outside the heap/);
    expect(() => load.ok && load.addon.conv2dBackpropInput(h, geometry, 0, end, 0)).toThrow(
      /^conv2dBackpropInput: the filter \(filterOffset\) lies outside the heap/,
    );
    expect(() => load.ok && load.addon.conv2dBackpropFilter(h, geometry, 0, 0, end)).toThrow(/^conv2dBackpropFilter: dW \(dwOffset\) lies outside the heap/);
    expect(() => load.ok && load.addon.conv2d(h, geometry.subarray(0, 12), 0, 0, 0)).toThrow(/geometry/);
    expect(() => load.ok && load.addon.conv2d(h, Int32Array.of(1, 4, 4, 2, 4, 4, 3, 3, 3, 0, 1, 1, 1), 0, 0, 0)).toThrow(/stride/);
    expect(() => load.ok && load.addon.conv2d(h, new Float32Array(16) as unknown as Int32Array, 0, 0, 0)).toThrow(/Int32Array/);
    const huge = Int32Array.of(2 ** 30, 2 ** 30, 2 ** 30, 2, 4, 4, 3, 3, 3, 1, 1, 1, 1);
    expect(() => load.ok && load.addon.conv2d(h, huge, 0, 0, 0)).toThrow(/larger than any heap/);
    const badBias = Int32Array.of(...geometry, 0, 5, 0);
    expect(() => load.ok && load.addon.conv2d(h, badBias, 0, 0, 0)).toThrow(/bias length/);
  });
});
