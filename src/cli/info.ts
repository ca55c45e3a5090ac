import type { Argv } from "yargs";
import { BACKEND_REQUESTS, describeBackend, probeAdapter, selectBackend, type BackendRequest } from "../backend/index.js";
import { packageInfo } from "../util/package-info.js";

export const infoCommand = {
  command: "info",
  describe: "Show the tfjs backend aelab would use here (SIMD, threads, kernel fixes, versions) and the WebGPU adapter, or why there is none",
  builder: (y: Argv) => y.option("backend", { choices: BACKEND_REQUESTS, default: "auto" as BackendRequest, describe: "Backend to try" }),
  handler: async (argv: { backend: BackendRequest }) => {
    const info = await selectBackend(argv.backend);
    // The adapter is printed whichever backend was chosen: it is what a GPU user checks first.
    const webgpu = info.adapter ? undefined : await probeAdapter();
    process.stdout.write(`aelab ${packageInfo.version}\n${describeBackend(info, undefined, webgpu)}\n`);
  },
};
