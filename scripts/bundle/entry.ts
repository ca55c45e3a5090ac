/**
 * The offline bundle's entry point (npm run bundle): bin/aelab.js without tsx, since esbuild has
 * already compiled the TypeScript.
 */
import { argvOfProcess, main } from "../../src/cli/main.js";

const code = await main(argvOfProcess());
// The tfjs wasm backend keeps handles open; exit explicitly once the command is done.
process.exit(code);
