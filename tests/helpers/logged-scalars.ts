import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { readEvents } from "../../src/tensorboard/index.js";

/** Every scalar a run logged, as "tag@step" → value (perf/* left out: timings differ by nature). */
export function loggedScalars(runDir: string): Map<string, number> {
  const file = readdirSync(runDir).find((f) => f.includes("tfevents"));
  if (!file) throw new Error(`no event file in ${runDir}`);
  const out = new Map<string, number>();
  for (const event of readEvents(readFileSync(join(runDir, file)))) {
    for (const value of event.summary?.value ?? []) {
      if (value.simpleValue === undefined || value.tag.startsWith("perf/")) continue;
      out.set(`${value.tag}@${Number(event.step ?? 0)}`, value.simpleValue);
    }
  }
  return out;
}
