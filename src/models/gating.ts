/**
 * The discriminator's BCE on real inputs, and on the fakes: its mean over reconstructions and decoded
 * prior samples together (andersbll/autoencoding_beyond_pixels, model/aegan.py, AEGAN.update: the
 * "fake" cost is the mean over the generated half of the discriminator's batch, which holds both).
 */
export const GATE_SIGNALS = ["D_bce_real", "D_bce_fake"] as const;

/**
 * Larsen et al.'s reference code balances the VAE-GAN game (model/aegan.py, GradientDescent.train_epoch):
 * the discriminator skips its update while it wins by a margin (either BCE below equilibrium - margin),
 * the decoder skips its update while the discriminator loses by one (either BCE above equilibrium +
 * margin), and if both would skip, both train. The encoder always trains. The BCEs are this step's,
 * measured before any network of the step has moved, as there. Without signals, both train.
 */
export function larsenGate(signals: ReadonlyMap<string, number>, equilibrium: number, margin: number): { decoder: boolean; discriminator: boolean } {
  const values = GATE_SIGNALS.map((name) => signals.get(name));
  if (values.some((v) => v === undefined)) return { decoder: true, discriminator: true };
  const bce = values as number[];
  const discriminator = !bce.some((v) => v < equilibrium - margin);
  const decoder = !bce.some((v) => v > equilibrium + margin);
  return discriminator || decoder ? { decoder, discriminator } : { decoder: true, discriminator: true };
}
