/**
 * Calls `fn(i)` for i = 0 .. count - 1, handed out in order, with at most `limit` calls in flight: what a
 * thread pool behind an async API (sharp's, libuv's) needs to stay busy without queueing everything at once.
 * The first call that throws stops new calls from starting; its error is thrown once the calls in flight end.
 */
export async function forEachConcurrently(count: number, limit: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (next < count && !failure) {
      const i = next++;
      try {
        await fn(i);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, count)) }, worker));
  if (failure) throw failure.error;
}
