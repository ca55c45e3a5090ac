import { pushMetric } from "./push.js";

export const pushHighFrequency = pushMetric("pushHighFrequency", "high-frequency energy ratio", "highFrequencyRatio", (r) => r.highFrequencyRatio);
