import { describe, expect, it } from "vitest";
import { forEachConcurrently } from "../../src/util/for-each-concurrently.js";

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("forEachConcurrently", () => {
  it("calls every index once, hands them out in order, and never has more than the limit in flight", async () => {
    const started: number[] = [];
    let inFlight = 0;
    let most = 0;
    await forEachConcurrently(20, 3, async (i) => {
      started.push(i);
      most = Math.max(most, ++inFlight);
      for (let k = 0; k < (i % 4) + 1; k++) await tick();
      inFlight--;
    });
    expect(started).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(most).toBe(3);
  });

  it("after a call throws, starts no new call, lets those in flight end, then throws that error", async () => {
    const started: number[] = [];
    const ended: number[] = [];
    const run = forEachConcurrently(50, 4, async (i) => {
      started.push(i);
      await tick();
      if (i === 5) throw new Error("five failed");
      await tick();
      ended.push(i);
    });
    await expect(run).rejects.toThrow("five failed");
    expect(Math.max(...started)).toBeLessThan(12);
    expect(ended.sort((a, b) => a - b)).toEqual(started.filter((i) => i !== 5).sort((a, b) => a - b));
  });

  it("does nothing for a count of 0", async () => {
    let calls = 0;
    await forEachConcurrently(0, 4, async () => {
      calls++;
    });
    expect(calls).toBe(0);
  });
});
