import * as tf from "@tensorflow/tfjs";

/** The parts of tfjs-backend-webgpu's WebGPUBackend a read-back uses to flush its pending work. */
interface QueuedBackend {
  commandEncoder?: unknown;
  endComputePassEncoder?(): void;
  submitQueue?(): void;
  queue?: { onSubmittedWorkDone(): Promise<void> };
}

/**
 * Waits until the webgpu device has finished everything queued so far (does nothing on backends whose
 * kernels finish before they return). tfjs-backend-webgpu records dispatches and submits them later,
 * so its open pass is ended and its commands submitted first, as its own read-back does.
 */
export async function waitForDevice(): Promise<void> {
  if (tf.getBackend() !== "webgpu") return;
  const backend = tf.engine().backend as unknown as QueuedBackend;
  if (!backend.queue || !backend.submitQueue || !backend.endComputePassEncoder) return;
  backend.endComputePassEncoder();
  if (backend.commandEncoder) backend.submitQueue();
  await backend.queue.onSubmittedWorkDone();
}
