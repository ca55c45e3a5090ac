import { samePaddingPatch } from "./same-padding.js";

export const wasmFusedDepthwiseConv2dPatch = samePaddingPatch("FusedDepthwiseConv2D", true);
