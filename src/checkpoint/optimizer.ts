import * as tf from "@tensorflow/tfjs";
import { join } from "node:path";
import { CheckpointError } from "./errors.js";
import { readJsonFile, writeFileSynced } from "./files.js";
import { parseManifest, readWeights, sameShape, shapeText } from "./weights.js";

const FORMAT = "aelab-optimizer";
const VERSION = 1;

/** Which weight an optimizer slot belongs to: a network and a position in its `trainableWeights`. */
interface Slot {
  network: string;
  weight: number;
  /** The slot's kind, the last part of tfjs' name for it: `m`, `v` (Adam), `rms`, `momentum`, ... */
  slot: string;
}

interface OptimizerFile {
  format: typeof FORMAT;
  version: typeof VERSION;
  className: string;
  config: tf.serialization.ConfigDict;
  iterations: number;
  /** Adam's running beta1^(t+1) and beta2^(t+1), exactly as the optimizer holds them (see below). */
  adam?: { accBeta1: number; accBeta2: number };
  /** One entry per tensor of the weights manifest, in the optimizer's own order. */
  slots: Slot[];
  weightsManifest: tf.io.WeightsManifestConfig;
}

interface AdamInternals {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
}

/**
 * Adam's private running powers of beta. Its setWeights recomputes them as pow(beta, t + 1), which in
 * float32 need not equal the product of t + 1 roundings the live optimizer accumulated, and then the
 * first step after a resume would differ in the last bits. So they are saved and put back verbatim.
 */
function adamInternals(optimizer: tf.Optimizer): AdamInternals | undefined {
  if (optimizer.getClassName() !== "Adam") return undefined;
  const o = optimizer as unknown as Partial<AdamInternals>;
  return o.accBeta1 instanceof tf.Variable && o.accBeta2 instanceof tf.Variable ? (o as AdamInternals) : undefined;
}

/** Trainable variable name -> (network, position), over every network of the checkpoint. */
function variablePositions(models: Record<string, tf.LayersModel>): Map<string, { network: string; weight: number }> {
  const positions = new Map<string, { network: string; weight: number }>();
  for (const [network, model] of Object.entries(models)) {
    model.trainableWeights.forEach((w, weight) => positions.set((w.read() as tf.Variable).name, { network, weight }));
  }
  return positions;
}

/** Splits tfjs' optimizer weight name `<variable name>/<slot>`; variable names contain slashes too. */
function splitSlotName(name: string): { variable: string; slot: string } {
  const cut = name.lastIndexOf("/");
  return cut < 0 ? { variable: name, slot: "" } : { variable: name.slice(0, cut), slot: name.slice(cut + 1) };
}

/**
 * Writes `dir/<key>.json` + `dir/<key>.bin`. tfjs keys an optimizer's slots by variable names, which
 * differ between processes and between two builds of a network in one process, so each slot is stored
 * by the position of its variable in its network's `trainableWeights` instead. The slots keep the
 * optimizer's own order: Adam pairs its i-th moment with the i-th gradient it is given, not by name.
 */
export async function saveOptimizer(optimizer: tf.Optimizer, key: string, models: Record<string, tf.LayersModel>, dir: string): Promise<void> {
  const positions = variablePositions(models);
  const weights = await optimizer.getWeights();
  const [iter, ...slotWeights] = weights;
  // getWeights makes a fresh `iter` scalar; the other tensors are the optimizer's live variables.
  const iterations = (await iter.tensor.data())[0];
  iter.tensor.dispose();

  const slots: Slot[] = slotWeights.map(({ name }) => {
    const { variable, slot } = splitSlotName(name);
    const at = positions.get(variable);
    if (!at) {
      throw new CheckpointError(
        `optimizer '${key}' holds state for variable ${variable}, which is not a trainable weight of any network being saved (${Object.keys(models).join(", ")})`,
      );
    }
    return { ...at, slot };
  });
  const named = slotWeights.map(({ tensor }, i) => {
    const { network, weight, slot } = slots[i];
    return { name: `${models[network].trainableWeights[weight].originalName}/${slot}`, tensor };
  });
  const { data, specs } = await tf.io.encodeWeights(named);

  const adam = adamInternals(optimizer);
  const file: OptimizerFile = {
    format: FORMAT,
    version: VERSION,
    className: optimizer.getClassName(),
    config: optimizer.getConfig(),
    iterations,
    ...(adam ? { adam: { accBeta1: (await adam.accBeta1.data())[0], accBeta2: (await adam.accBeta2.data())[0] } } : {}),
    slots,
    weightsManifest: [{ paths: [`${key}.bin`], weights: specs }],
  };
  await writeFileSynced(join(dir, `${key}.bin`), new Uint8Array(data));
  await writeFileSynced(join(dir, `${key}.json`), JSON.stringify(file));
}

