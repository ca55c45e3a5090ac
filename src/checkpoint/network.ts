import * as tf from "@tensorflow/tfjs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { CheckpointError } from "./errors.js";
import { readJsonFile, writeFileSynced } from "./files.js";
import { parseManifest, readWeights, sameShape, shapeText } from "./weights.js";

export const MODEL_JSON = "model.json";
export const WEIGHTS_BIN = "weights.bin";

/**
 * Writes `model` as `dir/model.json` + `dir/weights.bin`, byte for byte what `model.save` writes through
 * tfjs' file handlers, so `tf.loadLayersModel` (browser or tfjs-node) reads it. tfjs-node is not
 * installed, so `file://` has no save handler: withSaveHandler hands us the artifacts to write.
 */
export async function saveNetwork(model: tf.LayersModel, dir: string): Promise<void> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) };
    }),
  );
  if (!artifacts?.weightSpecs || artifacts.weightData === undefined) {
    throw new CheckpointError(`network ${model.name} produced no weights to save`);
  }
  // Same fields as tfjs' own getModelJSONForModelArtifacts (io_utils), which tf.io does not export.
  const modelJson: tf.io.ModelJSON = {
    modelTopology: artifacts.modelTopology as object,
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy,
    weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs }],
  };
  if (artifacts.userDefinedMetadata != null) modelJson.userDefinedMetadata = artifacts.userDefinedMetadata;
  if (artifacts.trainingConfig != null) modelJson.trainingConfig = artifacts.trainingConfig;
  await mkdir(dir, { recursive: true });
  await writeFileSynced(join(dir, WEIGHTS_BIN), new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData)));
  await writeFileSynced(join(dir, MODEL_JSON), JSON.stringify(modelJson));
}

/**
 * The saved weights of one network, checked against `model.weights` by position and shape. Names are
 * not compared: tfjs makes variable names unique per process (`dense/kernel_1` for a second model), and
 * model.save writes the weights in `model.weights` order. The caller owns the returned tensors.
 */
export async function readNetwork(model: tf.LayersModel, network: string, dir: string): Promise<tf.Tensor[]> {
  const file = join(dir, MODEL_JSON);
  const json = await readJsonFile(file);
  const weights = await readWeights(parseManifest(json, file), file);
  const tensors = weights.map((w) => w.tensor);
  try {
    const target = model.weights;
    if (weights.length !== target.length) {
      throw new CheckpointError(`${file} holds ${weights.length} weights but network '${network}' has ${target.length}`);
    }
    weights.forEach(({ spec, tensor }, i) => {
      const want = target[i];
      if (!sameShape(tensor.shape, want.shape as number[]) || tensor.dtype !== want.dtype) {
        throw new CheckpointError(
          `${file}: weight ${i} (${spec.name}) is ${spec.dtype} ${shapeText(tensor.shape)} but network '${network}' has ${want.dtype} ${shapeText(want.shape as number[])} (${want.originalName})`,
        );
      }
    });
    return tensors;
  } catch (error) {
    tf.dispose(tensors);
    throw error;
  }
}
