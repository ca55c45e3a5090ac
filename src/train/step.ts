import * as tf from "@tensorflow/tfjs";
import type { NetworkName } from "../config/schema.js";
import type { LossTerm, Noise, Phase, PhaseResult, StepContext, Variant } from "../models/variant.js";
import { trainableVariables } from "../nn/modules.js";
import type { ScalarAccumulator } from "./accumulator.js";
import { gradientNorm } from "./gradient-norm.js";

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

/** Whether a phase runs at this (0-based) step: every `every`-th step, and only if its gate is open. */
export function phaseSchedule(phase: Phase, step: number, signals: ReadonlyMap<string, number>): "run" | "off-schedule" | "gated" {
  if (phase.every && (step + 1) % phase.every !== 0) return "off-schedule";
  return phase.enabled && !phase.enabled(signals) ? "gated" : "run";
}

export interface StepState {
  /** The last step's gate signals (read back only for variants that gate). */
  signals: Map<string, number>;
}

/**
 * One optimisation step. Each phase takes the gradient of its own weighted loss with respect to its own
 * networks' variables only (tfjs prunes the tape to paths from those variables, so nothing is computed
 * for the others), and each network's own optimizer applies its part. What a phase shares is a constant
 * for later phases. Term values, diagnostics and gradient norms are summed on the backend; only gate
 * signals are read back, because the next step's schedule depends on them.
 */
export function trainStep(
  variant: Variant,
  runners: readonly PhaseRunner[],
  optimizers: Partial<Record<NetworkName, tf.Optimizer>>,
  x: tf.Tensor4D,
  noise: Noise,
  step: number,
  state: StepState,
  sums: ScalarAccumulator,
): void {
  const kept: tf.Tensor[] = [];
  const keep = <T extends tf.Tensor>(t: T): T => {
    kept.push(tf.keep(t));
    return t;
  };
  tf.tidy(() => {
    const shared = new Map<string, tf.Tensor>();
    const ctx: StepContext = { x, noise, shared };
    const values = new Map<string, tf.Scalar>();
    const collect = (phase: Phase, result: PhaseResult, trained = true) => {
      for (const [name, t] of Object.entries(result.share ?? {})) shared.set(name, keep(t));
      for (const [name, t] of Object.entries(result.diagnostics ?? {})) values.set(`diagnostics/${name}`, keep(t));
      // A gated phase's terms are not what any network descended this step, so they are not logged.
      if (trained) for (const term of result.terms) values.set(`${phase.name}/${term.name}`, keep(term.value));
    };

    for (const { phase, variables, networkOf } of runners) {
      const schedule = phaseSchedule(phase, step, state.signals);
      if (phase.enabled) values.set(`gating/${phase.name}_skipped`, tf.scalar(schedule === "gated" ? 1 : 0));
      if (schedule === "off-schedule") continue;
      if (schedule === "gated") {
        // A gated phase still runs forward (no gradient) when the gate reads its diagnostics,
        // or the gate could never reopen.
        if (variant.gateSignals) collect(phase, phase.run(ctx), false);
        continue;
      }
      const { value, grads } = tf.variableGrads(() => {
        const result = phase.run(ctx);
        collect(phase, result);
        return weightedTotal(result.terms);
      }, variables);
      values.set(`${phase.name}/loss`, value);

      const byNetwork = new Map<NetworkName, tf.NamedTensorMap>();
      for (const [name, grad] of Object.entries(grads)) {
        const network = networkOf.get(name)!;
        if (!byNetwork.has(network)) byNetwork.set(network, {});
        byNetwork.get(network)![name] = grad;
      }
      for (const [network, networkGrads] of byNetwork) {
        values.set(`diagnostics/grad_norm/${network}`, gradientNorm(Object.values(networkGrads)));
        optimizers[network]!.applyGradients(networkGrads);
      }
    }
    sums.add(values);
    for (const name of variant.gateSignals ?? []) {
      const signal = values.get(`diagnostics/${name}`);
      if (signal) state.signals.set(name, signal.dataSync()[0]);
    }
  });
  for (const t of kept) t.dispose();
}
