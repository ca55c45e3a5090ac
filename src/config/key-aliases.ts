/**
 * What other frameworks call a setting aelab has, so that a config written from habit (`learning_rate:`,
 * `batch_size:`) is answered with aelab's key. Only names whose meaning is aelab's key and nothing else:
 * `weight_decay` has no entry because aelab has no weight decay, `embed_dim` none because in
 * taming-transformers it is a VQ codebook's width, not a latent size, `base_learning_rate` none
 * because taming multiplies it by the batch size and GPU count before it is a learning rate.
 * A name aelab itself uses (`lr`, `beta`, `epochs`, `patience`) needs no entry: it is found by spelling.
 * tests/config/key-aliases.test.ts checks that every key here is in the schema.
 */
export interface KeyAlias {
  /** As the other framework writes it; matched ignoring case, `_` and `-`. */
  name: string;
  /** aelab's key path. */
  key: string;
  /** Where a researcher meets the name (a reminder for whoever edits this table, not shown). */
  from: string;
}

export const KEY_ALIASES: readonly KeyAlias[] = [
  { name: "learning_rate", key: "train.lr", from: "Lightning, Keras, Hugging Face, pythae" },
  { name: "encoder_learning_rate", key: "train.optimizers.encoder.lr", from: "pythae coupled-optimizer trainers" },
  { name: "decoder_learning_rate", key: "train.optimizers.decoder.lr", from: "pythae coupled-optimizer trainers" },
  { name: "discriminator_learning_rate", key: "train.optimizers.discriminator.lr", from: "pythae adversarial trainer" },
  { name: "batch_size", key: "train.batchSize", from: "Lightning, Keras, pythae" },
  { name: "train_batch_size", key: "train.batchSize", from: "PyTorch-VAE data_params" },
  { name: "per_device_train_batch_size", key: "train.batchSize", from: "Hugging Face, pythae" },
  { name: "num_epochs", key: "train.epochs", from: "pythae" },
  { name: "max_epochs", key: "train.epochs", from: "Lightning Trainer, PyTorch-VAE trainer_params" },
  { name: "n_epochs", key: "train.epochs", from: "common scripts" },
  { name: "num_train_epochs", key: "train.epochs", from: "Hugging Face" },
  { name: "manual_seed", key: "seed", from: "PyTorch-VAE exp_params" },
  { name: "seed_everything", key: "seed", from: "LightningCLI" },
  { name: "random_seed", key: "seed", from: "common scripts" },
  { name: "latent_dim", key: "model.latent.size", from: "pythae, PyTorch-VAE, Keras VAE example" },
  { name: "latent_dims", key: "model.latent.size", from: "common scripts" },
  { name: "latent_size", key: "model.latent.size", from: "common scripts" },
  { name: "z_dim", key: "model.latent.size", from: "common scripts" },
  { name: "kld_weight", key: "model.beta", from: "PyTorch-VAE exp_params" },
  { name: "kl_weight", key: "model.beta", from: "latent-diffusion LPIPSWithDiscriminator" },
  { name: "reconstruction_loss", key: "model.recon", from: "pythae" },
  { name: "recon_loss", key: "model.recon", from: "common scripts" },
  { name: "reconstruction_layer", key: "model.discriminator.featureLayer", from: "pythae VAEGAN" },
  { name: "disc_weight", key: "adversarial.weight", from: "taming-transformers, latent-diffusion lossconfig" },
  { name: "discriminator_weight", key: "adversarial.weight", from: "taming-transformers VQLPIPSWithDiscriminator" },
  { name: "adversarial_weight", key: "adversarial.weight", from: "common scripts" },
  { name: "adv_weight", key: "adversarial.weight", from: "common scripts" },
  { name: "disc_start", key: "adversarial.start", from: "taming-transformers, latent-diffusion lossconfig" },
  { name: "discriminator_iter_start", key: "adversarial.start", from: "taming-transformers VQLPIPSWithDiscriminator" },
  { name: "disc_loss", key: "adversarial.loss", from: "taming-transformers" },
  { name: "gan_mode", key: "adversarial.loss", from: "pix2pix, CycleGAN" },
  { name: "n_critic", key: "adversarial.discriminatorSteps", from: "WGAN-GP" },
  { name: "min_delta", key: "train.earlyStopping.minDelta", from: "Keras, Lightning EarlyStopping" },
  { name: "early_stopping_threshold", key: "train.earlyStopping.minDelta", from: "Hugging Face EarlyStoppingCallback" },
  { name: "early_stopping_patience", key: "train.earlyStopping.patience", from: "Hugging Face EarlyStoppingCallback" },
  { name: "eval_early_stopping", key: "train.earlyStopping.patience", from: "pythae" },
  { name: "restore_best_weights", key: "train.earlyStopping.restoreBestWeights", from: "Keras EarlyStopping" },
  { name: "start_from_epoch", key: "train.earlyStopping.startFromEpoch", from: "Keras EarlyStopping" },
  { name: "validation_split", key: "data.validation", from: "Keras fit" },
  { name: "data_path", key: "data.source", from: "PyTorch-VAE data_params" },
  { name: "data_dir", key: "data.source", from: "Lightning DataModules" },
  { name: "steps_saving", key: "train.checkpointEvery", from: "pythae (epochs between checkpoints)" },
  { name: "log_every_n_steps", key: "log.every", from: "Lightning Trainer" },
  { name: "logging_steps", key: "log.every", from: "Hugging Face" },
  { name: "flush_secs", key: "log.flushSeconds", from: "TensorBoard SummaryWriter, Lightning TensorBoardLogger" },
];

/** `learningRate`, `learning-rate` and `LEARNING_RATE` are one name. */
export const foldKeyName = (name: string): string => name.toLowerCase().replace(/[-_]/g, "");
