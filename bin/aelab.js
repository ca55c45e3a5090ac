#!/usr/bin/env node
// The CLI runs from the TypeScript sources through tsx's loader, so `npm install` needs no build step.
import { register } from "tsx/esm/api";

register();
await import("../src/cli/main.ts");
