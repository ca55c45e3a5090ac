import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadAddon, type NativeAddon } from "../../../src/backend/blas/addon.js";
import { asWasm, heapOf } from "../../../src/backend/blas/heap.js";
import { selectBackend } from "../../../src/backend/index.js";
import { installedPatch, installPatch, restoreStock, stockKernel, type KernelPatch } from "../../../src/backend/kernel-patch.js";
import { nativeBatchMatMulPatch } from "../../../src/backend/kernels/wasm/BatchMatMul.js";
import { nativeFusedMatMulPatch } from "../../../src/backend/kernels/wasm/_FusedMatMul.js";
import { installPatches } from "../../../src/backend/patches.js";
import { expectNoLeak, MATMUL_SHAPES, matMulOperands as operands, relativeError, seededTensor, TOLERANCE, TRANSPOSE_FLAGS as FLAGS } from "../compare.js";

// CI always builds the addon, so its absence fails these tests rather than skipping them.
function theAddon(): NativeAddon {
  const loaded = loadAddon();
  if (!loaded.ok) throw new Error(`the native matMul tests need the addon: ${loaded.reason}`);
  return loaded.addon;
}

let patches: KernelPatch[] = [];

beforeAll(async () => {
  const addon = theAddon();
  await selectBackend("wasm");
  // selectBackend may have installed these already (then this does nothing).
  patches = [nativeBatchMatMulPatch(addon), nativeFusedMatMulPatch(addon)];
  for (const patch of patches) installPatch(patch);
  for (const patch of patches) expect(installedPatch(patch.kernelName, "wasm")).toBe(patch.name);
  expect(patches.map((p) => p.kernelName).sort()).toEqual(["BatchMatMul", "_FusedMatMul"]);
});

afterAll(() => {
  for (const patch of patches) restoreStock(patch.kernelName, patch.backendName);
  installPatches("wasm");
});

const t = seededTensor;

interface Result {
  shape: number[];
  values: Float32Array;
}

async function resultsOn(backend: "cpu" | "wasm", f: () => tf.Tensor | tf.Tensor[]): Promise<Result[]> {
  await tf.setBackend(backend);
  const out = tf.tidy(f);
  const list = Array.isArray(out) ? out : [out];
  const read = list.map((x) => ({ shape: x.shape, values: x.dataSync() as Float32Array }));
  tf.dispose(list);
  return read;
}

/** Same shapes as on cpu (running `reference` there), and values within TOLERANCE of cpu's. */
async function expectMatchesCpu(f: () => tf.Tensor | tf.Tensor[], reference: () => tf.Tensor | tf.Tensor[] = f): Promise<void> {
  const expected = await resultsOn("cpu", reference);
  const actual = await resultsOn("wasm", f);
  expect(actual.map((r) => r.shape)).toEqual(expected.map((r) => r.shape));
  actual.forEach((r, i) => expect(relativeError(r.values, expected[i].values), `output ${i}`).toBeLessThan(TOLERANCE));
}

describe("native matMul kernels", () => {
  it("are what tf.matMul and tf.fused.matMul run on wasm", async () => {
    await tf.setBackend("wasm");
    const addon = theAddon();
    const gemm = addon.gemm;
    let calls = 0;
    addon.gemm = (...args) => {
      calls++;
      gemm(...args);
    };
    try {
      const out = tf.tidy(() => [
        tf.matMul(t([5, 7], 1), t([4, 7], 2), false, true),
        tf.fused.matMul({ a: t([5, 7], 1), b: t([7, 4], 2), bias: t([4], 3), activation: "relu" }),
      ]);
      tf.dispose(out);
    } finally {
      addon.gemm = gemm;
    }
    expect(calls).toBe(2);
  });
});

