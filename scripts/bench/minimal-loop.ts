/**
 * (b) The same maths as aelab's variants, written as the shortest tfjs training loop: the project's
 * network builders (src/nn), loss functions (src/losses) and per-network Adam (src/train/optimizers, so
 * both loops run the same optimizer code), then tf.variableGrads + applyGradients per phase. Nothing
 * else: no phase machinery, no loss sums, no gradient norms, no shuffling. aelab's loop minus this one
 * is what the loop itself costs.
 */
import * as tf from "@tensorflow/tfjs";
import type { NetworkName, RunConfig } from "../../src/config/schema.js";
import { discriminatorLoss, featureReconstruction, gaussianKl, generatorLoss, reconstructionLoss, type ReconKind } from "../../src/losses/index.js";
import type { Variant } from "../../src/models/index.js";
import { buildDecoder, buildDiscriminator, buildEncoder, trainableVariables, type Discriminator, type ImageShape } from "../../src/nn/index.js";
import { streamFor } from "../../src/random/rng.js";
import { buildOptimizers } from "../../src/train/optimizers.js";
import type { Timing } from "./args.js";
import { benchConfig, benchDataset, syncSteps } from "./config.js";
import { waitForDevice } from "./device-sync.js";
import type { Throughput } from "./job.js";
import type { StepTimer } from "./aelab-loop.js";
import { StepWindows } from "./windows.js";

type Step = (x: tf.Tensor4D, step: number) => void;

/** A variant (or option) the minimal loop has no hand-written version of: reported as n/a, not as a failure. */
export class NotWrittenError extends Error {
  override readonly name = "NotWrittenError";
}

const weighted = (value: tf.Scalar, weight: number): tf.Scalar => (weight === 1 ? value : tf.mul(value, weight));
const reparameterize = (mean: tf.Tensor2D, logVariance: tf.Tensor2D): tf.Tensor2D =>
  tf.add(mean, tf.mul(tf.exp(tf.mul(0.5, logVariance)), tf.randomNormal(mean.shape))) as tf.Tensor2D;

