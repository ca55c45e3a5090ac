import { samePaddingPatch } from "./same-padding.js";

export const wasmDepthwiseConv2dPatch = samePaddingPatch("DepthwiseConv2dNative", true);
