/** A completed run the report could not measure, and why. */
export interface Unmeasured<T> {
  item: T;
  reason: string;
}

/**
 * Measures every item in order; one that throws (a degenerate run: non-finite outputs, a broken
 * checkpoint) is set aside with its error's message, and the others go on, so one run cannot take the
 * whole report down with it.
 */
export async function measureEach<T, M>(
  items: readonly T[],
  measure: (item: T) => Promise<M>,
): Promise<{ measured: Array<{ item: T; metrics: M }>; unmeasured: Array<Unmeasured<T>> }> {
  const measured: Array<{ item: T; metrics: M }> = [];
  const unmeasured: Array<Unmeasured<T>> = [];
  for (const item of items) {
    try {
      measured.push({ item, metrics: await measure(item) });
    } catch (error) {
      unmeasured.push({ item, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  return { measured, unmeasured };
}
