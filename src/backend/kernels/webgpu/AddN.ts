import type * as tf from "@tensorflow/tfjs";
import { patchKernel } from "../../kernel-patch.js";

// tfjs-backend-webgpu's AddN binds every input as its own storage buffer in one shader. A WebGPU device
// gets 8 storage buffers per shader stage unless it asks for more (tfjs does not), one of which is the
// output: with more than 7 inputs the pipeline is invalid, Dawn logs a validation error and the result
// stays zero. Gradients of a tensor used in many places, and a gradient norm over many variables, sum
// that many. So larger sums run as a chain of AddN calls of at most 7 inputs, the running sum first in
// each: the shader adds left to right, so the chain gives the same floats a single pass would.
export const WEBGPU_ADD_N_MAX_INPUTS = 7;

export const webgpuAddNPatch = patchKernel<tf.TensorInfo[]>({
  name: `AddN: chains of at most ${WEBGPU_ADD_N_MAX_INPUTS} inputs (the default storage-buffer limit)`,
  kernelName: "AddN",
  backendName: "webgpu",
  make:
    (stock) =>
    ({ inputs, backend, args }) => {
      if (inputs.length <= WEBGPU_ADD_N_MAX_INPUTS) return stock.kernelFunc(args);
      const call = (chunk: tf.TensorInfo[]) => stock.kernelFunc({ ...args, inputs: chunk as unknown as tf.NamedTensorInfoMap }) as tf.TensorInfo;
      let sum = call(inputs.slice(0, WEBGPU_ADD_N_MAX_INPUTS));
      for (let start = WEBGPU_ADD_N_MAX_INPUTS; start < inputs.length; start += WEBGPU_ADD_N_MAX_INPUTS - 1) {
        const next = call([sum, ...inputs.slice(start, start + WEBGPU_ADD_N_MAX_INPUTS - 1)]);
        backend.disposeData(sum.dataId);
        sum = next;
      }
      return sum;
    },
});
