import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../src/backend/index.js";
import { installedPatch } from "../../src/backend/kernel-patch.js";

interface DataIdBackend {
  numDataIds(): number;
}

beforeAll(async () => {
  await selectBackend("wasm", { kernels: "wasm" });
});

describe.each([
  ["Identity", (x: tf.Tensor) => tf.clone(x)],
  ["Cast", (x: tf.Tensor) => tf.cast(x, x.dtype)],
] as const)("%s on wasm shares data where it would copy", (kernel, op) => {
  it("is installed, allocates no new data, and the result outlives the input", () => {
    expect(installedPatch(kernel, "wasm")).toBeDefined();
    for (const dtype of ["float32", "int32", "bool"] as const) {
      const x = tf.tensor([1, 0, 3, 0], [2, 2], dtype);
      const expected = Array.from(x.dataSync());
      const ids = (tf.backend() as unknown as DataIdBackend).numDataIds();
      const y = op(x);
      expect((tf.backend() as unknown as DataIdBackend).numDataIds(), dtype).toBe(ids);
      expect(y.dtype).toBe(dtype);
      expect(y.shape).toEqual([2, 2]);
      x.dispose();
      expect(Array.from(y.dataSync())).toEqual(expected);
      y.dispose();
      expect((tf.backend() as unknown as DataIdBackend).numDataIds()).toBe(ids - 1);
    }
  });
});

describe("Cast to another dtype", () => {
  it("still converts, as the cpu backend does", async () => {
    const convert = () => {
      const x = tf.tensor([-1.7, 0, 2.5, 3], [4], "float32");
      return [tf.cast(x, "int32"), tf.cast(x, "bool"), tf.cast(tf.cast(x, "int32"), "float32")].map((t) => ({
        dtype: t.dtype,
        values: Array.from(t.dataSync()),
      }));
    };
    const onWasm = tf.tidy(convert);
    await tf.setBackend("cpu");
    const onCpu = tf.tidy(convert);
    await tf.setBackend("wasm");
    expect(onWasm).toEqual(onCpu);
  });
});