/** Builds the networks and returns one training step of the config's variant. */
function buildStep(config: RunConfig, shape: ImageShape): { step: Step; dispose: () => void } {
  const { model, adversarial } = config;
  const rng = streamFor(config.seed, "weights");
  const gaussian = model.variant === "vae" || model.variant === "vae+gan" || model.variant === "vaegan";
  const encoder = buildEncoder(model, shape, gaussian, rng);
  const decoder = buildDecoder(model, shape, rng);
  const adversarialVariant = model.variant === "ae+gan" || model.variant === "vae+gan" || model.variant === "vaegan";
  const discriminator: Discriminator | undefined = adversarialVariant ? buildDiscriminator(model, shape, rng) : undefined;
  const networks: Partial<Record<NetworkName, tf.LayersModel>> = { encoder: encoder.model, decoder: decoder.model, discriminator: discriminator?.model };
  // buildOptimizers reads only `networks` and the phases' own-optimizer requests (none here); going through it keeps the optimizer identical to aelab's.
  const optimizers = buildOptimizers({ networks, phases: [] } as unknown as Variant, config.train);
  const dispose = () => {
    for (const m of Object.values(networks)) m?.dispose();
    for (const o of Object.values(optimizers)) o?.dispose();
  };

  /** A phase: the gradient of its loss for these networks' variables, each network's part applied by its own Adam. */
  const phase = (names: NetworkName[]) => {
    const groups = names.map((n) => ({ optimizer: optimizers[n]!, vars: trainableVariables(networks[n]!) }));
    const vars = groups.flatMap((g) => g.vars);
    return (loss: () => tf.Scalar) => {
      const { grads } = tf.variableGrads(loss, vars);
      for (const g of groups) g.optimizer.applyGradients(Object.fromEntries(g.vars.map((v) => [v.name, grads[v.name]])));
    };
  };
  const gan = adversarial.loss;
  const every = (step: number) => (step + 1) % adversarial.discriminatorSteps === 0;

  switch (model.variant) {
    case "ae":
    case "vae": {
      const recon = model.recon as ReconKind;
      const autoencoder = phase(["encoder", "decoder"]);
      const step: Step = (x) =>
        tf.tidy(() =>
          autoencoder(() => {
            const { embedding: mean, logVariance } = encoder.encode(x);
            if (!logVariance) return reconstructionLoss(recon, decoder.decode(mean), x);
            const logits = decoder.decode(reparameterize(mean, logVariance));
            return tf.add(reconstructionLoss(recon, logits, x), weighted(gaussianKl(mean, logVariance), model.beta)) as tf.Scalar;
          }),
        );
      return { step, dispose };
    }
    case "ae+gan":
    case "vae+gan": {
      const recon = model.recon as ReconKind;
      const d = discriminator!;
      const [autoencoder, critic] = [phase(["encoder", "decoder"]), phase(["discriminator"])];
      const logitsOf = (x: tf.Tensor4D) => {
        const { embedding: mean, logVariance } = encoder.encode(x);
        return logVariance
          ? { logits: decoder.decode(reparameterize(mean, logVariance)), kl: gaussianKl(mean, logVariance) }
          : { logits: decoder.decode(mean) };
      };
      const step: Step = (x, i) =>
        tf.tidy(() => {
          let fake: tf.Tensor4D | undefined;
          if (every(i)) {
            autoencoder(() => {
              const { logits, kl } = logitsOf(x);
              fake = tf.keep(tf.sigmoid(logits) as tf.Tensor4D);
              const loss = tf.add(reconstructionLoss(recon, logits, x), weighted(generatorLoss(gan, d.discriminate(fake).logit), adversarial.weight));
              return (kl ? tf.add(loss, weighted(kl, model.beta)) : loss) as tf.Scalar;
            });
          }
          const shown = fake ?? (tf.sigmoid(logitsOf(x).logits) as tf.Tensor4D);
          critic(() => discriminatorLoss(gan, d.discriminate(x).logit, [d.discriminate(shown).logit], adversarial.labelSmoothing));
          fake?.dispose();
        });
      return { step, dispose };
    }
    case "vaegan": {
      if (adversarial.gating.enabled)
        throw new NotWrittenError("minimal loop: vaegan with gating is not written (it reads the discriminator's losses back every step)");
      const d = discriminator!;
      const [encoderPhase, decoderPhase, critic] = [phase(["encoder"]), phase(["decoder"]), phase(["discriminator"])];
      const decodeProbabilities = (z: tf.Tensor2D) => tf.sigmoid(decoder.decode(z)) as tf.Tensor4D;
      const step: Step = (x, i) =>
        tf.tidy(() => {
          // Later phases take what earlier ones computed as constants, as aelab's phases share them.
          let z: tf.Tensor2D | undefined;
          let realFeatures: tf.Tensor2D | undefined;
          let reconstruction: tf.Tensor4D | undefined;
          let priorSample: tf.Tensor4D | undefined;
          if (every(i)) {
            encoderPhase(() => {
              const { embedding: mean, logVariance } = encoder.encode(x);
              z = tf.keep(reparameterize(mean, logVariance!));
              realFeatures = tf.keep(d.discriminate(x).features);
              const reconFeatures = d.discriminate(decodeProbabilities(z)).features;
              return tf.add(weighted(gaussianKl(mean, logVariance!), model.beta), featureReconstruction(realFeatures, reconFeatures)) as tf.Scalar;
            });
            decoderPhase(() => {
              reconstruction = tf.keep(decodeProbabilities(z!));
              priorSample = tf.keep(decodeProbabilities(tf.randomNormal([x.shape[0], model.latent.size])));
              const onRecon = d.discriminate(reconstruction);
              const onPrior = d.discriminate(priorSample).logit;
              const gen = tf.add(generatorLoss(gan, onRecon.logit), generatorLoss(gan, onPrior)) as tf.Scalar;
              return tf.add(weighted(featureReconstruction(realFeatures!, onRecon.features), adversarial.gamma), gen) as tf.Scalar;
            });
          } else {
            const { embedding: mean, logVariance } = encoder.encode(x);
            reconstruction = decodeProbabilities(reparameterize(mean, logVariance!));
            priorSample = decodeProbabilities(tf.randomNormal([x.shape[0], model.latent.size]));
          }
          // Larsen's reference weights real : reconstructions : prior samples as 0.5 : 0.25 : 0.25, as aelab does.
          critic(() => {
            const fakes = tf.concat([d.discriminate(reconstruction!).logit, d.discriminate(priorSample!).logit]) as tf.Tensor2D;
            return weighted(discriminatorLoss(gan, d.discriminate(x).logit, [fakes], adversarial.labelSmoothing), 0.5);
          });
          for (const t of [z, realFeatures, reconstruction, priorSample]) t?.dispose();
        });
      return { step, dispose };
    }
    default:
      // aae, and a variant registered from a user's file.
      throw new NotWrittenError(`minimal loop: variant ${model.variant} is not written`);
  }
}

/** Runs the minimal loop on a config, marking each step on `timer` until it is done. */
export async function runMinimalLoop(file: string, batch: number, timer: StepTimer): Promise<void> {
  const sync = syncSteps();
  const config = benchConfig(file, batch, sync);
  const dataset = await benchDataset(config);
  const shape = { height: dataset.height, width: dataset.width, channels: dataset.channels };
  const { step, dispose } = buildStep(config, shape);
  const perBatch = batch * shape.height * shape.width * shape.channels;
  const batches = Math.floor(dataset.train.count / batch);
  try {
    timer.resume();
    for (let i = 0; !timer.done; i++) {
      const b = i % batches;
      const x = tf.tensor4d(dataset.train.images.subarray(b * perBatch, (b + 1) * perBatch), [batch, shape.height, shape.width, shape.channels]);
      step(x, i);
      x.dispose();
      // On webgpu, wait for the device where aelab's loop reads its losses back (benchConfig's log.every).
      if ((i + 1) % sync === 0 && sync > 1) await waitForDevice();
      timer.step();
    }
  } finally {
    dispose();
  }
}

export async function minimalLoopThroughput(file: string, batch: number, timing: Timing): Promise<Throughput> {
  const windows = new StepWindows(timing, batch, syncSteps());
  await runMinimalLoop(file, batch, windows);
  return windows.result();
}
