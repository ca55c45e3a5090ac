export { PNG_SCALE, renderChart, type Chart } from "./chart.js";
export { errorBarChart, type ErrorBarChartOptions, type ErrorBarGroup } from "./error-bar.js";
export { PlotError } from "./errors.js";
export { histogramChart, type HistogramChartOptions, type HistogramSeries } from "./histogram.js";
export { lineChartGrid, type LineChartGridOptions } from "./line-grid.js";
export { lineChart, lineChartView, type LineChartOptions, type MarkedPoint, type Point, type ReferenceLine, type Series } from "./line.js";
