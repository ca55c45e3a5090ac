import * as tf from "@tensorflow/tfjs";
import type { Likelihood } from "./index.js";
import { BUILT_IN_LIKELIHOODS, registeredLikelihood, registeredLikelihoodNames } from "./registry.js";

/** The Likelihood a registered name stands for; tidy like the built-in ones, whatever the definition does. */
export function buildRegisteredLikelihood(name: string): Likelihood {
  const definition = registeredLikelihood(name);
  if (!definition)
    throw new Error(
      `no likelihood named ${name} (built in: ${BUILT_IN_LIKELIHOODS.join(", ")}; registered: ${registeredLikelihoodNames().join(", ") || "none"})`,
    );
  const nllPerExample = (logits: tf.Tensor, target: tf.Tensor) => tf.tidy(() => definition.nllPerExample(logits, target));
  return {
    kind: name,
    nllPerExample,
    loss: (logits, target) => tf.tidy(() => tf.mean(nllPerExample(logits, target)) as tf.Scalar),
    mean: (logits) => tf.sigmoid(logits),
    diagnostics: (logits, target) => tf.tidy(() => definition.diagnostics?.(logits, target) ?? {}),
  };
}
