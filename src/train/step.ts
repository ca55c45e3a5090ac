import * as tf from "@tensorflow/tfjs";
import type { NetworkName } from "../config/schema.js";
import type { LossTerm, Noise, Phase, PhaseResult, StepContext, Variant } from "../models/variant.js";
import { gradientNormOnTape } from "../losses/adaptive-weight.js";
import { trainableVariables } from "../nn/modules.js";
import type { AccumulatedValue, ScalarAccumulator } from "./accumulator.js";
import { isFusedAdam } from "./fused-adam.js";
import { gradientNorm } from "./gradient-norm.js";
import { optimizerFor } from "./optimizers.js";

/** A phase with the variables it may move, grouped by the network (and so the optimizer) they belong to. */
export interface PhaseRunner {
  phase: Phase;
  variables: tf.Variable[];
  networkOf: Map<string, NetworkName>;
}

export function phaseRunners(variant: Variant): PhaseRunner[] {
  return variant.phases.map((phase) => {
    const networkOf = new Map<string, NetworkName>();
    const variables = phase.trains.flatMap((network) => {
      const vars = trainableVariables(variant.networks[network]!);
      for (const v of vars) networkOf.set(v.name, network);
      return vars;
    });
    return { phase, variables, networkOf };
  });
}

/** The weighted sum of a phase's terms. */
export function weightedTotal(terms: readonly LossTerm[]): tf.Scalar {
  return terms.reduce<tf.Scalar>((total, term) => tf.add(total, term.weight === 1 ? term.value : tf.mul(term.value, term.weight)), tf.scalar(0));
}

/** Whether a phase is on schedule at this (0-based) step: from its `start` on, every `every`-th step. */
export function onSchedule(phase: Phase, step: number): boolean {
  if (phase.start !== undefined && step < phase.start) return false;
  return !phase.every || (step + 1) % phase.every === 0;
}

/**
 * tfjs's variableGrads silently leaves out a variable the loss does not depend on, and Adam pairs its
 * moments with gradients by position in the list it is given: one missing gradient would shift every
 * later variable onto another variable's moments without an error. So a phase must give a gradient to
 * every variable it trains, or the step stops here, before any optimizer has moved.
 */
export function assertGradientForEveryVariable(phase: Phase, variables: readonly tf.Variable[], grads: tf.NamedTensorMap): void {
  const missing = variables.filter((v) => !(v.name in grads)).map((v) => v.name);
  if (missing.length > 0) {
    throw new Error(
      `phase ${phase.name} trains ${phase.trains.join("+")} but its loss gives no gradient to ${missing.length} of their ${variables.length} variables (${missing.slice(0, 4).join(", ")}${missing.length > 4 ? ", ..." : ""}); a term that does not reach a trained network belongs in another phase`,
    );
  }
}

export interface StepState {
  /** The latest gate signals (this step's, read back only for variants that gate; kept in checkpoints). */
  signals: Map<string, number>;
}

/**
 * One optimisation step. Each phase takes the gradient of its own weighted loss with respect to its own
 * networks' variables only (tfjs prunes the tape to paths from those variables, so nothing is computed
 * for the others), and each network's own optimizer applies its part. What a phase shares is a constant
 * for later phases. Term values, diagnostics and gradient norms are summed on the backend; only gate
 * signals are read back, after a gated phase's forward pass, because whether its gradient is applied
 * depends on them (Larsen et al.'s reference code decides within the step, on the losses of that step).
 *
 * Asynchronous only for that read-back: a GPU backend (webgpu) cannot read synchronously in Node. So
 * the step's tensors live in an engine scope opened and closed here, as tf.tidy would, but across the
 * await; nothing else makes tensors meanwhile (the loop awaits each step). Ungated steps never await.
 */
export async function trainStep(
  variant: Variant,
  runners: readonly PhaseRunner[],
  optimizers: Partial<Record<NetworkName, tf.Optimizer>>,
  x: tf.Tensor4D,
  noise: Noise,
  step: number,
  state: StepState,
  sums: ScalarAccumulator,
): Promise<void> {
  const kept: tf.Tensor[] = [];
  const keep = <T extends tf.Tensor>(t: T): T => {
    kept.push(tf.keep(t));
    return t;
  };
  const engine = tf.engine();
  engine.startScope("trainStep");
  try {
    const shared = new Map<string, tf.Tensor>();
    // Phases run only inside their variableGrads, so gradientNorm always has the phase's tape to read.
    const ctx: StepContext = { x, noise, shared, step, training: true, gradientNorm: gradientNormOnTape };
    const values = new Map<string, AccumulatedValue>();
    const collect = (result: PhaseResult) => {
      for (const [name, t] of Object.entries(result.share ?? {})) shared.set(name, keep(t));
      for (const [name, t] of Object.entries(result.diagnostics ?? {})) values.set(`diagnostics/${name}`, keep(t));
    };
    const readSignals = async () => {
      for (const name of variant.gateSignals ?? []) {
        const signal = values.get(`diagnostics/${name}`);
        if (signal !== undefined) state.signals.set(name, typeof signal === "number" ? signal : (await signal.data())[0]);
      }
    };

    for (const { phase, variables, networkOf } of runners) {
      // Off schedule is not skipped: such steps are left out of gating/<phase>_skipped.
      if (!onSchedule(phase, step)) continue;
      let terms: LossTerm[] = [];
      const { value, grads } = tf.variableGrads(() => {
        const result = phase.run(ctx);
        collect(result);
        // Kept now: variableGrads disposes what its function made, and the gate decides only after it.
        for (const term of result.terms) keep(term.value);
        terms = result.terms;
        return weightedTotal(result.terms);
      }, variables);
      // On a throw the scope disposes the rest and the finally below what the step kept.
      assertGradientForEveryVariable(phase, variables, grads);
      if (phase.enabled) {
        // The gate reads this step's signals, from this phase's forward pass or an earlier phase's.
        await readSignals();
        const open = phase.enabled(state.signals);
        values.set(`gating/${phase.name}_skipped`, tf.scalar(open ? 0 : 1));
        // A gated phase's terms are not what any network descended this step, so they are not logged.
        if (!open) continue;
      }
      for (const term of terms) values.set(`${phase.name}/${term.name}`, term.value);
      values.set(`${phase.name}/loss`, value);

      const byNetwork = new Map<NetworkName, tf.NamedTensorMap>();
      for (const [name, grad] of Object.entries(grads)) {
        const network = networkOf.get(name)!;
        if (!byNetwork.has(network)) byNetwork.set(network, {});
        byNetwork.get(network)![name] = grad;
      }
      for (const [network, networkGrads] of byNetwork) {
        const optimizer = optimizerFor(optimizers, phase, network);
        // The fused native Adam measures the norm in its own pass over the gradients (undefined where
        // tfjs's Adam ran instead); any other optimizer just applies them. Then, if need be, one more pass.
        let norm: number | undefined;
        if (isFusedAdam(optimizer)) norm = optimizer.applyGradientsAndMeasure(networkGrads);
        else optimizer.applyGradients(networkGrads);
        values.set(`diagnostics/grad_norm/${network}`, norm ?? gradientNorm(Object.values(networkGrads)));
      }
    }
    sums.add(values);
  } finally {
    engine.endScope();
    for (const t of kept) t.dispose();
  }
}