/** A read, checked optimizer state, ready to be put into an optimizer; owns its tensors until applied. */
export interface OptimizerState {
  file: OptimizerFile;
  tensors: tf.Tensor[];
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function parseOptimizerFile(json: unknown, file: string): OptimizerFile {
  if (!isRecord(json) || json.format !== FORMAT) throw new CheckpointError(`${file}: format is not "${FORMAT}"`);
  if (json.version !== VERSION) throw new CheckpointError(`${file}: version ${JSON.stringify(json.version)} is not one this aelab reads (${VERSION})`);
  if (typeof json.className !== "string") throw new CheckpointError(`${file}: className is missing`);
  if (!Number.isInteger(json.iterations) || (json.iterations as number) < 0) {
    throw new CheckpointError(`${file}: iterations must be a whole number >= 0 (got ${JSON.stringify(json.iterations)})`);
  }
  if (json.adam !== undefined) {
    const adam = json.adam;
    if (!isRecord(adam) || typeof adam.accBeta1 !== "number" || typeof adam.accBeta2 !== "number") {
      throw new CheckpointError(`${file}: adam must hold the numbers accBeta1 and accBeta2`);
    }
  }
  if (!Array.isArray(json.slots)) throw new CheckpointError(`${file}: slots is missing or not a list`);
  json.slots.forEach((s: unknown, i) => {
    if (!isRecord(s) || typeof s.network !== "string" || !Number.isInteger(s.weight) || typeof s.slot !== "string") {
      throw new CheckpointError(`${file}: slots[${i}] must be {network, weight, slot}`);
    }
  });
  return json as unknown as OptimizerFile;
}

/** Reads and checks `dir/<key>.json` + `.bin` against the networks it refers to, by position and shape. */
export async function readOptimizer(key: string, optimizer: tf.Optimizer, models: Record<string, tf.LayersModel>, dir: string): Promise<OptimizerState> {
  const path = join(dir, `${key}.json`);
  const json = await readJsonFile(path);
  const file = parseOptimizerFile(json, path);
  if (file.className !== optimizer.getClassName()) {
    throw new CheckpointError(`${path}: saved state is for a ${file.className} optimizer, but optimizer '${key}' is ${optimizer.getClassName()}`);
  }
  const weights = await readWeights(parseManifest(json, path), path);
  const tensors = weights.map((w) => w.tensor);
  try {
    if (weights.length !== file.slots.length) {
      throw new CheckpointError(`${path}: weightsManifest holds ${weights.length} tensors but slots lists ${file.slots.length}`);
    }
    file.slots.forEach(({ network, weight, slot }, i) => {
      const model = models[network];
      if (!model) throw new CheckpointError(`${path}: slots[${i}] belongs to network '${network}', which was not given to loadCheckpoint`);
      const target = model.trainableWeights[weight];
      if (!target) {
        throw new CheckpointError(
          `${path}: slots[${i}] belongs to trainable weight ${weight} of network '${network}', which has only ${model.trainableWeights.length}`,
        );
      }
      const shape = tensors[i].shape;
      if (!sameShape(shape, target.shape as number[])) {
        throw new CheckpointError(
          `${path}: slots[${i}] (${slot} of ${weights[i].spec.name}) is ${shapeText(shape)} but network '${network}' trainable weight ${weight} (${target.originalName}) is ${shapeText(target.shape as number[])}`,
        );
      }
    });
    return { file, tensors };
  } catch (error) {
    tf.dispose(tensors);
    throw error;
  }
}

/**
 * Puts a read state into `optimizer` via its own setWeights, renaming each slot to the variable now at
 * that position, and frees what it replaces: Adam's setWeights makes new moment variables without
 * disposing the old ones. The state's tensors are disposed (the new variables hold their own refs).
 */
export async function applyOptimizer(optimizer: tf.Optimizer, state: OptimizerState, models: Record<string, tf.LayersModel>): Promise<void> {
  const { file, tensors } = state;
  const iter = tf.scalar(file.iterations, "int32");
  const [previousIter, ...previousSlots] = await optimizer.getWeights();
  try {
    const named = file.slots.map(({ network, weight, slot }, i) => ({
      name: `${(models[network].trainableWeights[weight].read() as tf.Variable).name}/${slot}`,
      tensor: tensors[i],
    }));
    await optimizer.setWeights([{ name: "iter", tensor: iter }, ...named]);
    tf.dispose(previousSlots.map((w) => w.tensor));
    const adam = adamInternals(optimizer);
    if (adam && file.adam) {
      const { accBeta1, accBeta2 } = file.adam;
      tf.tidy(() => {
        adam.accBeta1.assign(tf.scalar(accBeta1));
        adam.accBeta2.assign(tf.scalar(accBeta2));
      });
    }
  } finally {
    previousIter.tensor.dispose();
    iter.dispose();
    tf.dispose(tensors);
  }
}
