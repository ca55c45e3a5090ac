/**
 * `npm run bundle [-- --out <folder>] [--node <linux-x64 node binary>]`: the offline bundle, one folder
 * of at most 60 MiB that runs aelab on a Linux x64 machine with no Node, npm or internet (docs/bundle.md).
 */
import { parseArgs } from "node:util";
import { firstLine } from "../src/util/first-line.js";
import { BUNDLE_LIMIT_BYTES, buildBundle } from "./bundle/build.js";

const MiB = 1024 * 1024;
let code = 0;
try {
  const { values } = parseArgs({ options: { out: { type: "string", default: "bundle" }, node: { type: "string" }, help: { type: "boolean" } } });
  if (values.help) {
    console.log("npm run bundle -- [--out bundle] [--node <linux-x64 node binary>]\nWrites the offline bundle (docs/bundle.md).");
  } else {
    const result = await buildBundle({ out: values.out, node: values.node, log: (line) => console.error(`bundle: ${line}`) });
    for (const line of result.contents) console.log(`  ${line}`);
    console.log(`${result.out}: ${(result.bytes / MiB).toFixed(1)} MiB (limit ${BUNDLE_LIMIT_BYTES / MiB} MiB); run ${result.out}/aelab info`);
    if (result.bytes > BUNDLE_LIMIT_BYTES) {
      console.error(`bundle: ${result.out} is larger than ${BUNDLE_LIMIT_BYTES / MiB} MiB`);
      code = 1;
    }
  }
} catch (err) {
  console.error(`bundle: ${firstLine(err)}`);
  code = 1;
}
process.exit(code);
