import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** aelab's own package.json, read once (the version goes into every run record). */
export const packageInfo: { name: string; version: string } = JSON.parse(readFileSync(fileURLToPath(new URL("../../package.json", import.meta.url)), "utf8"));
