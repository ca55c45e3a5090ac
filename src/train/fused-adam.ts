import * as tf from "@tensorflow/tfjs";
import type { NativeAddon } from "../backend/blas/addon.js";
import { asWasm, heapOf, offsetOf, type WasmInternals } from "../backend/blas/heap.js";
import { activeNativeKernels } from "../backend/blas/state.js";

/** What tf.Optimizer.applyGradients takes (AdamOptimizer's declaration narrows the map to variables). */
type Gradients = tf.NamedTensorMap | Array<{ name: string; tensor: tf.Tensor }>;

/** tfjs's OptimizerVariable: a slot's saved name (`<variable>/m`) and its variable. */
interface Slot {
  originalName: string;
  variable: tf.Variable;
}

/** AdamOptimizer's private state (tfjs-core 4.22, optimizers/adam_optimizer.js), used here as tfjs uses it. */
interface AdamState {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: Slot[];
  accumulatedSecondMoment: Slot[];
}

/** One variable's part of a step: the tensors the native kernel reads and writes. */
interface Update {
  value: tf.Variable;
  first: tf.Variable;
  second: tf.Variable;
  gradient: tf.Tensor;
}

/**
 * tfjs's Adam, with the whole step for all of its variables in one native call (native/src/adam.c)
 * where the native kernels run on the wasm backend, instead of ~15 tfjs kernels per variable. The
 * native step does tfjs's float32 operations in tfjs's order, so weights, moments and accBeta1/2
 * come out bit-identical; where the native kernels are off, or a tensor is not float32, it is
 * tfjs's own applyGradients. It is an AdamOptimizer in every other respect: class name "Adam", the
 * same slots, names and order, getWeights/setWeights, so checkpoints move freely between the two.
 *
 * The state lives only in the optimizer's tfjs variables, as in tfjs: the kernel reads accBeta1/2
 * from the heap and updates them there, so nothing is read back each step, and a setWeights or a
 * checkpoint restore (which assign new values to these variables) needs no re-syncing.
 */
export class FusedAdamOptimizer extends tf.AdamOptimizer {
  private slotBuffer?: Float64Array;

  override applyGradients(variableGradients: Gradients): void {
    this.applyGradientsAndMeasure(variableGradients);
  }

  /**
   * applyGradients that also returns the gradients' Euclidean norm when the native step ran (it reads
   * every gradient anyway, so the diagnostic costs nothing); undefined when tfjs's step ran instead.
   */
  applyGradientsAndMeasure(variableGradients: Gradients): number | undefined {
    const addon = activeNativeKernels();
    if (addon && tf.getBackend() === "wasm") {
      const squares = this.fusedStep(addon, asWasm(tf.backend()), variableGradients);
      // Rounded to float32 as every logged scalar is (and as the native l2Norm writes it).
      if (squares !== undefined) return Math.fround(Math.sqrt(squares));
    }
    // Adam's declaration asks for variables, but its step only reads the gradients, as any tensors.
    super.applyGradients(variableGradients as Parameters<tf.AdamOptimizer["applyGradients"]>[0]);
    return undefined;
  }

  private get state(): AdamState {
    return this as unknown as AdamState;
  }