describe("native BatchMatMul", () => {
  // [m, k, n, batchA, batchB]: plain, odd sizes, per-batch b, b broadcast (also with explicit batch
  // 1), a broadcast, then the MLP VAE's products (784-512-256-20, batch 128) and their gradients.
  const shapes: Array<[number, number, number, number[], number[]]> = [...MATMUL_SHAPES, [5, 7, 4, [2, 3], [3]]];
  for (const [m, k, n, batchA, batchB] of shapes) {
    for (const [tA, tB] of FLAGS) {
      it(`[${batchA}|${m}x${k}]·[${batchB}|${k}x${n}] transposeA=${tA} transposeB=${tB} matches cpu`, async () => {
        const { a, b } = operands(m, k, n, batchA, batchB, tA, tB);
        await expectMatchesCpu(() => tf.matMul(a(), b(), tA, tB));
      });
    }
  }

  const vae: Array<[string, number, number, number, boolean, boolean]> = [
    ["encoder forward 128x784·784x512", 128, 784, 512, false, false],
    ["weight gradient 784x128ᵀ·128x512", 784, 128, 512, true, false],
    ["input gradient 128x512·784x512ᵀ", 128, 512, 784, false, true],
    ["latent forward 128x256·256x20", 128, 256, 20, false, false],
    ["decoder forward K=20 128x20·20x256", 128, 20, 256, false, false],
    ["latent weight gradient 256x128ᵀ·128x20", 256, 128, 20, true, false],
    ["latent input gradient K=20 128x20·256x20ᵀ", 128, 20, 256, false, true],
  ];
  for (const [name, m, k, n, tA, tB] of vae) {
    it(`MLP VAE ${name} matches cpu`, async () => {
      const { a, b } = operands(m, k, n, [], [], tA, tB);
      await expectMatchesCpu(() => tf.matMul(a(), b(), tA, tB));
    });
  }

  // tfjs's cpu kernel indexes the smaller batch modulo its size, which is wrong for these; the
  // reference multiplies operands broadcast explicitly to the output's batch.
  for (const [batchA, batchB, out] of [
    [[2, 1], [3], [2, 3]],
    [
      [2, 3],
      [2, 1],
      [2, 3],
    ],
  ]) {
    it(`broadcasts batch [${batchA}] against [${batchB}] in every dimension`, async () => {
      const { a, b } = operands(5, 7, 4, batchA, batchB, false, true);
      await expectMatchesCpu(
        () => tf.matMul(a(), b(), false, true),
        () => tf.matMul(a().broadcastTo([...out, 5, 7]), b().broadcastTo([...out, 4, 7]), false, true),
      );
    });
  }

  it("gives the gradients of a matMul (which set the transpose flags) as cpu does", async () => {
    const { a, b } = operands(9, 13, 6, [], [], false, false);
    await expectMatchesCpu(() =>
      tf.grads((x: tf.Tensor, y: tf.Tensor) =>
        tf
          .matMul(x, y)
          .mul(t([9, 6], 3))
          .sum(),
      )([a(), b()]),
    );
  });

  it("gives zeros, plus bias, for an empty inner dimension", async () => {
    await expectMatchesCpu(() => [
      tf.matMul(tf.zeros([3, 0]), tf.zeros([0, 4])),
      tf.fused.matMul({ a: tf.zeros([3, 0]), b: tf.zeros([0, 4]), bias: t([4], 3), activation: "sigmoid" }),
    ]);
  });

  // tfjs's cpu kernel returns a batch of NaN here (it runs max(0, 1) batches), so only shape and size are checked.
  it("gives an empty output for an empty batch", async () => {
    await tf.setBackend("wasm");
    const out = tf.tidy(() => [tf.matMul(tf.zeros([0, 3, 5]), tf.zeros([5, 4])), tf.matMul(tf.zeros([2, 0, 3, 5]), tf.zeros([2, 1, 5, 4]))]);
    expect(out.map((x) => [x.shape, x.dataSync().length])).toEqual([
      [[0, 3, 4], 0],
      [[2, 0, 3, 4], 0],
    ]);
    tf.dispose(out);
  });

  it("leaves other dtypes to the stock kernel", async () => {
    await tf.setBackend("wasm");
    const a = tf.tensor2d([1, 2, 3, 4], [2, 2], "int32");
    expect(() => tf.engine().runKernel("BatchMatMul", { a, b: a }, { transposeA: false, transposeB: false })).toThrow("non-float32");
    a.dispose();
  });
});

