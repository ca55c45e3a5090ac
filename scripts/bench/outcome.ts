import type { BackendSummary } from "./job.js";

/**
 * What one measurement gave: a value, or why there is none. "unavailable" is expected on some
 * machines (no addon, no PyTorch); "failed" is a bug or a crash and is reported as such.
 */
export type Outcome<T> = { ok: true; value: T; backend?: BackendSummary } | { ok: false; status: "unavailable" | "failed"; reason: string };

export const unavailable = (reason: string): Outcome<never> => ({ ok: false, status: "unavailable", reason });
export const failed = (reason: string): Outcome<never> => ({ ok: false, status: "failed", reason });
