import { pushMetric } from "./push.js";

/** What the push costs in fidelity to the same targets. */
export const pushMse = pushMetric("pushMse", "MSE (sum per image)", "mse", (r) => r.mse);
