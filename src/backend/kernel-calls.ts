import type * as tf from "@tensorflow/tfjs";
import { stockKernel } from "./kernel-patch.js";

/**
 * Calls a backend's stock kernels directly from inside another kernel, and frees the intermediates.
 *
 * Kernel-internal tensors are invisible to tf.memory().numTensors, so a forgotten one leaks silently
 * (only backend.numDataIds() shows it). Use in try/finally: `temp` results are freed by `free()`,
 * `run` results are the caller's to return.
 */
export class KernelCalls {
  private readonly temps: tf.TensorInfo[] = [];

  constructor(
    readonly backend: tf.KernelBackend,
    readonly backendName: string,
  ) {}

  /** Runs a stock kernel and returns its result to the caller. */
  run(kernelName: string, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap = {}): tf.TensorInfo {
    const kernel = stockKernel(kernelName, this.backendName);
    if (!kernel) throw new Error(`kernel '${kernelName}' is not registered for backend '${this.backendName}'`);
    const out = kernel.kernelFunc({ inputs, backend: this.backend, attrs });
    if (Array.isArray(out)) throw new Error(`kernel '${kernelName}' returned several outputs; expected one`);
    return out;
  }

  /** Runs a stock kernel; its result is freed by free(). */
  temp(kernelName: string, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap = {}): tf.TensorInfo {
    const out = this.run(kernelName, inputs, attrs);
    this.temps.push(out);
    return out;
  }

  /** Same data, new shape. Reshape shares the dataId and counts a reference, which free() drops. */
  reshape(x: tf.TensorInfo, shape: number[]): tf.TensorInfo {
    return this.temp("Reshape", { x }, { shape });
  }

  free(): void {
    for (const t of this.temps) this.backend.disposeData(t.dataId);
    this.temps.length = 0;
  }
}
