import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EventFileWriter } from "../../src/tensorboard/index.js";
import { decodeRawEvent, decodeRawHparams, parseFraming, type RawEvent } from "./independent-decoder.js";

const tempDir = () => mkdtempSync(join(tmpdir(), "aelab-tb-sum-"));

function events(path: string): RawEvent[] {
  return parseFraming(readFileSync(path)).map((r) => decodeRawEvent(r.data));
}

const EMPTY = Buffer.alloc(0); // protobufjs decodes bytes as Buffers under Node
const bytes = (b: Uint8Array) => [...b];

describe("EventFileWriter summaries, read back by the independent decoder", () => {
  it("writes a histogram as Summary.Value.histo with every HistogramProto field and no metadata", async () => {
    const writer = new EventFileWriter(tempDir());
    writer.histogram("weights/enc", [0, 1, 2, 3, 4], 3, { buckets: 4 });
    writer.histogram("pixels/input", Float32Array.from([0.25, 0.5]), 3, { range: [0, 1], buckets: 4 });
    await writer.close();
    const [, first, second] = events(writer.path);
    expect(first!.step).toBe("3");
    expect(first!.summary!.value).toEqual([
      {
        tag: "weights/enc",
        metadata: null,
        histo: { min: 0, max: 4, num: 5, sum: 10, sum_squares: 30, bucket_limit: [1, 2, 3, 4], bucket: [1, 1, 1, 2] },
      },
    ]);
    expect(second!.summary!.value[0]!.histo).toEqual({
      min: 0.25,
      max: 0.5,
      num: 2,
      sum: 0.75,
      sum_squares: 0.3125,
      bucket_limit: [0.5, 0.75], // the [0, 0.25) bucket is empty and trimmed; 0.5 starts bucket [0.5, 0.75)
      bucket: [1, 1],
    });
  });

  it("writes text as a rank-0 DT_STRING tensor with plugin_name text, UTF-8 intact", async () => {
    const writer = new EventFileWriter(tempDir());
    const markdown = "# Run notes\n\n*β-VAE*, ünïcode, `code` and a | table |";
    writer.text("notes", markdown, 5);
    writer.text("notes", "", 6);
    await writer.close();
    const [, text, empty] = events(writer.path);
    expect(text!.step).toBe("5");
    const value = text!.summary!.value[0]!;
    expect(value.tag).toBe("notes");
    expect(value.simple_value).toBeUndefined();
    expect(value.histo).toBeUndefined();
    expect(value.metadata).toEqual({
      plugin_data: { plugin_name: "text", content: EMPTY }, // TextPluginData{version: 0} is zero bytes
      display_name: "",
      summary_description: "",
      data_class: 0,
    });
    const { string_val, ...tensor } = value.tensor!;
    expect(tensor).toEqual({
      dtype: 7, // DT_STRING
      tensor_shape: { dim: [], unknown_rank: false }, // present and empty: a scalar
      version_number: 0,
      tensor_content: EMPTY,
      float_val: [],
      double_val: [],
    });
    expect(string_val.map((s) => Buffer.from(s).toString("utf8"))).toEqual([markdown]);
    expect(empty!.summary!.value[0]!.tensor!.string_val.map(bytes)).toEqual([[]]);
  });

  it("writes hparams session start and end as plugin data with a 6-byte null tensor", async () => {
    const before = Date.now() / 1000;
    const writer = new EventFileWriter(tempDir());
    writer.hparams({
      hparams: { lr: 0.001, variant: "vae", binarize: false, epochs: 0, recon: "" },
      groupName: "vae-seeds",
      startTimeSecs: 1_700_000_000.5,
    });
    writer.hparamsEnd("success");
    await writer.close();
    const after = Date.now() / 1000;
    const records = parseFraming(readFileSync(writer.path));
    const [, start, end] = records.map((r) => decodeRawEvent(r.data));

    for (const [event, tag] of [
      [start!, "_hparams_/session_start_info"],
      [end!, "_hparams_/session_end_info"],
    ] as const) {
      expect(event.step).toBe("0");
      const value = event.summary!.value[0]!;
      expect(value.tag).toBe(tag);
      expect(value.metadata!.plugin_data!.plugin_name).toBe("hparams");
      expect(value.metadata).toMatchObject({ display_name: "", summary_description: "", data_class: 0 });
      // metadata.py's NULL_TENSOR: an empty DT_FLOAT vector, shape [0].
      expect(value.tensor).toEqual({
        dtype: 1,
        tensor_shape: { dim: [{ size: "0", name: "" }], unknown_rank: false },
        version_number: 0,
        tensor_content: EMPTY,
        float_val: [],
        double_val: [],
        string_val: [],
      });
    }
    // The tensor field on the wire: 42 06 | 08 01 (dtype) 12 02 12 00 (shape { dim {} }).
    expect(Buffer.from(records[1]!.data).includes(Buffer.from([0x42, 0x06, 0x08, 0x01, 0x12, 0x02, 0x12, 0x00]))).toBe(true);

    const startData = decodeRawHparams(start!.summary!.value[0]!.metadata!.plugin_data!.content);
    expect(startData).toEqual({
      version: 0,
      data: "session_start_info",
      session_start_info: {
        hparams: {
          lr: { number_value: 0.001, kind: "number_value" },
          variant: { string_value: "vae", kind: "string_value" },
          binarize: { bool_value: false, kind: "bool_value" }, // a oneof's zero value is still written
          epochs: { number_value: 0, kind: "number_value" },
          recon: { string_value: "", kind: "string_value" },
        },
        model_uri: "",
        monitor_url: "",
        group_name: "vae-seeds",
        start_time_secs: 1_700_000_000.5,
      },
    });

    const endData = decodeRawHparams(end!.summary!.value[0]!.metadata!.plugin_data!.content);
    expect(endData).toMatchObject({ version: 0, data: "session_end_info", session_end_info: { status: 1 } });
    expect(Object.keys(endData.session_end_info!)).toEqual(["status", "end_time_secs"]);
    expect(endData.session_end_info!.end_time_secs).toBeGreaterThanOrEqual(before - 0.01);
    expect(endData.session_end_info!.end_time_secs).toBeLessThanOrEqual(after + 0.01);
  });

  it("maps each end status to api.proto's Status (aborted has none: UNKNOWN)", async () => {
    const codes: Record<string, number> = {};
    for (const status of ["success", "failure", "aborted", "running"] as const) {
      const writer = new EventFileWriter(tempDir());
      writer.hparamsEnd(status, 12);
      await writer.close();
      const [, end] = events(writer.path);
      expect(end!.step).toBe("12");
      codes[status] = decodeRawHparams(end!.summary!.value[0]!.metadata!.plugin_data!.content).session_end_info!.status;
    }
    expect(codes).toEqual({ success: 1, failure: 2, aborted: 0, running: 3 });
  });

  it("defaults start time to now in seconds and group name to empty (the session is its own group)", async () => {
    const before = Date.now() / 1000;
    const writer = new EventFileWriter(tempDir());
    writer.hparams({ hparams: { seed: 7 } }, 4);
    await writer.close();
    const [, start] = events(writer.path);
    expect(start!.step).toBe("4");
    const info = decodeRawHparams(start!.summary!.value[0]!.metadata!.plugin_data!.content).session_start_info!;
    expect(info.group_name).toBe("");
    expect(info.start_time_secs).toBeGreaterThanOrEqual(before - 0.01);
    expect(info.start_time_secs).toBeLessThan(1e10);
  });

  it("rejects bad hparams and a second session start or end, writing nothing for them", async () => {
    const writer = new EventFileWriter(tempDir());
    expect(() => writer.hparams({ hparams: {} })).toThrow(/names no hyperparameters/);
    expect(() => writer.hparams({ hparams: { lr: NaN } })).toThrow(/hparams\.lr must be a finite number/);
    expect(() => writer.hparams({ hparams: { x: null as unknown as string } })).toThrow(/hparams\.x must be a string, number or boolean \(got null\)/);
    expect(() => writer.hparams({ hparams: { x: [1] as unknown as string } })).toThrow(/got object/);
    expect(() => writer.hparams({ hparams: { x: 1 }, startTimeSecs: Date.now() })).toThrow(/seconds since the epoch/);
    expect(() => writer.hparamsEnd("done" as "success")).toThrow(/status must be one of success, failure, aborted, running/);
    expect(() => writer.text("t", 5 as unknown as string, 0)).toThrow(/text must be a string/);
    writer.hparams({ hparams: { x: 1 } });
    expect(() => writer.hparams({ hparams: { x: 2 } })).toThrow(/hparams\(\) called twice/);
    writer.hparamsEnd("failure");
    expect(() => writer.hparamsEnd("success")).toThrow(/hparamsEnd\(\) called twice/);
    await writer.close();
    expect(events(writer.path)).toHaveLength(3);
  });
});
