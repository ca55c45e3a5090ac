#!/usr/bin/env node
// The CLI runs from the TypeScript sources through tsx's loader, so `npm install` needs no build step.
import { register } from "tsx/esm/api";

register();
const { main, argvOfProcess } = await import("../src/cli/main.ts");
const code = await main(argvOfProcess());
// The tfjs wasm backend keeps handles open; exit explicitly once the command is done.
process.exit(code);
