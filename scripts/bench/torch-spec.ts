import type { NetworkName, RunConfig } from "../../src/config/schema.js";
import type { ImageShape } from "../../src/nn/index.js";

/**
 * Everything scripts/bench_torch.py needs to build and train a config's networks, resolved on this
 * side (defaults filled in by aelab's own schema), so Python never parses YAML or repeats a default.
 */
export interface TorchSpec {
  variant: RunConfig["model"]["variant"];
  shape: ImageShape;
  batch: number;
  seed: number;
  model: RunConfig["model"];
  adversarial: RunConfig["adversarial"];
  /** Adam per network, as aelab's buildOptimizers resolves it (train.optimizers over train.lr/betas). */
  optimizers: Partial<Record<NetworkName, { lr: number; betas: [number, number] }>>;
}

export function networksOf(variant: RunConfig["model"]["variant"]): NetworkName[] {
  switch (variant) {
    case "ae":
    case "vae":
      return ["encoder", "decoder"];
    case "aae":
      return ["encoder", "decoder", "latentDiscriminator"];
    case "ae+gan":
    case "vae+gan":
    case "vaegan":
      return ["encoder", "decoder", "discriminator"];
    default:
      throw new Error(`bench_torch: variant ${variant} is registered from a user's file and has no PyTorch twin`);
  }
}

export function torchSpec(config: RunConfig, shape: ImageShape): TorchSpec {
  const { model, adversarial, train } = config;
  const optimizers: TorchSpec["optimizers"] = {};
  for (const network of networksOf(model.variant)) {
    const own = train.optimizers[network] ?? {};
    optimizers[network] = { lr: own.lr ?? train.lr, betas: own.betas ?? train.betas };
  }
  return { variant: model.variant, shape, batch: train.batchSize, seed: config.seed, model, adversarial, optimizers };
}
