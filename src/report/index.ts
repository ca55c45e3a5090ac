/**
 * The experiment report (issue 5): metrics per run, verdicts per claim, figures. Being written; the
 * experiment runner calls writeReport once every cell has finished.
 */
export interface ReportOutcome {
  reportPath: string;
}

export async function writeReport(experimentDir: string): Promise<ReportOutcome> {
  throw new Error(`report for ${experimentDir}: not implemented yet`);
}