describe("native BatchMatMul batching", () => {
  /** The BatchMatMul kernel over an addon that records gemm's batch and row count per call. */
  function recordingKernel(): { kernel: tf.KernelFunc; calls: Array<[number, number]> } {
    const addon = theAddon();
    const calls: Array<[number, number]> = [];
    const recording: NativeAddon = {
      ...addon,
      gemm: (...args: Parameters<NativeAddon["gemm"]>) => {
        calls.push([args[1], args[2]]);
        addon.gemm(...args);
      },
    };
    const patch = nativeBatchMatMulPatch(recording);
    return { kernel: patch.make(stockKernel("BatchMatMul", "wasm")), calls };
  }

  async function callsFor(aShape: number[], bShape: number[], transposeA: boolean, transposeB: boolean) {
    await tf.setBackend("wasm");
    const { kernel, calls } = recordingKernel();
    const [a, b] = [t(aShape, 1), t(bShape, 2)];
    const out = kernel({ inputs: { a, b }, backend: tf.backend(), attrs: { transposeA, transposeB } }) as tf.TensorInfo;
    tf.backend().disposeData(out.dataId);
    tf.dispose([a, b]);
    return { calls, shape: out.shape };
  }

  it("folds a's batch into the rows when b is shared: one [B·M,K]·[K,N] product", async () => {
    expect(await callsFor([2, 3, 5, 7], [7, 4], false, false)).toEqual({ calls: [[1, 30]], shape: [2, 3, 5, 4] });
    expect(await callsFor([3, 5, 7], [1, 4, 7], false, true)).toEqual({ calls: [[1, 15]], shape: [3, 5, 4] });
  });

  it("runs one batched gemm when a is transposed or b differs per batch", async () => {
    expect(await callsFor([3, 7, 5], [7, 4], true, false)).toEqual({ calls: [[3, 5]], shape: [3, 5, 4] });
    expect(await callsFor([2, 3, 5, 7], [2, 3, 7, 4], false, false)).toEqual({ calls: [[6, 5]], shape: [2, 3, 5, 4] });
    expect(await callsFor([5, 7], [2, 3, 7, 4], false, false)).toEqual({ calls: [[6, 5]], shape: [2, 3, 5, 4] });
  });

  it("loops over an outer batch dimension that cannot merge with the inner one", async () => {
    expect(await callsFor([2, 1, 5, 7], [3, 7, 4], false, false)).toEqual({
      calls: [
        [3, 5],
        [3, 5],
      ],
      shape: [2, 3, 5, 4],
    });
  });
});

