/**
 * A layout for TensorBoard's Custom Scalars dashboard (tensorboard/plugins/custom_scalar).
 *
 * How TensorBoard finds and uses it (custom_scalars_plugin.py, tf_custom_scalar_dashboard/):
 * - The layout is a `tensorboard.Layout` (layout.proto), serialized into a rank-0 DT_STRING tensor
 *   under the tag `custom_scalars__config__`, with plugin_name `custom_scalars` in its metadata. The
 *   plugin reads that tag from every run that has it and merges the layouts in run-name order: a
 *   category whose title was seen already gets the charts it lacks (identical charts once). So the
 *   layout may sit in any run; aelab writes it into the experiment folder itself (TensorBoard's run ".").
 * - A margin chart lists series of three *exact* tags (value, lower, upper): the dashboard escapes them
 *   into one regex and asks each selected run for its tags, then draws a series in every run that has
 *   all three, named `<value tag> (<run>)` and coloured by the run. Their steps must match, or it shows
 *   a "steps do not match" error instead. A run with none of a series' tags draws nothing and shows no
 *   warning; one lacking some tags of several series is listed under "Missing Tags".
 * - A multiline chart's tags are regexes, matched from the start of a tag.
 * - Version 0 is the only one.
 */
import protobuf from "protobufjs";
import { DataType, type SummaryValue } from "./proto.js";

// tensorboard/plugins/custom_scalar/layout.proto, field numbers and nesting as there.
export const LAYOUT_PROTO = `
syntax = "proto3";
package tensorboard;

message Chart {
  string title = 1;
  oneof content {
    MultilineChartContent multiline = 2;
    MarginChartContent margin = 3;
  }
}

message MultilineChartContent {
  repeated string tag = 1;
}

message MarginChartContent {
  message Series {
    string value = 1;
    string lower = 2;
    string upper = 3;
  }
  repeated Series series = 1;
}

message Category {
  string title = 1;
  repeated Chart chart = 2;
  bool closed = 3;
}

message Layout {
  int32 version = 1;
  repeated Category category = 2;
}
`;

const LayoutType = protobuf.parse(LAYOUT_PROTO).root.lookupType("tensorboard.Layout");

/** The tag and plugin TensorBoard's custom_scalars plugin (metadata.py) looks for. */
export const CUSTOM_SCALARS_TAG = "custom_scalars__config__";
export const CUSTOM_SCALARS_PLUGIN = "custom_scalars";

export interface MarginSeries {
  /** Exact tag names, not regexes (the dashboard escapes them). */
  value: string;
  lower: string;
  upper: string;
}

export interface LayoutChart {
  title: string;
  /** Regexes matched from the start of each tag. */
  multiline?: { tag: string[] };
  margin?: { series: MarginSeries[] };
}

export interface LayoutCategory {
  title: string;
  chart: LayoutChart[];
  /** Shown collapsed at first. */
  closed?: boolean;
}

export interface Layout {
  category: LayoutCategory[];
}

export function encodeLayout(layout: Layout): Uint8Array {
  const message = { version: 0, ...layout };
  const problem = LayoutType.verify(message);
  if (problem) throw new TypeError(`invalid tensorboard Layout: ${problem}`);
  for (const category of layout.category) {
    for (const chart of category.chart) {
      if ((chart.multiline === undefined) === (chart.margin === undefined)) {
        throw new TypeError(`custom scalars chart "${chart.title}" must have exactly one of multiline and margin`);
      }
    }
  }
  return LayoutType.encode(message).finish();
}

/** The summary value TensorBoard reads a layout from, as tensorboard.plugins.custom_scalar.summary.pb writes it. */
export function customScalarsValue(layout: Layout): SummaryValue {
  return {
    tag: CUSTOM_SCALARS_TAG,
    metadata: { pluginData: { pluginName: CUSTOM_SCALARS_PLUGIN } },
    tensor: { dtype: DataType.DT_STRING, tensorShape: {}, stringVal: [encodeLayout(layout)] },
  };
}
