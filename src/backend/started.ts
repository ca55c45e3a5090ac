import type { AdapterInfo } from "./webgpu-setup.js";

/** What starting one backend gave: its details, or one line saying why it is not available. */
export type Started =
  | {
      ok: true;
      package: string;
      gpu: boolean;
      simd: boolean | null;
      threads: number | null;
      /** Version of the backend package (and of libtensorflow, for the native one). */
      versions: Record<string, string>;
      /** The WebGPU adapter it runs on (webgpu only). */
      adapter?: AdapterInfo;
    }
  | { ok: false; reason: string };

/** The first line of an error, for one-line messages (native addon errors run to many lines). */
export function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split("\n").find((line) => line.trim() !== "")?.trim() ?? "unknown error";
}
