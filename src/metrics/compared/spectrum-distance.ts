import type { ComparedMetric } from "../registry.js";

/** Distance between the outputs' and the targets' mean normalised radial log power spectra (spectral-distance.ts). */
export const spectrumDistance: ComparedMetric = {
  name: "spectrumDistance",
  label: "radial spectrum distance",
  sesoi: "spectrumDistance",
  sesoiDefault: 0.01,
  value: (m) => m.spectrumDistance,
};
