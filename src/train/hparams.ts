import { stringify } from "yaml";
import type { RunConfig } from "../config/schema.js";
import { adversaryOf } from "../config/variant-names.js";
import type { TrainResult } from "./loop.js";
import { formatNumber } from "./progress.js";

/**
 * The hyper-parameters a run records for TensorBoard's HParams dashboard. `adversarial_weight` is the
 * effective weight of the adversarial term (for VAE-GAN, of the decoder's GAN loss; gamma weighs its feature
 * loss): 0 for variants without one, or for an adaptive or ratio balance the factor that balance's lambda
 * is multiplied by.
 */
export function runHparams(config: RunConfig): Record<string, string | number | boolean> {
  const { model, adversarial, data, train } = config;
  const adversarialWeight = adversaryOf(model.variant) === undefined ? 0 : adversarial.weight;
  return {
    variant: model.variant,
    recon: model.recon,
    adversarial_weight: adversarialWeight,
    adversarial_loss: adversarialWeight === 0 ? "none" : adversarial.loss,
    // For an adaptive or ratio balance, adversarial_weight is the factor lambda is multiplied by.
    adversarial_balance: adversarialWeight === 0 ? "none" : adversarial.balance.mode,
    adversarial_start: adversarialWeight === 0 ? 0 : adversarial.start,
    // gaussian's σ or laplace's b: a number, "learned" or "optimal"; "none" for the other likelihoods.
    recon_scale: model.scale === undefined ? "none" : String(model.scale),
    binarize: data.binarize,
    seed: config.seed,
    lr: train.lr,
    batch_size: train.batchSize,
    epochs: train.epochs,
    latent_size: model.latent.size,
    beta: model.variant === "ae" || model.variant === "ae+gan" || model.variant === "aae" ? 0 : model.beta,
    encoder: model.encoder.type,
    decoder: model.decoder.type,
    data: data.source,
  };
}

/** The scalars the HParams table shows for every run (logged by every variant). */
export const HPARAM_METRICS = ["test/mse", "test/bce", "test/l1", "test/latent/active_units"] as const;

export function configMarkdown(config: RunConfig, configFile: string): string {
  return `Resolved config (from \`${configFile}\`):\n\n\`\`\`yaml\n${stringify(config)}\`\`\``;
}

/** The end-of-run summary: how it ended and the final test metrics, as a markdown table. */
export function summaryMarkdown(result: TrainResult, backend: string): string {
  const last = result.epochs.at(-1);
  const lines = [`**${result.stopped ? "Interrupted" : "Completed"}** after ${result.steps} steps on ${backend}.`, ""];
  if (last) {
    lines.push(`Epoch ${last.epoch}, ${Math.round(last.imagesPerSecond)} training images/s.`, "", "| test metric | value |", "| --- | --- |");
    for (const [tag, value] of Object.entries(last.test)) lines.push(`| ${tag} | ${formatNumber(value)} |`);
    lines.push(`| latent/active_units | ${last.activeUnits} |`);
  }
  return lines.join("\n");
}