describe("native _FusedMatMul", () => {
  type Activation = "linear" | "relu" | "relu6" | "sigmoid" | "elu" | "leakyrelu" | "prelu";

  /** tf.fused.matMul of [...batchA, 6, 7]·[...batchB, 7, 5]; a is scaled so that relu6 clips and sigmoid saturates. */
  function fused(tA: boolean, tB: boolean, activation: Activation, biasShape?: number[], batchA: number[] = [], batchB: number[] = []) {
    return () => {
      const { a, b } = operands(6, 7, 5, batchA, batchB, tA, tB);
      return tf.fused.matMul({
        a: a().mul(4),
        b: b(),
        transposeA: tA,
        transposeB: tB,
        bias: biasShape && t(biasShape, 4),
        activation,
        leakyreluAlpha: 0.3,
        preluActivationWeights: activation === "prelu" ? t([5], 5) : undefined,
      });
    };
  }

  for (const [tA, tB] of FLAGS) {
    for (const activation of ["linear", "relu", "relu6", "sigmoid", "elu", "leakyrelu", "prelu"] as const) {
      it(`bias [N] and no bias, ${activation}, transposeA=${tA} transposeB=${tB} match cpu`, async () => {
        await expectMatchesCpu(fused(tA, tB, activation, [5]));
        await expectMatchesCpu(fused(tA, tB, activation));
      });
    }
  }

  const biases: Array<[string, number[]]> = [
    ["scalar []", []],
    ["scalar [1]", [1]],
    ["[1,N]", [1, 5]],
    ["[M,N] (separate Add)", [6, 5]],
    ["[M,1] (separate Add)", [6, 1]],
  ];
  for (const [name, shape] of biases) {
    for (const activation of ["linear", "relu", "prelu"] as const) {
      it(`bias ${name}, ${activation} matches cpu`, async () => {
        await expectMatchesCpu(fused(false, true, activation, shape));
      });
    }
  }

  for (const [batchA, batchB] of [
    [[3], [3]],
    [[3], []],
    [[], [3]],
  ]) {
    for (const [tA, tB] of FLAGS) {
      for (const [name, shape] of [
        ["[N]", [5]],
        ["[B,1,N] (separate Add)", [3, 1, 5]],
      ] as const) {
        it(`batched [${batchA}]·[${batchB}], bias ${name}, sigmoid, transposeA=${tA} transposeB=${tB} matches cpu`, async () => {
          await expectMatchesCpu(fused(tA, tB, "sigmoid", [...shape], batchA, batchB));
        });
      }
    }
  }

  it("with a bias of higher rank than the product (separate Add, wider output) matches cpu", async () => {
    const attrs = { transposeA: false, transposeB: false, activation: "relu", leakyreluAlpha: 0.2 };
    await expectMatchesCpu(() => tf.engine().runKernel("_FusedMatMul", { a: t([6, 7], 1), b: t([7, 5], 2), bias: t([1, 1, 5], 3) }, attrs) as tf.Tensor);
  });

  it("rejects an unknown activation before allocating anything", async () => {
    await tf.setBackend("wasm");
    const inputs = { a: t([5, 7], 1), b: t([7, 4], 2), bias: t([4], 3) };
    const dataIds = tf.backend().numDataIds();
    const attrs = { transposeA: false, transposeB: false, activation: "tanh" };
    expect(() => tf.engine().runKernel("_FusedMatMul", inputs, attrs)).toThrow("activation 'tanh' is not supported");
    expect(tf.backend().numDataIds()).toBe(dataIds);
    tf.dispose(Object.values(inputs));
  });
});

describe("gradients through native matMuls", () => {
  for (const activation of ["linear", "relu", "sigmoid"] as const) {
    it(`tf.grads through tf.fused.matMul (bias, ${activation}) equal cpu's`, async () => {
      const r = () => t([9, 6], 3);
      await expectMatchesCpu(() =>
        tf.grads((x: tf.Tensor, w: tf.Tensor, bias: tf.Tensor) => tf.fused.matMul({ a: x, b: w, bias, activation }).mul(r()).sum())([
          t([9, 13], 1),
          t([13, 6], 2),
          t([6], 4),
        ]),
      );
    });
  }

  it("a two-layer tf.layers.dense network's gradients equal cpu's", async () => {
    const step = () => {
      const hidden = tf.layers.dense({
        units: 16,
        activation: "relu",
        kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
        biasInitializer: tf.initializers.randomNormal({ seed: 2 }),
      });
      const output = tf.layers.dense({
        units: 5,
        activation: "sigmoid",
        kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }),
        biasInitializer: tf.initializers.randomNormal({ seed: 4 }),
      });
      const x = t([8, 20], 7);
      const r = t([8, 5], 8);
      hidden.build([8, 20]);
      output.build([8, 16]);
      const vars = [...hidden.trainableWeights, ...output.trainableWeights].map((w) => w.read() as tf.Variable);
      const { value, grads } = tf.variableGrads(() => (output.apply(hidden.apply(x)) as tf.Tensor).mul(r).sum() as tf.Scalar, vars);
      const out = [value, ...vars.map((v) => grads[v.name])];
      for (const w of [...hidden.weights, ...output.weights]) w.dispose();
      return out;
    };
    await expectMatchesCpu(step);
  });
});

