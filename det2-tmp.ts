import * as tf from "@tensorflow/tfjs";
import { selectBackend } from "./src/backend/index.js";
import { MemoryWriter } from "./src/tensorboard/index.js";
import { trainLoop } from "./src/train/loop.js";
import { tinyConfig, tinyDataset } from "./tests/helpers/tiny-run.js";
await selectBackend(process.argv[2] as "webgpu");
const config = tinyConfig({ train: { epochs: 2 } });
import { mkdtempSync } from "node:fs";
const runs: Map<string, number>[] = [];
for (let r = 0; r < 3; r++) {
  const writer = new MemoryWriter();
  await trainLoop({ config, dataset: await tinyDataset(), writer, checkpointDir: process.argv[3] ? mkdtempSync("/tmp/ck-") : undefined });
  runs.push(new Map(writer.scalars.filter((s) => !s.tag.startsWith("perf/")).map((s) => [`${s.tag}@${s.step}`, s.value])));
}
for (let r = 1; r < 3; r++) {
  const diff = [...runs[0]].filter(([k, v]) => !Object.is(v, runs[r].get(k))).map(([k, v]) => `${k} ${v} ${runs[r].get(k)}`);
  console.log(`run ${r}: ${diff.length} differ`, diff.slice(0, 6));
}