  /**
   * The native step, returning the gradients' sum of squares; undefined, having changed nothing,
   * where it does not apply (tfjs's step runs instead).
   */
  private fusedStep(addon: NativeAddon, backend: WasmInternals, variableGradients: Gradients): number | undefined {
    const names = Array.isArray(variableGradients) ? variableGradients.map((v) => v.name) : Object.keys(variableGradients);
    const gradientOf = (name: string, i: number): tf.Tensor | undefined =>
      Array.isArray(variableGradients) ? variableGradients[i].tensor : (variableGradients as tf.NamedTensorMap)[name];
    const { accBeta1, accBeta2, accumulatedFirstMoment: firsts, accumulatedSecondMoment: seconds } = this.state;
    if (!onHeap(backend, accBeta1) || !onHeap(backend, accBeta2)) return undefined;
    for (const [i, name] of names.entries()) {
      const value = tf.engine().registeredVariables[name];
      const gradient = gradientOf(name, i);
      // tfjs's step reports (or broadcasts) what does not fit; the kernel takes only same-shaped float32 on the heap.
      if (!value || !onHeap(backend, value)) return undefined;
      if (gradient && !(onHeap(backend, gradient) && tf.util.arraysEqual(gradient.shape, value.shape))) return undefined;
      for (const slot of [firsts[i], seconds[i]]) {
        if (slot && !(onHeap(backend, slot.variable) && slot.variable.size === value.size)) return undefined;
      }
    }

    // The moments, made as tfjs makes them: same names, same order, zeros like the variable.
    const updates: Update[] = [];
    for (const [i, name] of names.entries()) {
      const value = tf.engine().registeredVariables[name];
      firsts[i] ??= { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
      seconds[i] ??= { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
      const gradient = gradientOf(name, i);
      if (gradient) updates.push({ value, first: firsts[i].variable, second: seconds[i].variable, gradient });
    }

    // Before the heap is taken: owning a copy allocates, and an allocation may move the heap.
    for (const { value, first, second } of updates) for (const v of [value, first, second]) ownData(backend, v);
    ownData(backend, accBeta1);
    ownData(backend, accBeta2);

    // Reused from step to step: a fresh typed array per call is off-heap garbage V8 collects late.
    if (this.slotBuffer?.length !== updates.length * 5) this.slotBuffer = new Float64Array(updates.length * 5);
    const slots = this.slotBuffer;
    updates.forEach(({ value, first, second, gradient }, i) => {
      slots.set([offsetOf(backend, value), offsetOf(backend, first), offsetOf(backend, second), offsetOf(backend, gradient), value.size], i * 5);
    });
    // What tfjs's ops make of these numbers: each a float32 scalar tensor, 1 - beta taken in double first.
    const scalars = Float32Array.of(this.beta1, 1 - this.beta1, this.beta2, 1 - this.beta2, this.epsilon, -this.learningRate);
    const squares = addon.adam(heapOf(backend), offsetOf(backend, accBeta1), offsetOf(backend, accBeta2), slots, scalars);
    this.incrementIterations();
    return squares;
  }
}

/** A float32 tensor whose bytes are on this wasm backend's heap. */
function onHeap(backend: WasmInternals, t: tf.Tensor): boolean {
  return t.dtype === "float32" && !t.isDisposed && backend.dataIdMap.get(t.dataId)?.memoryOffset != null;
}

/**
 * Makes the variable the only holder of its bytes before they are written in place. On wasm other
 * tensors can share a variable's dataId: a Reshape of it (made in the forward pass and still alive
 * in trainStep's tidy, perhaps kept as a diagnostic or a shared value), the tensor it was made from
 * (tf.variable, Adam's setWeights), another variable assigned from it. tfjs's step gives the
 * variable new bytes and leaves those tensors the old values; so a shared variable first gets a
 * copy of its own (one copy, as assign would make) and that is updated. Unshared, nothing is copied:
 * the usual case (no copies in trainStep steps of the MLP and conv variants).
 */
function ownData(backend: WasmInternals, variable: tf.Variable): void {
  if (backend.refCount(variable.dataId) <= 1) return;
  const info = backend.makeOutput(variable.shape, "float32");
  const from = offsetOf(backend, variable);
  const to = offsetOf(backend, info);
  heapOf(backend).copyWithin(to, from, from + variable.size * 4);
  const copy = tf.engine().makeTensorFromTensorInfo(info, backend);
  variable.assign(copy);
  copy.dispose();
}

/**
 * Whether `optimizer` is a FusedAdamOptimizer. Not `instanceof`: tf.Optimizer defines
 * Symbol.hasInstance by duck typing, so every optimizer passes `instanceof FusedAdamOptimizer`.
 */
export function isFusedAdam(optimizer: tf.Optimizer): optimizer is FusedAdamOptimizer {
  return Object.prototype.isPrototypeOf.call(FusedAdamOptimizer.prototype, optimizer);
}

/** tf.train.adam's signature and defaults, for a FusedAdamOptimizer. */
export function fusedAdam(learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon: number | null = null): FusedAdamOptimizer {
  return new FusedAdamOptimizer(learningRate, beta1, beta2, epsilon ?? undefined);
}
