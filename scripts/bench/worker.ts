/**
 * A bench child process: runs one job on a freshly started backend and prints its result line.
 * Anything that goes wrong ends the process with a non-zero code and the message on stderr.
 */
import { blasThreads, loadAddon } from "../../src/backend/index.js";
import { benchKernels } from "../bench-kernels.js";
import { aelabLoopThroughput } from "./aelab-loop.js";
import { startBackend } from "./backend.js";
import { resultLine, type Job, type JobResult } from "./job.js";
import { minimalLoopThroughput, NotWrittenError } from "./minimal-loop.js";
import { profileLoop } from "./profile.js";
import { soak } from "./soak.js";

const JOB_KINDS = ["aelab-loop", "minimal-loop", "soak", "kernel-bench", "profile"];

function parseJob(spec: string): Job {
  const job = JSON.parse(spec) as Job;
  if (!job || !JOB_KINDS.includes(job.kind)) throw new Error(`bench worker: not a job: ${spec.slice(0, 200)}`);
  return job;
}

async function run(job: Job): Promise<JobResult> {
  if (job.kind === "kernel-bench") {
    // Native rows whenever the addon loads; the wasm rows do not depend on which set starts installed.
    const started = await startBackend("wasm");
    if (!started.ok) return { kind: "unavailable", reason: started.reason };
    const loaded = loadAddon();
    if (loaded.ok) loaded.addon.setThreads(job.blasThreads ?? blasThreads());
    const rows = await benchKernels({ budgetMs: job.budgetMs, native: loaded.ok ? loaded.addon : null });
    return { kind: "kernel-bench", backend: started.summary, rows };
  }
  const started = await startBackend(job.kernels, job.blasThreads);
  if (!started.ok) return { kind: "unavailable", reason: started.reason };
  const backend = started.summary;
  switch (job.kind) {
    case "aelab-loop":
      return { kind: "throughput", backend, throughput: await aelabLoopThroughput(job.config, job.batch, job.timing) };
    case "minimal-loop":
      try {
        return { kind: "throughput", backend, throughput: await minimalLoopThroughput(job.config, job.batch, job.timing) };
      } catch (err) {
        if (err instanceof NotWrittenError) return { kind: "unavailable", reason: err.message };
        throw err;
      }
    case "soak":
      return { kind: "soak", backend, soak: await soak(job.config, job.batch, job.warmupSteps, job.steps) };
    case "profile":
      try {
        return { kind: "profile", backend, profile: await profileLoop(job.loop, job.config, job.batch, job.span) };
      } catch (err) {
        if (err instanceof NotWrittenError) return { kind: "unavailable", reason: err.message };
        throw err;
      }
  }
}

export async function runWorker(spec: string): Promise<number> {
  try {
    const result = await run(parseJob(spec));
    process.stdout.write(`${resultLine(result)}\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    return 1;
  }
}