describe("native matMul on several threads", () => {
  // The MLP VAE's first layer at batch 128, forward and both gradients: large enough that gemm runs
  // its parts on several threads (native/src/gemm.c). tests/backend/blas/thread-bits.native.test.ts
  // checks more shapes, and other OpenBLAS core types, on the addon directly.
  const layer = () => {
    const r = t([128, 512], 3);
    return tf.grads((x: tf.Tensor, w: tf.Tensor, bias: tf.Tensor) => tf.fused.matMul({ a: x, b: w, bias, activation: "relu" }).mul(r).sum())([
      t([128, 784], 1),
      t([784, 512], 2),
      t([512], 4),
    ]);
  };

  async function bitsWith(threads: number): Promise<number[][]> {
    const addon = theAddon();
    const before = addon.getThreads();
    addon.setThreads(threads);
    try {
      return (await resultsOn("wasm", layer)).map((r) => Array.from(new Uint32Array(r.values.slice().buffer)));
    } finally {
      if (before > 0) addon.setThreads(before);
    }
  }

  it("a 128x784 -> 512 dense layer's output and gradients match cpu, and have the same bits on 1, 2 and 3 threads", async () => {
    await expectMatchesCpu(layer);
    const one = await bitsWith(1);
    expect(await bitsWith(2)).toEqual(one);
    expect(await bitsWith(3)).toEqual(one);
  });
});

describe("native matMul memory", () => {
  const kernels: Record<string, () => tf.Tensor> = {
    "BatchMatMul transposeA": () => tf.matMul(t([7, 5], 1), t([7, 4], 2), true, false),
    "BatchMatMul folded broadcast batch": () => tf.matMul(t([3, 5, 7], 1), t([4, 7], 2), false, true),
    "BatchMatMul outer batch loop": () => tf.matMul(t([2, 1, 5, 7], 1), t([3, 7, 4], 2)),
    "_FusedMatMul bias [N] + relu in C": () => tf.fused.matMul({ a: t([5, 7], 1), b: t([4, 7], 2), transposeB: true, bias: t([4], 3), activation: "relu" }),
    "_FusedMatMul bias [M,N] + sigmoid (separate kernels)": () =>
      tf.fused.matMul({ a: t([5, 7], 1), b: t([7, 4], 2), bias: t([5, 4], 3), activation: "sigmoid" }),
    "_FusedMatMul batched + bias + prelu": () =>
      tf.fused.matMul({ a: t([2, 5, 7], 1), b: t([2, 7, 4], 2), bias: t([4], 3), activation: "prelu", preluActivationWeights: t([4], 4) }),
  };
  for (const [name, f] of Object.entries(kernels)) {
    it(`${name} keeps tf.memory().numTensors and backend.numDataIds() flat`, async () => {
      await tf.setBackend("wasm");
      await expectNoLeak(f);
    });
  }
});

describe("native gemm argument checks", () => {
  it("throws a JS error, and writes nothing, for an offset outside the heap, misaligned, or not an integer", async () => {
    await tf.setBackend("wasm");
    const addon = theAddon();
    const heap = heapOf(asWasm(tf.backend()));
    // Every call has a bad output offset, so that no check can let a write through.
    const gemm =
      (aOffset: number, cOffset: number, batch = 1, strideC = 0) =>
      () =>
        addon.gemm(heap, batch, 2, 2, 2, false, false, aOffset, 0, cOffset, 0, 0, strideC, -1, 0, 0, 0);
    expect(gemm(heap.length, heap.length)).toThrow("gemm: a (aOffset) lies outside the heap");
    expect(gemm(0, heap.length - 4)).toThrow("gemm: c (cOffset) lies outside the heap");
    expect(gemm(0, 2)).toThrow("gemm: c (cOffset) is misaligned");
    expect(gemm(0, -16)).toThrow("gemm: c (cOffset) lies outside the heap");
    expect(gemm(0, Number.NaN)).toThrow("gemm: cOffset must be an integer");
    expect(gemm(0, heap.length - 64, 2, heap.length)).toThrow("gemm: c (cOffset) lies outside the heap");
    expect(gemm(0, heap.length - 64, 3, 2 ** 52)).toThrow("gemm: the last batch of c (cOffset) lies outside the heap");
  });
});
