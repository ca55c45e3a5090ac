import type { AnalyticCheck } from "../registry.js";
import { bceAsymmetry } from "./bce-asymmetry.js";
import { bceNearHalf } from "./bce-near-half.js";

/** The analytic checks aelab registers (registry.ts): an experiment's claim opts into one with `analytic: <name>`. */
export const BUILT_IN_CHECKS: readonly AnalyticCheck[] = [bceAsymmetry, bceNearHalf];
