export { DataError } from "./errors.js";
export type { Split, FloatSplit, ImageShape, Pixels } from "./split.js";
export { takePrefix, unitFloats, pixelsLike } from "./split.js";
export { readIdxImages, readIdxLabels, parseIdxImages, parseIdxLabels, type IdxImages, type IdxLabels } from "./idx.js";
export { loadDataset, sourceKind, EMBEDDED_SOURCE, type Dataset, type LoadOptions, type SourceKind } from "./dataset.js";
export { dataCacheDir, dataCacheNear } from "./cache-dir.js";
export { binarize, BINARIZE_MODES, type BinarizeMode } from "./binarize.js";
export { epochData, bernoulliStream } from "./epoch.js";
export { batches, identityOrder, type Batch, type BatchOptions } from "./batches.js";
