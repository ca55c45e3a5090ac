import { basename, normalize } from "node:path";

/** A model the bench times: one shipped config, under a short key (--models) and a table label. */
export interface BenchModel {
  key: string;
  label: string;
  config: string;
}

/** The default set: each shipped config at batch 128, MLP and conv, plain and adversarial. */
export const DEFAULT_MODELS: readonly BenchModel[] = [
  { key: "ae", label: "MLP AE", config: "configs/ae-mse.yaml" },
  { key: "vae", label: "MLP VAE", config: "configs/vae-bce.yaml" },
  { key: "conv-vae", label: "conv VAE", config: "configs/conv-vae-bce.yaml" },
  { key: "conv-vae-colour", label: "conv VAE, 32x32 RGB", config: "configs/conv-vae-colour.yaml" },
  { key: "vae+gan", label: "MLP VAE + pixel GAN", config: "configs/vae-mse+gan.yaml" },
  { key: "vaegan", label: "MLP VAE-GAN (Larsen)", config: "configs/vaegan.yaml" },
  { key: "vaegan-conv", label: "conv VAE-GAN", config: "configs/vaegan-conv.yaml" },
];

export const MODEL_KEYS: readonly string[] = DEFAULT_MODELS.map((m) => m.key);

/** The soak always trains the MLP VAE: one model is enough to see a leak, and it is the fastest to step. */
export const SOAK_MODEL: BenchModel = DEFAULT_MODELS[1];

/** A config file given on the command line: its default-set entry if it is one, else named after the file. */
export function modelForConfig(file: string): BenchModel {
  const known = DEFAULT_MODELS.find((m) => normalize(m.config) === normalize(file));
  if (known) return known;
  const name = basename(file).replace(/\.(ya?ml|json)$/i, "");
  return { key: name, label: name, config: file };
}
