import { pushMetric } from "./push.js";

export const pushGradient = pushMetric("pushGradient", "sharpness ratio (gradient)", "sharpnessGradient", (r) => r.gradientRatio);
