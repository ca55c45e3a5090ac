/** Data a chart cannot be drawn from (a NaN x, an empty series, histogram edges that do not fit): says which. */
export class PlotError extends Error {
  override readonly name = "PlotError";
}
