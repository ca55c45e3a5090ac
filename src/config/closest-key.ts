/**
 * Edit distance counting an insertion, a deletion, a substitution or a swap of two neighbours as one
 * (optimal string alignment): `trian` is one slip from `train`, as a typist sees it.
 */
export function editDistance(a: string, b: string): number {
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) current[j] = Math.min(current[j], before[j - 2] + 1);
    }
    before = previous;
    previous = current;
  }
  return previous[b.length];
}

const lastSegment = (path: string): string => path.slice(path.lastIndexOf(".") + 1);
const parentOf = (path: string): string => path.slice(0, Math.max(0, path.lastIndexOf(".")));

/**
 * The known key an unknown one most likely meant: a near spelling beside it (`train.lrr` -> `train.lr`),
 * or the same name in another section (`lr` at the top -> `train.lr`). Undefined when nothing is close,
 * since a far-fetched guess misleads more than none.
 */
export function closestKey(unknown: string, known: ReadonlySet<string>): string | undefined {
  const path = unknown.split(".").map((s) => (/^\d+$/.test(s) ? "*" : s)).join(".");
  const name = lastSegment(path);
  const parent = parentOf(path);
  const budget = Math.max(1, Math.floor(name.length / 3));
  let best: { key: string; score: number } | undefined;
  for (const key of known) {
    const sibling = parentOf(key) === parent;
    const distance = editDistance(name.toLowerCase(), lastSegment(key).toLowerCase());
    // A sibling may be misspelt; a key elsewhere must carry the same name, misplaced.
    const score = sibling ? (distance <= budget ? distance : Infinity) : distance === 0 ? 0.5 : Infinity;
    if (score < (best?.score ?? Infinity)) best = { key, score };
  }
  return best?.key;
}
