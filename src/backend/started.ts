import type { AdapterInfo } from "./webgpu-setup.js";

/** What starting one backend gave: its details, or one line saying why it is not available. */
export type Started =
  | {
      ok: true;
      package: string;
      gpu: boolean;
      simd: boolean | null;
      threads: number | null;
      /** Version of the backend package (and of libtensorflow, for tensorflow). */
      versions: Record<string, string>;
      /** The WebGPU adapter it runs on (webgpu only). */
      adapter?: AdapterInfo;
    }
  | { ok: false; reason: string };
