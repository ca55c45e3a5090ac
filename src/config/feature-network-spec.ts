/**
 * The feature network aelab trains itself for every dataset, in place of pretrained ImageNet weights
 * (which cannot be downloaded on air-gapped machines and mean little for 28x28 digits): three strided
 * 3x3 conv blocks (their ReLU outputs are the perceptual loss's layers), a 128-unit ReLU layer (the
 * feature space of rFID, KID and precision/recall) and a head. Trained on the dataset's train split with
 * every train image shifted by up to 2 pixels each epoch (the shifts keep the MLP classifier from
 * overfitting, classifier-train.ts). Measured on the embedded MNIST (8,334 train / 1,666 test, native
 * kernels, 2 cores, seed 2): filters 16-32-64 for 5 epochs reach 96.5% test accuracy in 20-30 s;
 * 32-64-128 reached 97.4% in about twice the time, 16-32-64 for 3 epochs 94.9%. Bump `version`
 * whenever training changes in a way the other fields do not show: every cached network is retrained.
 */
export const FEATURE_NET_SPEC = {
  version: 1,
  filters: [16, 32, 64],
  kernel: 3,
  strides: 2,
  features: 128,
  batchSize: 64,
  lr: 1e-3,
  maxShift: 2,
} as const;

export type FeatureNetSpec = typeof FEATURE_NET_SPEC;

/**
 * What the network learns from. `classes`: the dataset's labels (softmax cross-entropy). `flips`, for
 * unlabelled data: a self-supervised pretext task in the manner of RotNet (Gidaris et al. 2018), predicting
 * which of the four shape-preserving flips (none, left-right, up-down, both = a half turn) was applied to
 * the image; rotations by a quarter turn would need square images. Its "accuracy" is that of the pretext
 * task, recorded as such.
 */
export type FeatureObjective = "classes" | "flips";

/** Passes over the train split unless a caller says otherwise (part of the cache key). */
export const DEFAULT_FEATURE_EPOCHS = 5;

/**
 * The two independently seeded networks: `loss` is the one a perceptual loss descends through;
 * `evaluation` measures every feature metric, so a metric is never computed in the feature space a loss
 * optimised (which would favour that loss). A perceptual loss may not use the evaluation seed.
 */
export const FEATURE_SEEDS = { loss: 1, evaluation: 2 } as const;

/** Which feature space a metric was measured in: recorded beside every value that uses it. */
export interface FeatureSpaceIdentity {
  /** The cache entry's name: `<datasetKey>-f<spec version>-<objective>-s<seed>-e<epochs>`. */
  key: string;
  objective: FeatureObjective;
  seed: number;
  epochs: number;
  specVersion: number;
  /** On the dataset's test split, for the objective (class accuracy, or the flip pretext task's). */
  testAccuracy: number;
}
