/**
 * Calls of the native addon on heaps of their own, for tests that compare the bits of the same calls
 * made under different conditions (thread counts, worker threads, core types): each job's run()
 * makes its calls and returns a copy of every output's bits.
 * Used by native-kernels-worker.mjs and native-thread-bits.mjs (plain JavaScript: they run in
 * worker threads and child processes).
 */

/**
 * conv: { name, geometry } (native/src/conv.c's 13 slots): conv2d, conv2dBackpropInput and
 * conv2dBackpropFilter, 3 outputs.
 * gemm: { name, m, n, k, transposeA?, transposeB?, batch?, broadcastB?, bias?, activation? }: one
 * output; bias adds one value per column, activation is a code of ACTIVATIONS (addon.ts).
 */
export function nativeJobs(addon, seed, { convs = [], gemms = [] }) {
  return [...convs.map((c) => convJob(addon, seed, c)), ...gemms.map((g) => gemmJob(addon, seed, g))];
}

function fill(f, s) {
  let state = s >>> 0;
  for (let i = 0; i < f.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    f[i] = state / 2 ** 32 - 0.5;
  }
}

/** One heap holding the named regions (float counts), apart, with `inputs` filled from the seed. */
function heapOf(sizes, inputs, seed) {
  const at = {};
  let floats = 0;
  for (const [name, count] of Object.entries(sizes)) {
    at[name] = floats;
    floats += count + 16;
  }
  const heap = new Float32Array(floats);
  inputs.forEach((name, i) => fill(heap.subarray(at[name], at[name] + sizes[name]), seed * 31 + i));
  return {
    bytes: new Uint8Array(heap.buffer),
    offset: (name) => at[name] * 4,
    bits: (name) => new Uint32Array(heap.buffer, at[name] * 4, sizes[name]).slice(),
  };
}

function convJob(addon, seed, { name, geometry }) {
  const [b, h, w, ci, oh, ow, co, fh, fw] = geometry;
  const x = b * h * w * ci,
    y = b * oh * ow * co,
    filter = fh * fw * ci * co;
  const heap = heapOf({ x, w: filter, dy: y, y, dx: x, dw: filter }, ["x", "w", "dy"], seed);
  const g = Int32Array.from(geometry);
  const at = heap.offset;
  return {
    name,
    run() {
      addon.conv2d(heap.bytes, g, at("x"), at("w"), at("y"));
      addon.conv2dBackpropInput(heap.bytes, g, at("dy"), at("w"), at("dx"));
      addon.conv2dBackpropFilter(heap.bytes, g, at("x"), at("dy"), at("dw"));
      return ["y", "dx", "dw"].map(heap.bits);
    },
  };
}

function gemmJob(addon, seed, { name, m, n, k, transposeA = false, transposeB = false, batch = 1, broadcastB = false, bias = false, activation = 0 }) {
  const heap = heapOf({ a: batch * m * k, b: (broadcastB ? 1 : batch) * k * n, c: batch * m * n, bias: n }, ["a", "b", "bias"], seed);
  const at = heap.offset;
  return {
    name,
    run() {
      addon.gemm(
        heap.bytes,
        batch,
        m,
        n,
        k,
        transposeA,
        transposeB,
        at("a"),
        at("b"),
        at("c"),
        m * k * 4,
        broadcastB ? 0 : k * n * 4,
        m * n * 4,
        bias ? at("bias") : -1,
        bias ? n : 0,
        activation,
        0.2,
      );
      return [heap.bits("c")];
    },
  };
}
