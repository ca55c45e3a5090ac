import { asFileSystemError } from "../util/file-system-error.js";
import { writeRunRecord, type RunRecord } from "./run-folder.js";

/**
 * Ends a run whatever stopped it: closes the events file (flush + fsync) and writes run.json with how the
 * run ended. A full disk or a deleted folder can fail either step; a run that had finished is then marked
 * failed and the fault is thrown, while a run already failing keeps its own error (a throw from here
 * would replace it) and run.json is written where the folder still takes it.
 */
export async function closeRun(writer: { close(): Promise<void> }, dir: string, record: RunRecord): Promise<void> {
  const alreadyFailing = record.status === "failed";
  let fault: unknown;
  try {
    await writer.close();
  } catch (error) {
    fault = asFileSystemError(error);
    if (!alreadyFailing) Object.assign(record, { status: "failed", error: fault instanceof Error ? fault.message : String(fault) });
  }
  try {
    writeRunRecord(dir, { ...record, endedAt: new Date().toISOString() });
  } catch (error) {
    fault ??= error;
  }
  if (fault !== undefined && !alreadyFailing) throw fault;
}
