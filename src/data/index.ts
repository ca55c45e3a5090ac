export { DataError } from "./errors.js";
export type { Split, ImageShape } from "./split.js";
export { takePrefix } from "./split.js";
export { readIdxImages, readIdxLabels, parseIdxImages, parseIdxLabels, type IdxImages, type IdxLabels } from "./idx.js";
export { loadDataset, EMBEDDED_SOURCE, type Dataset, type LoadOptions } from "./dataset.js";
export { binarize, BINARIZE_MODES, type BinarizeMode } from "./binarize.js";
export { epochData, bernoulliStream } from "./epoch.js";
export { batches, identityOrder, type Batch, type BatchOptions } from "./batches.js";
