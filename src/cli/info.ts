import type { Argv } from "yargs";
import { BACKEND_REQUESTS, describeBackend, selectBackend, type BackendRequest } from "../backend/index.js";
import { packageInfo } from "../util/package-info.js";

export const infoCommand = {
  command: "info",
  describe: "Show the tfjs backend aelab would use here (SIMD, threads, kernel fixes, versions)",
  builder: (y: Argv) => y.option("backend", { choices: BACKEND_REQUESTS, default: "auto" as BackendRequest, describe: "Backend to try" }),
  handler: async (argv: { backend: BackendRequest }) => {
    const info = await selectBackend(argv.backend);
    process.stdout.write(`aelab ${packageInfo.version}\n${describeBackend(info)}\n`);
  },
};
