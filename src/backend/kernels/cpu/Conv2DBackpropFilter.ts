import { conv2dBackpropFilterAsConv2D } from "../conv2d-backprop-filter.js";

export const cpuConv2dBackpropFilterPatch = conv2dBackpropFilterAsConv2D("cpu");
