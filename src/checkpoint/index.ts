import * as tf from "@tensorflow/tfjs";
import { existsSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { asFileSystemError } from "../util/file-system-error.js";
import { CheckpointError, reason } from "./errors.js";
import { readJsonFile, removeStaleTemps, swapIn, syncDir, writeFileSynced } from "./files.js";
import { readNetwork, saveNetwork } from "./network.js";
import { applyOptimizer, readOptimizer, saveOptimizer, type OptimizerState } from "./optimizer.js";
import { applyVariables, readVariables, saveVariables, type SavedVariable, type Variables } from "./variables.js";

export { CheckpointError } from "./errors.js";

/**
 * Checkpoints for exact resume. Layout under a run folder:
 *
 *   checkpoint/<network>/model.json + weights.bin   tfjs LayersModel format (tf.loadLayersModel reads it)
 *   checkpoint/optimizers/<name>.json + .bin        optimizer slots by weight position, iterations
 *   checkpoint/state.json                           epoch, step, extra (RNG states, counters), variables
 *                                                   (state outside networks and optimizers, by name), time
 *
 * A save writes a complete `checkpoint.tmp-<pid>` and swaps it in with renames (see swapIn for what a
 * crash at each point leaves), so a run folder always holds the old or the new checkpoint, never a mix.
 */

export interface CheckpointState {
  epoch: number;
  step: number;
  /** Plain JSON: RNG states (`Rng.state()`), counters, anything the loop needs to continue exactly. */
  extra: Record<string, unknown>;
}

export const CHECKPOINT_DIR = "checkpoint";
const OLD_DIR = "checkpoint.old";
const TEMP_PREFIX = "checkpoint.tmp-";
const OPTIMIZERS_DIR = "optimizers";
const STATE_JSON = "state.json";
const FORMAT = "aelab-checkpoint";
const VERSION = 1;

interface StateFile extends CheckpointState {
  format: typeof FORMAT;
  version: typeof VERSION;
  time: string;
  networks: string[];
  optimizers: string[];
  /** Absent in checkpoints of runs that had none. */
  variables?: Record<string, SavedVariable>;
}

// Networks and optimizers become folder and file names.
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

function checkName(kind: string, name: string): void {
  if (!SAFE_NAME.test(name) || name === OPTIMIZERS_DIR || name === STATE_JSON) {
    throw new CheckpointError(`${kind} name '${name}' cannot name a checkpoint file (letters, digits, _ . - only; not '${OPTIMIZERS_DIR}' or '${STATE_JSON}')`);
  }
}

function stateJson(state: CheckpointState, networks: string[], optimizers: string[], variables: Record<string, SavedVariable>): string {
  if (!Number.isInteger(state.epoch) || state.epoch < 0) throw new CheckpointError(`checkpoint state.epoch must be a whole number >= 0 (got ${state.epoch})`);
  if (!Number.isInteger(state.step) || state.step < 0) throw new CheckpointError(`checkpoint state.step must be a whole number >= 0 (got ${state.step})`);
  const file: StateFile = {
    format: FORMAT,
    version: VERSION,
    epoch: state.epoch,
    step: state.step,
    extra: state.extra,
    time: new Date().toISOString(),
    networks,
    optimizers,
    ...(Object.keys(variables).length > 0 ? { variables } : {}),
  };
  try {
    return JSON.stringify(file, null, 2);
  } catch (error) {
    throw new CheckpointError(`checkpoint state.extra is not plain JSON (${reason(error)})`);
  }
}

/**
 * Writes the networks, optimizers and progress state of a run into `<runDir>/checkpoint`, replacing the
 * previous checkpoint atomically. Optimizers may be keyed by network or by anything else: each of their
 * slots is stored against a trainable weight of one of `models`. `variables` is state outside both
 * (Variant.state). Returns the checkpoint folder.
 */
export async function saveCheckpoint(
  runDir: string,
  parts: { models: Record<string, tf.LayersModel>; optimizers: Record<string, tf.Optimizer>; variables?: Variables; state: CheckpointState },
): Promise<string> {
  const networks = Object.keys(parts.models);
  const optimizers = Object.keys(parts.optimizers);
  networks.forEach((n) => checkName("network", n));
  optimizers.forEach((n) => checkName("optimizer", n));
  const state = stateJson(parts.state, networks, optimizers, await saveVariables(parts.variables ?? {}));

  const dir = join(runDir, CHECKPOINT_DIR);
  const temp = join(runDir, `${TEMP_PREFIX}${process.pid}`);
  try {
    await mkdir(runDir, { recursive: true });
    await removeStaleTemps(runDir, TEMP_PREFIX);
    await mkdir(join(temp, OPTIMIZERS_DIR), { recursive: true });
    for (const name of networks) {
      await saveNetwork(parts.models[name], join(temp, name));
      await syncDir(join(temp, name));
    }
    for (const name of optimizers) await saveOptimizer(parts.optimizers[name], name, parts.models, join(temp, OPTIMIZERS_DIR));
    await syncDir(join(temp, OPTIMIZERS_DIR));
    await writeFileSynced(join(temp, STATE_JSON), state);
    await syncDir(temp);
  } catch (error) {
    // Nothing is published yet: the previous checkpoint is untouched. (On a read-only or vanished
    // folder the clean-up fails too; the next save removes what is left.)
    await rm(temp, { recursive: true, force: true }).catch(() => {});
    throw asFileSystemError(error, dir);
  }
  try {
    await swapIn(temp, dir, join(runDir, OLD_DIR), runDir);
  } catch (error) {
    throw asFileSystemError(error, dir);
  }
  return dir;
}

/**
 * The folder to load: `checkpoint`, or `checkpoint.old` when a crash came between the two renames of a
 * save (then it is the only complete one). Temp folders are never read.
 */
function checkpointDir(runDir: string): string | undefined {
  for (const name of [CHECKPOINT_DIR, OLD_DIR]) {
    if (existsSync(join(runDir, name, STATE_JSON))) return join(runDir, name);
  }
  return undefined;
}

/** Whether `runDir` holds a checkpoint loadCheckpoint can read. */
export function hasCheckpoint(runDir: string): boolean {
  return checkpointDir(runDir) !== undefined;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function parseState(json: unknown, file: string): StateFile {
  if (!isRecord(json) || json.format !== FORMAT) throw new CheckpointError(`${file}: format is not "${FORMAT}"`);
  if (json.version !== VERSION) throw new CheckpointError(`${file}: version ${JSON.stringify(json.version)} is not one this aelab reads (${VERSION})`);
  for (const field of ["epoch", "step"] as const) {
    const v = json[field];
    if (!Number.isInteger(v) || (v as number) < 0) throw new CheckpointError(`${file}: ${field} must be a whole number >= 0 (got ${JSON.stringify(v)})`);
  }
  if (!isRecord(json.extra)) throw new CheckpointError(`${file}: extra must be an object`);
  for (const field of ["networks", "optimizers"] as const) {
    const v = json[field];
    if (!Array.isArray(v) || !v.every((n) => typeof n === "string" && SAFE_NAME.test(n))) {
      throw new CheckpointError(`${file}: ${field} must be a list of names`);
    }
  }
  return json as unknown as StateFile;
}

/**
 * Restores the networks and optimizers given in `into` from `<runDir>/checkpoint` and returns the
 * progress state. Everything is read and checked before anything changes, so a CheckpointError leaves
 * the models and optimizers as they were. Works into freshly built networks, in this process or another.
 * A checkpoint may hold more networks than asked for (e.g. only the decoder, to sample).
 */
export async function loadCheckpoint(
  runDir: string,
  into: { models: Record<string, tf.LayersModel>; optimizers: Record<string, tf.Optimizer>; variables?: Variables },
): Promise<CheckpointState> {
  const dir = checkpointDir(runDir);
  if (!dir) throw new CheckpointError(`no checkpoint in ${runDir} (looked for ${join(runDir, CHECKPOINT_DIR, STATE_JSON)})`);
  const stateFile = join(dir, STATE_JSON);
  const state = parseState(await readJsonFile(stateFile), stateFile);
  const variables = readVariables(state.variables, into.variables ?? {}, stateFile);

  const weights = new Map<string, tf.Tensor[]>();
  const optimizerStates = new Map<string, OptimizerState>();
  const disposeRead = (): void => {
    for (const tensors of weights.values()) tf.dispose(tensors);
    for (const s of optimizerStates.values()) tf.dispose(s.tensors);
  };
  try {
    for (const [name, model] of Object.entries(into.models)) {
      if (!state.networks.includes(name)) {
        throw new CheckpointError(`checkpoint ${dir} has no network '${name}' (it has: ${state.networks.join(", ") || "none"})`);
      }
      weights.set(name, await readNetwork(model, name, join(dir, name)));
    }
    for (const [name, optimizer] of Object.entries(into.optimizers)) {
      if (!state.optimizers.includes(name)) {
        throw new CheckpointError(`checkpoint ${dir} has no optimizer '${name}' (it has: ${state.optimizers.join(", ") || "none"})`);
      }
      optimizerStates.set(name, await readOptimizer(name, optimizer, into.models, join(dir, OPTIMIZERS_DIR)));
    }
  } catch (error) {
    disposeRead();
    throw error;
  }

  try {
    for (const [name, tensors] of weights) into.models[name].setWeights(tensors);
  } finally {
    for (const tensors of weights.values()) tf.dispose(tensors);
  }
  try {
    for (const [name, s] of optimizerStates) {
      optimizerStates.delete(name);
      await applyOptimizer(into.optimizers[name], s, into.models);
    }
  } finally {
    for (const s of optimizerStates.values()) tf.dispose(s.tensors);
  }
  applyVariables(variables);
  return { epoch: state.epoch, step: state.step, extra: state.extra };
}
