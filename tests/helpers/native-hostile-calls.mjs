/**
 * Calls every function of aelab's native addon with hostile arguments and prints one JSON line per
 * call. Run as a child process by tests/backend/blas/hostile-arguments.native.test.ts, so that a call
 * that crashes shows as this process's signal; the `calling` line written (synchronously) before
 * each call says which one it was.
 *
 * Usage: node tests/helpers/native-hostile-calls.mjs <path of aelab_kernels.node>
 * Lines: {"calling": label} before a call, then
 *        {"label", "fn", "arg", "allowed", "threw", "isError", "message"} after it.
 * A case names the function and the argument its error must name (`arg`); an `allowed` case is a
 * legal edge (in place, empty) that must not throw.
 */
import { writeSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { Worker } from "node:worker_threads";

const addon = createRequire(import.meta.url)(path.resolve(process.argv[2]));
const say = (line) => writeSync(1, `${JSON.stringify(line)}\n`);

const HEAP_BYTES = 4096;
const heap = () => new Uint8Array(new ArrayBuffer(HEAP_BYTES));
const detach = (buffer) => {
  structuredClone(buffer, { transfer: [buffer] });
  return buffer;
};
/** Heaps every function must refuse, with the argument name its error gives. */
const BAD_HEAPS = [
  ["an empty ArrayBuffer", () => new ArrayBuffer(0)],
  ["a detached ArrayBuffer", () => detach(new ArrayBuffer(HEAP_BYTES))],
  [
    "a Uint8Array of a detached ArrayBuffer",
    () => {
      const view = heap();
      detach(view.buffer);
      return view;
    },
  ],
  ["a Float32Array", () => new Float32Array(16)],
  ["a string", () => "heap"],
];

/** An offset that wraps 64 bits when multiplied with a count near 2^62 (the gemm crash of the issue). */
const WRAPS = 2 ** 34 - 4;
const INT_MAX = 2 ** 31 - 1;

// Each function: a legal argument list, then substitutions [label, argument index, value, the
// argument the error names]. Every substitution makes one call with the other arguments legal.
const GEOMETRY = [1, 4, 4, 2, 4, 4, 3, 3, 3, 1, 1, 1, 1]; // x 32 floats, filter 54, y 48
const geometry = (...changes) => {
  const g = Int32Array.from(GEOMETRY.concat([0, 0, 0]));
  for (const [i, v] of changes) g[i] = v;
  return g;
};
const convBadOffsets = (names) =>
  names.flatMap((name, i) => [
    [`${name} NaN`, 2 + i, Number.NaN, name],
    [`${name} 1.5`, 2 + i, 1.5, name],
    [`${name} 2^60`, 2 + i, 2 ** 60, name],
    [`${name} Infinity`, 2 + i, Number.POSITIVE_INFINITY, name],
    [`${name} as a string`, 2 + i, "0", name],
    [`${name} misaligned`, 2 + i, 2, name],
    [`${name} negative`, 2 + i, -4, name],
    [`${name} past the end`, 2 + i, HEAP_BYTES - 4, name],
    [`${name} near 2^53`, 2 + i, 2 ** 53 - 4, name],
  ]);
const convBadGeometry = [
  ["geometry of 12 numbers", 1, () => geometry().subarray(0, 12), "geometry"],
  ["geometry as a Float32Array", 1, () => new Float32Array(16), "geometry"],
  ["a negative size", 1, () => geometry([1, -4]), "geometry[1]"],
  ["stride 0", 1, () => geometry([9, 0]), "geometry[9]"],
  ["filter width 0", 1, () => geometry([8, 0]), "geometry[8]"],
  ["tensors larger than any heap", 1, () => geometry([0, 2 ** 30], [1, 2 ** 30], [2, 2 ** 30]), "geometry"],
  // 2^32 taps with no output channel: nothing to store, but a taps count cblas's int would truncate.
  ["2^32 filter taps", 1, () => Int32Array.of(0, 1, 1, 1, 0, 0, 0, 65536, 65536, 1, 1, 0, 0), "geometry"],
];

const FUNCTIONS = {
  gemm: {
    // a 4x4 at 0, b 4x4 at 64, c 4x4 at 128; no bias.
    args: () => [heap(), 1, 4, 4, 4, false, false, 0, 64, 128, 0, 0, 0, -1, 0, 0, 0],
    bad: [
      [
        "m = n = 2^31 - 1, k = 0, cOffset 2^34 - 4 (wraps)",
        [
          [2, INT_MAX],
          [3, INT_MAX],
          [4, 0],
          [9, WRAPS],
        ],
        "c (cOffset)",
      ],
      [
        "m = k = 2^31 - 1, aOffset 2^34 - 4 (wraps)",
        [
          [2, INT_MAX],
          [3, 1],
          [4, INT_MAX],
          [7, WRAPS],
        ],
        "a (aOffset)",
      ],
      ["batch NaN", 1, Number.NaN, "batch"],
      ["batch -1", 1, -1, "batch"],
      ["batch 1.5", 1, 1.5, "batch"],
      ["batch 2^31", 1, 2 ** 31, "batch"],
      ["batch as a string", 1, "1", "batch"],
      ["m 2^40", 2, 2 ** 40, "m"],
      ["n -1", 3, -1, "n"],
      ["k 0.5", 4, 0.5, "k"],
      ["transposeA a number", 5, 1, "transposeA"],
      ["transposeB undefined", 6, undefined, "transposeB"],
      ["aOffset NaN", 7, Number.NaN, "aOffset"],
      ["aOffset misaligned", 7, 2, "a (aOffset)"],
      ["aOffset negative", 7, -4, "a (aOffset)"],
      ["aOffset 2^53", 7, 2 ** 53, "a (aOffset)"],
      ["aOffset 2^60", 7, 2 ** 60, "aOffset"],
      ["bOffset past the end", 8, HEAP_BYTES - 32, "b (bOffset)"],
      ["cOffset past the end", 9, HEAP_BYTES - 4, "c (cOffset)"],
      ["cOffset Infinity", 9, Number.POSITIVE_INFINITY, "cOffset"],
      [
        "strideA negative",
        [
          [1, 2],
          [10, -4],
        ],
        "strideA",
      ],
      [
        "strideA misaligned",
        [
          [1, 2],
          [10, 2],
        ],
        "strideA",
      ],
      [
        "batch 3, strideA 2^52 (the last batch)",
        [
          [1, 3],
          [10, 2 ** 52],
          [12, 64],
        ],
        "a (aOffset)",
      ],
      [
        "batch 2, strideC 0 (batches overwrite each other)",
        [
          [1, 2],
          [12, 0],
        ],
        "strideC",
      ],
      [
        "batch 2^31 - 1, strideB 4",
        [
          [1, INT_MAX],
          [11, 4],
          [12, 64],
        ],
        "b (bOffset)",
      ],
      [
        "biasOffset -2",
        [
          [13, -2],
          [14, 4],
        ],
        "the bias (biasOffset)",
      ],
      [
        "biasOffset past the end",
        [
          [13, HEAP_BYTES - 8],
          [14, 4],
        ],
        "the bias (biasOffset)",
      ],
      [
        "biasLength 3 for n 4",
        [
          [13, 256],
          [14, 3],
        ],
        "biasLength",
      ],
      ["activation 6", 15, 6, "activation"],
      ["activation -1", 15, -1, "activation"],
      ["alpha a string", 16, "0.2", "alpha"],
      ["c overlapping a", 9, 0, "c overlaps a"],
      ["c overlapping b shifted", 9, 64 + 8, "c overlaps b"],
      [
        "c overlapping the bias",
        [
          [13, 160],
          [14, 4],
        ],
        "c overlaps the bias",
      ],
      [
        "batched c overlapping a's last batch",
        [
          [1, 3],
          [7, 256],
          [10, 64],
          [12, 64],
        ],
        "c overlaps a",
      ],
      ["too few arguments", "drop", 16, "17 arguments"],
    ],
    allowed: [
      [
        "k 0 (an empty sum) with every operand at the end",
        [
          [4, 0],
          [7, HEAP_BYTES],
          [8, HEAP_BYTES],
        ],
      ],
      ["batch 0", [[1, 0]]],
      [
        "b broadcast over 3 batches (stride 0)",
        [
          [1, 3],
          [10, 64],
          [12, 64],
          [7, 256],
          [9, 512],
        ],
      ],
    ],
  },
  conv2d: {
    // x at 0 (128 bytes), filter at 256 (216), y at 512 (192)
    args: () => [heap(), geometry(), 0, 256, 512],
    bad: [
      ...convBadOffsets(["xOffset", "filterOffset", "yOffset"]),
      ...convBadGeometry,
      ["y overlapping x", 4, 64, "y overlaps x"],
      ["y overlapping the filter", 4, 256 + 200, "y overlaps the filter"],
      ["the bias outside the heap", 1, () => geometry([13, HEAP_BYTES - 8], [14, 3]), "the bias (geometry[13])"],
      ["the bias misaligned", 1, () => geometry([13, 1026], [14, 3]), "the bias (geometry[13])"],
      ["the bias at offset -4 (read as 2^32 - 4)", 1, () => geometry([13, -4], [14, 3]), "the bias (geometry[13])"],
      ["bias length 2 for 3 channels", 1, () => geometry([13, 1024], [14, 2]), "bias length (geometry[14])"],
      ["activation 3", 1, () => geometry([15, 3]), "activation (geometry[15])"],
      ["y overlapping the bias", 1, () => geometry([13, 520], [14, 3]), "y overlaps the bias"],
      ["too few arguments", "drop", 4, "5 arguments"],
    ],
    allowed: [
      [
        "an empty batch",
        [
          [1, () => geometry([0, 0], [6, 3])],
          [2, HEAP_BYTES],
        ],
      ],
      ["no input channels (taps 0), bias and relu", [[1, () => geometry([3, 0], [13, 1024], [14, 3], [15, 1])]]],
    ],
  },
  conv2dBackpropInput: {
    // dy at 512, filter at 256, dx at 0
    args: () => [heap(), geometry(), 512, 256, 0],
    bad: [
      ...convBadOffsets(["dyOffset", "filterOffset", "dxOffset"]),
      ...convBadGeometry,
      ["dx overlapping dy", 4, 512 - 64, "dx overlaps dy"],
      ["dx overlapping the filter", 4, 256, "dx overlaps the filter"],
    ],
    allowed: [["no output channels", [[1, () => geometry([6, 0])]]]],
  },
  conv2dBackpropFilter: {
    // x at 0, dy at 512, dW at 256
    args: () => [heap(), geometry(), 0, 512, 256],
    bad: [
      ...convBadOffsets(["xOffset", "dyOffset", "dwOffset"]),
      ...convBadGeometry,
      ["dW overlapping x", 4, 64, "dW overlaps x"],
      ["dW overlapping dy", 4, 512 - 100, "dW overlaps dy"],
    ],
    allowed: [["no output pixels", [[1, () => geometry([4, 0], [5, 0])]]]],
  },
  adam: {
    // accBeta1 at 0, accBeta2 at 4; one variable of 8 floats: value 64, moments 128 and 192, gradient 256.
    args: () => [heap(), 0, 4, Float64Array.of(64, 128, 192, 256, 8), Float32Array.of(0.9, 0.1, 0.999, 0.001, 1e-7, -0.01)],
    bad: [
      ["accBeta1Offset NaN", 1, Number.NaN, "accBeta1Offset"],
      ["accBeta1Offset past the end", 1, HEAP_BYTES, "accBeta1 (accBeta1Offset)"],
      ["accBeta2Offset misaligned", 2, 6, "accBeta2 (accBeta2Offset)"],
      ["accBeta2Offset negative", 2, -4, "accBeta2 (accBeta2Offset)"],
      ["accBeta2Offset = accBeta1Offset", 2, 0, "accBeta2"],
      ["slots a Float32Array", 3, Float32Array.of(64, 128, 192, 256, 8), "slots"],
      ["slots of 4 numbers", 3, Float64Array.of(64, 128, 192, 256), "slots"],
      ["a value offset NaN", 3, Float64Array.of(Number.NaN, 128, 192, 256, 8), "slots[0]"],
      ["a first-moment offset 1.5", 3, Float64Array.of(64, 1.5, 192, 256, 8), "slots[1]"],
      ["a second-moment offset negative", 3, Float64Array.of(64, 128, -8, 256, 8), "slots[2]"],
      ["a gradient offset misaligned", 3, Float64Array.of(64, 128, 192, 258, 8), "slots[3]"],
      ["a gradient offset 2^53", 3, Float64Array.of(64, 128, 192, 2 ** 53, 8), "slots[3]"],
      ["a count 2^51", 3, Float64Array.of(64, 128, 192, 256, 2 ** 51), "slots[0]"],
      ["a count -1", 3, Float64Array.of(64, 128, 192, 256, -1), "slots[0]"],
      ["a count Infinity", 3, Float64Array.of(64, 128, 192, 256, Number.POSITIVE_INFINITY), "slots[4]"],
      ["the second variable's value past the end", 3, Float64Array.of(64, 128, 192, 256, 8, HEAP_BYTES - 16, 128, 192, 256, 8), "slots[5]"],
      ["value = gradient", 3, Float64Array.of(64, 128, 192, 64, 8), "slots[0..4]"],
      ["first moment overlapping the second", 3, Float64Array.of(64, 128, 144, 256, 8), "slots[0..4]"],
      ["scalars of 5", 4, Float32Array.of(0.9, 0.1, 0.999, 0.001, 1e-7), "scalars"],
      ["scalars a Float64Array", 4, Float64Array.of(0.9, 0.1, 0.999, 0.001, 1e-7, -0.01), "scalars"],
      ["too few arguments", "drop", 4, "5 arguments"],
    ],
    allowed: [
      ["no variables", [[3, new Float64Array(0)]]],
      ["a variable of 0 floats at the heap's end", [[3, Float64Array.of(HEAP_BYTES, HEAP_BYTES, HEAP_BYTES, HEAP_BYTES, 0)]]],
    ],
  },
  l2Norm: {
    args: () => [heap(), Float64Array.of(0, 8, 64, 4), 128],
    bad: [
      ["slots of 3 numbers", 1, Float64Array.of(0, 8, 64), "slots"],
      ["slots a Float32Array", 1, Float32Array.of(0, 8), "slots"],
      ["an offset NaN", 1, Float64Array.of(Number.NaN, 8), "slots[0]"],
      ["a count 2^50", 1, Float64Array.of(0, 2 ** 50), "slots[0]"],
      ["a count 0.5", 1, Float64Array.of(0, 0.5), "slots[0]"],
      ["the second input misaligned", 1, Float64Array.of(0, 8, 66, 4), "slots[2]"],
      ["outOffset past the end", 2, HEAP_BYTES, "the output (outOffset)"],
      ["outOffset NaN", 2, Number.NaN, "outOffset"],
    ],
    allowed: [["the output one of the inputs (it is written last)", [[2, 0]]]],
  },
  sumLeading: {
    // x [4,4] at 0, out [4] at 256
    args: () => [heap(), 4, 4, 0, 256],
    bad: [
      ["rows -1", 1, -1, "rows"],
      ["cols 1.5", 2, 1.5, "cols"],
      [
        "rows 2^40 x cols 2^20",
        [
          [1, 2 ** 40],
          [2, 2 ** 20],
        ],
        "rows x cols",
      ],
      [
        "rows 2^33 x cols 2^20 (fits 2^53, not the heap)",
        [
          [1, 2 ** 33],
          [2, 2 ** 20],
        ],
        "the input (xOffset)",
      ],
      ["xOffset past the end", 3, HEAP_BYTES - 32, "the input (xOffset)"],
      ["outOffset misaligned", 4, 2, "the output (outOffset)"],
      ["outOffset NaN", 4, Number.NaN, "outOffset"],
      ["the output inside the input", 4, 16, "the output overlaps the input"],
      ["the output = the input", 4, 0, "the output overlaps the input"],
    ],
    allowed: [["0 rows", [[1, 0]]]],
  },
  leakyRelu: {
    args: () => [heap(), 8, 0, 64, 0.2],
    bad: [
      ["n -1", 1, -1, "n"],
      ["n as a string", 1, "8", "n"],
      ["n 2^53", 1, 2 ** 53, "the input (xOffset)"],
      ["xOffset NaN", 2, Number.NaN, "xOffset"],
      ["outOffset past the end", 3, HEAP_BYTES - 4, "the output (outOffset)"],
      ["the output shifted over the input", 3, 4, "the output overlaps the input"],
      ["alpha a string", 4, "0.2", "alpha"],
    ],
    allowed: [
      ["in place", [[3, 0]]],
      ["alpha NaN", [[4, Number.NaN]]],
    ],
  },
  leakyReluGrad: {
    args: () => [heap(), 8, 0, 64, 128, 0.2],
    bad: [
      ["n NaN", 1, Number.NaN, "n"],
      ["dyOffset misaligned", 2, 2, "dy (dyOffset)"],
      ["xOffset past the end", 3, HEAP_BYTES, "x (xOffset)"],
      ["dxOffset 2^53 + 2", 4, 2 ** 53 + 2, "dxOffset"],
      ["dx shifted over dy", 4, 4, "dx overlaps dy"],
      ["dx shifted over x", 4, 68, "dx overlaps x"],
    ],
    allowed: [["dx = dy", [[4, 0]]]],
  },
  reluGrad: {
    args: () => [heap(), 8, 0, 64, 128, 0],
    bad: [
      ["n 1.5", 1, 1.5, "n"],
      ["dyOffset negative", 2, -32, "dy (dyOffset)"],
      ["dx shifted over dy", 4, 16, "dx overlaps dy"],
      ["dx shifted over x", 4, 60, "dx overlaps x"],
      ["too few arguments", "drop", 5, "6 arguments"],
    ],
    allowed: [["dx = x", [[4, 64]]]],
  },
  addBias: {
    // x [4,4] at 0, bias [4] at 64, out at 128
    args: () => [heap(), 4, 4, 0, 64, 128],
    bad: [
      ["rows -1", 1, -1, "rows"],
      [
        "rows 2^40 x cols 2^20",
        [
          [1, 2 ** 40],
          [2, 2 ** 20],
        ],
        "rows x cols",
      ],
      ["xOffset misaligned", 3, 1, "the input (xOffset)"],
      ["biasOffset past the end", 4, HEAP_BYTES - 8, "the bias (biasOffset)"],
      ["outOffset NaN", 5, Number.NaN, "outOffset"],
      ["the output over the bias", 5, 64, "the output overlaps the bias"],
      ["the output shifted over the input", 5, 4, "the output overlaps the input"],
    ],
    allowed: [["in place (out = x)", [[5, 0]]]],
  },
  setThreads: {
    args: () => [2],
    bad: [
      ["0", 0, 0, "n"],
      ["-1", 0, -1, "n"],
      ["NaN", 0, Number.NaN, "n"],
      ["1.5", 0, 1.5, "n"],
      ["2^40", 0, 2 ** 40, "n"],
      ["a string", 0, "2", "n"],
      ["no argument", "drop", 0, "1 argument"],
    ],
    allowed: [],
  },
};

/** The argument list with `changes` ([index, value] pairs, a value may be a function making it) applied. */
function argsWith(make, changes) {
  const args = make();
  for (const [i, v] of changes) args[i] = typeof v === "function" ? v() : v;
  return args;
}

function changesOf(entry) {
  // [label, index, value, arg] or [label, [[index, value], ...], arg] or [label, "drop", count, arg]
  return Array.isArray(entry[1]) ? { changes: entry[1], arg: entry[2] } : { changes: [[entry[1], entry[2]]], arg: entry[3] };
}

function call(label, fn, arg, allowed, args) {
  say({ calling: label });
  let threw = false;
  let isError = false;
  let message = "";
  try {
    addon[fn](...args);
  } catch (err) {
    threw = true;
    isError = err instanceof Error;
    message = String(err?.message ?? err);
  }
  say({ label, fn, arg, allowed, threw, isError, message });
}

for (const [fn, spec] of Object.entries(FUNCTIONS)) {
  for (const entry of spec.bad) {
    if (entry[1] === "drop") {
      call(`${fn}: ${entry[0]}`, fn, entry[3], false, spec.args().slice(0, entry[2]));
      continue;
    }
    const { changes, arg } = changesOf(entry);
    call(`${fn}: ${entry[0]}`, fn, arg, false, argsWith(spec.args, changes));
  }
  if (fn !== "setThreads") {
    for (const [what, make] of BAD_HEAPS) call(`${fn}: heap ${what}`, fn, "heap", false, argsWith(spec.args, [[0, make]]));
  }
  call(`${fn}: the legal call`, fn, "", true, spec.args());
  for (const [label, changes] of spec.allowed) call(`${fn}: ${label}`, fn, "", true, argsWith(spec.args, changes));
}

/*
 * adam checks its slots, then updates them: with slots in a SharedArrayBuffer that another thread
 * keeps rewriting between a legal offset and one far outside the heap, an adam that read the offsets
 * again after checking them would write outside the heap. Each call must either run (it saw the
 * legal offsets) or throw (it saw an illegal one). The addon that read them again crashed in 3 runs
 * of 4 (256 variables, brief pulses of the illegal offset).
 */
{
  const label = "adam: slots in a SharedArrayBuffer that a worker thread rewrites";
  say({ calling: label });
  const VARIABLES = 256;
  const slots = new Float64Array(new SharedArrayBuffer(VARIABLES * 5 * 8));
  for (let i = 0; i < slots.length; i += 5) slots.set([64, 128, 192, 256, 8], i);
  const flipper = new Worker(
    `const { workerData } = require("node:worker_threads");
     const slots = new Float64Array(workerData);
     for (;;) for (let i = 0; i < slots.length; i += 5) (slots[i] = 2 ** 52), (slots[i] = 64);`,
    { eval: true, workerData: slots.buffer },
  );
  await new Promise((resolve) => flipper.once("online", resolve));
  const h = heap();
  const scalars = Float32Array.of(0.9, 0.1, 0.999, 0.001, 1e-7, -0.01);
  let ran = 0;
  let threw = 0;
  const wrong = [];
  for (let i = 0; i < 2000; i++) {
    try {
      addon.adam(h, 0, 4, slots, scalars);
      ran++;
    } catch (err) {
      threw++;
      if (!(err instanceof Error) || !/^adam: (slots\[\d+\]|variable \d+)/.test(err.message)) wrong.push(String(err?.message ?? err));
    }
  }
  await flipper.terminate();
  say({ label, fn: "adam", arg: "slots", race: { ran, threw, wrong: wrong.slice(0, 3) } });
}
say({ done: true });
