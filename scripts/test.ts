/**
 * `npm test`: the type check, then the main suite (everything that needs only Node and npm), then a list
 * of the suites it did not run, each with the command that runs it and whether this machine has what it
 * needs. Arguments go to vitest (`npm test -- --reporter=dot`). Exits with the first failure's status.
 */
import { spawnSync } from "node:child_process";
import { OTHER_SUITES } from "../tests/suites.js";

const bin = (name: string) => `node_modules/.bin/${name}`;

function run(command: string, args: string[]): number {
  const result = spawnSync(command, args, { stdio: "inherit" });
  if (result.error) {
    console.error(`npm test: could not start ${command} (${result.error.message}); run npm install first`);
    return 1;
  }
  return result.status ?? 1;
}

function otherSuites(): string {
  const width = Math.max(...OTHER_SUITES.map((s) => s.script.length));
  const lines = OTHER_SUITES.map((suite) => {
    const ready = suite.ready?.();
    const state = ready === true ? "ready here" : ready ? `not ready here: ${ready}; needs ${suite.needs}` : `needs ${suite.needs}`;
    return `  ${suite.script.padEnd(width)}  ${suite.title} (${state})`;
  });
  return [
    "npm test ran the main suite; these suites need more than Node and npm and were not run:",
    ...lines,
    "  bash .ci/run installs what they need and runs every suite, as CI does.",
  ].join("\n");
}

let status = run(bin("tsc"), ["--noEmit"]);
if (status === 0) status = run(bin("vitest"), ["run", "--project", "main", ...process.argv.slice(2)]);
console.log(`\n${otherSuites()}`);
process.exit(status);
