import { spawn } from "node:child_process";

export interface ChildOutput {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a child to completion with its own environment, feeding it `input` on stdin. Output is kept,
 * not shown: a failure is reported with the last line of the child's stderr.
 */
export function runChild(command: string, args: readonly string[], env: NodeJS.ProcessEnv, input = ""): Promise<ChildOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }));
    child.stdin.on("error", () => {}); // a child that exits without reading stdin is reported by its exit code
    child.stdin.end(input);
  });
}

/** One line saying why a child failed: its last meaningful stderr line, or how it ended. */
export function failureOf(output: ChildOutput): string {
  const lines = output.stderr
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  const message = lines.find((l) => /^(\w*Error|error:|Traceback)/.test(l) && !l.startsWith("Traceback")) ?? lines.at(-1);
  const how = output.signal ? `killed by ${output.signal}` : `exit code ${output.code}`;
  return message ? `${how}: ${message.slice(0, 300)}` : how;
}
