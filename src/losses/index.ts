export { featureReconstruction } from "./feature.js";
export { discriminatorLoss, generatorLoss, meanVerdict, type GanLossKind } from "./gan.js";
export { gaussianKl, gaussianKlPerDimension } from "./kl.js";
export { bceWithLogits, pixelLoss, reconstructionLoss, sumPerExample, type ReconKind } from "./reconstruction.js";
