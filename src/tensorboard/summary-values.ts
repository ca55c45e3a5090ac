import { Colorspace, type SummaryValue } from "./proto.js";
import type { ImageGrid } from "./image-grid.js";

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
export function imageValue(tag: string, png: Buffer, grid: Pick<ImageGrid, "height" | "width" | "channels">): SummaryValue {
  return {
    tag,
    metadata: { pluginData: { pluginName: "images" } },
    image: {
      height: grid.height,
      width: grid.width,
      colorspace: grid.channels === 1 ? Colorspace.GREY : Colorspace.RGB,
      encodedImageString: png,
    },
  };
}

export function wallTimeSeconds(): number {
  return Date.now() / 1000;
}
