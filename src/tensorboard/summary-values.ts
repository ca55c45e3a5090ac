import { Colorspace, DataType, encodeHparamsPluginData, type HistogramProto, type HParamsPluginData, type SummaryValue, type TensorProto } from "./proto.js";

export const FILE_VERSION = "brain.Event:2";

export function checkTag(tag: string): void {
  if (typeof tag !== "string" || tag.length === 0) {
    throw new TypeError(`summary tag must be a non-empty string (got ${JSON.stringify(tag)})`);
  }
}

export function checkStep(tag: string, step: number): void {
  // int64 on the wire, but a step past 2^53 would come back different from what was logged.
  if (!Number.isSafeInteger(step)) {
    throw new TypeError(`summary "${tag}": step must be a safe integer (got ${step})`);
  }
}

/**
 * Steps never go backwards within a tag. TensorBoard reads a smaller step as a restarted run and
 * silently discards every point of that tag at or after it, so a stray step would erase a curve;
 * the writer refuses it instead. An equal step is allowed (TensorBoard keeps the later point), and
 * so a resumed run continues with any step >= the last one it logged.
 */
export class StepGuard {
  private readonly last = new Map<string, number>();

  constructor(lastSteps?: Iterable<readonly [string, number]>) {
    for (const [tag, step] of lastSteps ?? []) this.last.set(tag, step);
  }

  /** Throws if `step` is before the last step logged for `tag`; otherwise records it. */
  advance(tag: string, step: number): void {
    const last = this.last.get(tag);
    if (last !== undefined && step < last) {
      throw new RangeError(
        `summary "${tag}": step ${step} is before step ${last}, already logged for this tag; ` +
          `TensorBoard would drop every point from step ${step} on. Steps must not go backwards within a tag ` +
          `(a resumed run continues at step >= ${last})`,
      );
    }
    this.last.set(tag, step);
  }

  lastStep(tag: string): number | undefined {
    return this.last.get(tag);
  }
}

export function checkScalar(tag: string, value: number): void {
  if (typeof value !== "number") {
    throw new TypeError(`summary "${tag}": scalar value must be a number (got ${typeof value})`);
  }
}

// No metadata: tensorboardX and TF 2 write plain simple_value, which TensorBoard's
// data_compat migrates to the scalars plugin on load.
export function scalarValue(tag: string, value: number): SummaryValue {
  return { tag, simpleValue: value };
}

// data_compat rewrites the metadata of a Summary.Image on load; plugin_name "images" still
// tells any other reader which plugin the tag belongs to.
export function imageValue(tag: string, png: Buffer, grid: { height: number; width: number; channels: 1 | 3 | 4 }): SummaryValue {
  return {
    tag,
    metadata: { pluginData: { pluginName: "images" } },
    image: {
      height: grid.height,
      width: grid.width,
      colorspace: grid.channels === 1 ? Colorspace.GREY : grid.channels === 3 ? Colorspace.RGB : Colorspace.RGBA,
      encodedImageString: png,
    },
  };
}

export function wallTimeSeconds(): number {
  return Date.now() / 1000;
}

// No metadata: TensorBoard's data_compat (Python and Rust alike) replaces whatever metadata a
// `histo` value carries with plugin "histograms" and converts it to the [k, 3] tensor the
// histogram plugin reads, as it does for tensorboardX's histograms.
export function histogramValue(tag: string, histo: HistogramProto): SummaryValue {
  return { tag, histo };
}

/** A rank-0 DT_STRING tensor, as tf.summary.text writes it; the text plugin renders it as Markdown. */
export function textValue(tag: string, markdown: string): SummaryValue {
  if (typeof markdown !== "string") {
    throw new TypeError(`summary "${tag}": text must be a string (got ${typeof markdown})`);
  }
  const tensor: TensorProto = { dtype: DataType.DT_STRING, tensorShape: {}, stringVal: [Buffer.from(markdown, "utf8")] };
  // content would be TextPluginData{version: 0}, which serializes to nothing.
  return { tag, metadata: { pluginData: { pluginName: "text" } }, tensor };
}

export const HPARAMS_TAGS = {
  experiment: "_hparams_/experiment",
  sessionStart: "_hparams_/session_start_info",
  sessionEnd: "_hparams_/session_end_info",
} as const;

// The data lives in the metadata; the value only needs *a* tensor, because TensorBoard's data
// server skips summary values without one. tensorboard/plugins/hparams/metadata.py uses this
// one: an empty float vector, 6 bytes on the wire.
const NULL_TENSOR: TensorProto = { dtype: DataType.DT_FLOAT, tensorShape: { dim: [{ size: 0 }] } };

export function hparamsValue(tag: string, data: HParamsPluginData): SummaryValue {
  const content = encodeHparamsPluginData({ version: 0, ...data });
  return { tag, metadata: { pluginData: { pluginName: "hparams", content } }, tensor: NULL_TENSOR };
}
