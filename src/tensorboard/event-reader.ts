import { decodeEvent, type Event } from "./proto.js";
import { readRecords } from "./record.js";

export type EventsRead = Event[] & {
  /** The buffer ended inside a record (writer mid-flush, or the process died mid-write). */
  truncated: boolean;
  /** Bytes covered by complete records. */
  bytesRead: number;
};

/**
 * Decodes every complete record of an events file. Stops without error at a truncated last
 * record (see `truncated`); throws CorruptRecordError on a CRC mismatch.
 */
export function readEvents(buffer: Uint8Array): EventsRead {
  const { records, truncated, bytesRead } = readRecords(buffer);
  const events = records.map((record, index) => {
    try {
      return decodeEvent(record);
    } catch (error) {
      throw new Error(`record ${index} has valid CRCs but is not a tensorboard Event`, { cause: error });
    }
  });
  return Object.assign(events, { truncated, bytesRead });
}
