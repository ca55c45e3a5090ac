export { gaussianKl, gaussianKlPerDimension } from "./kl.js";
export { bceWithLogits, pixelLoss, reconstructionLoss, sumPerExample, type ReconKind } from "./reconstruction.js";
