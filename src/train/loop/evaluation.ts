import type { RunConfig } from "../../config/schema.js";
import type { Split } from "../../data/index.js";
import type { Variant } from "../../models/index.js";
import type { ImageShape } from "../../nn/modules.js";
import { streamFor } from "../../random/rng.js";
import type { SummaryWriter } from "../../tensorboard/index.js";
import { evaluate, type Evaluation } from "../evaluate.js";
import { nllAvailability } from "../nll-availability.js";
import { seededNoise } from "../noise.js";
import { checkFinite } from "./nan-guard.js";

function logEvaluation(writer: SummaryWriter, evaluation: Evaluation, step: number, section: "test" | "validation"): void {
  for (const [tag, value] of Object.entries(evaluation.scalars)) writer.scalar(`${section}/${tag}`, value, step);
  writer.scalar(`${section}/latent/active_units`, evaluation.activeUnits, step);
  if (section === "test") evaluation.klPerDimension?.forEach((kl, i) => writer.scalar(`test/latent/kl_dim_${String(i).padStart(2, "0")}`, kl, step));
}

/**
 * The loop's evaluations of the test and validation splits, each checked for NaN and logged under its
 * section. Every evaluation draws the same noise, so epochs compare like with like.
 */
export class Evaluator {
  /** -log p(x) costs k decoder passes per test image, so only the last epoch's evaluation estimates it. */
  private readonly nllSamples: number;

  constructor(
    private readonly variant: Variant,
    private readonly config: RunConfig,
    private readonly shape: ImageShape,
    private readonly writer: SummaryWriter,
  ) {
    const { model, data, log } = config;
    this.nllSamples = nllAvailability(model.variant, model.recon, data.binarize !== "none").available ? log.nllSamples : 0;
  }

  private noise() {
    return seededNoise(streamFor(this.config.seed, "eval-noise"));
  }

  /** Test-split scalars at `step`, not logged: with `withNll`, also test nll and bpd where the run estimates them. */
  async test(split: Split, step: number, epoch: number, withNll = false): Promise<Evaluation> {
    const evaluation = await evaluate(this.variant, split, this.config.train.batchSize, this.shape, this.noise(), {
      // Its own noise stream (as aelab eval's), so every other test scalar is what it would be without it.
      ...(withNll && this.nllSamples > 0 ? { iwaeSamples: this.nllSamples, iwaeNoise: seededNoise(streamFor(this.config.seed, "iwae-noise")) } : {}),
    });
    checkFinite(Object.entries(evaluation.scalars), step, epoch, (tag) => `test/${tag}`);
    return evaluation;
  }

  async testAndLog(split: Split, step: number, epoch: number, withNll = false): Promise<Evaluation> {
    const evaluation = await this.test(split, step, epoch, withNll);
    logEvaluation(this.writer, evaluation, step, "test");
    return evaluation;
  }

  /** Validation-split scalars, by the same code and noise as the test split's, logged as validation/*. */
  async validateAndLog(split: Split, step: number, epoch: number): Promise<Evaluation> {
    const evaluation = await evaluate(this.variant, split, this.config.train.batchSize, this.shape, this.noise());
    checkFinite(Object.entries(evaluation.scalars), step, epoch, (tag) => `validation/${tag}`);
    logEvaluation(this.writer, evaluation, step, "validation");
    return evaluation;
  }
}
