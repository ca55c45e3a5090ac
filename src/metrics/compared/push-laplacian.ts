import { pushMetric } from "./push.js";

export const pushLaplacian = pushMetric("pushLaplacian", "Laplacian-variance ratio", "laplacianRatio", (r) => r.laplacianRatio);
