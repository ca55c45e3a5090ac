// Takes a cell's lock in a process of its own and holds it until killed, printing "locked" once it has
// it (or "held by <pid>"), so a test can see a second process refused and a dead holder's lock taken over.
import { lockCell } from "../../src/experiment/lock.js";

const [experimentDir, cellName] = process.argv.slice(2) as [string, string];
const taken = lockCell(experimentDir, cellName);
if ("release" in taken) {
  process.stdout.write("locked\n");
  setInterval(() => taken.heartbeat(), 1000);
} else {
  process.stdout.write(`held by ${taken.heldBy.pid}\n`);
  process.exit(3);
}
