import type { ComparedMetric } from "../registry.js";

/** Mean output minus target over every pixel. */
export const signedError: ComparedMetric = {
  name: "signedError",
  label: "signed error, all pixels",
  sesoi: "signedError",
  value: (m) => m.signedError,
};
