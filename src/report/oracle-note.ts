/** The reference row's name: predicts each test image by its class's mean training image. */
export const ORACLE_NAME = "class-mean oracle";

/**
 * Why the oracle is in the report: it is a conditional-mean model, E[x | label], so it is unbiased (given its
 * output, the targets average to it) and shows what an unbiased model scores on every metric (some, like the
 * signed error on non-zero targets, are far from 0 for it). An experiment file compares it with
 * `reference: class-mean-oracle`, in rows outside the tally.
 */
export const ORACLE_NOTE =
  "the class-mean oracle predicts every test image by its class's mean training image: a conditional-mean model, unbiased, shown for scale";
