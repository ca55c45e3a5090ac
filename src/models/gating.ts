/** The discriminator's BCE on real inputs and on decoded prior samples: the signals Larsen's gating reads. */
export const GATE_SIGNALS = ["D_bce_real", "D_bce_prior"] as const;

/**
 * Larsen et al.'s reference code balances the VAE-GAN game: the discriminator skips its update while it
 * wins by a margin (either BCE below equilibrium - margin), the decoder skips its update while the
 * discriminator loses by one (either BCE above equilibrium + margin), and if both would skip, both train.
 * Before the first step there are no signals, and both train.
 */
export function larsenGate(signals: ReadonlyMap<string, number>, equilibrium: number, margin: number): { decoder: boolean; discriminator: boolean } {
  const values = GATE_SIGNALS.map((name) => signals.get(name));
  if (values.some((v) => v === undefined)) return { decoder: true, discriminator: true };
  const bce = values as number[];
  const discriminator = !bce.some((v) => v < equilibrium - margin);
  const decoder = !bce.some((v) => v > equilibrium + margin);
  return discriminator || decoder ? { decoder, discriminator } : { decoder: true, discriminator: true };
}
