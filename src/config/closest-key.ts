import { foldKeyName, KEY_ALIASES, type KeyAlias } from "./key-aliases.js";

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

const listEntriesAsStars = (path: string): string =>
  path
    .split(".")
    .map((s) => (/^\d+$/.test(s) ? "*" : s))
    .join(".");
const lastSegment = (path: string): string => path.slice(path.lastIndexOf(".") + 1);
const parentOf = (path: string): string => path.slice(0, Math.max(0, path.lastIndexOf(".")));

/**
 * The known key an unknown one most likely meant: a near spelling beside it (`train.lrr` -> `train.lr`),
 * or the same name in another section (`lr` at the top -> `train.lr`). Undefined when nothing is close,
 * since a far-fetched guess misleads more than none.
 */
export function closestKey(unknown: string, known: ReadonlySet<string>): string | undefined {
  const path = listEntriesAsStars(unknown);
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

/**
 * The alias (another framework's name, key-aliases.ts) an unknown key's name is, or is a slip from: one
 * slip per five letters, at most two, never the first letter. Tighter than a sibling's misspelling because
 * an alias is looked for at every level: `x_dim` is not `z_dim`, `patch_size` (PyTorch-VAE's crop size)
 * not `batch_size`, `min_epochs` not `max_epochs`, `per_device_eval_batch_size` not `..._train_...`.
 */
export function closestAlias(name: string): KeyAlias | undefined {
  const folded = foldKeyName(name);
  let best: { alias: KeyAlias; distance: number } | undefined;
  for (const alias of KEY_ALIASES) {
    const aliasName = foldKeyName(alias.name);
    if (aliasName[0] !== folded[0]) continue;
    const distance = editDistance(folded, aliasName);
    if (distance <= Math.min(2, Math.floor(aliasName.length / 5)) && distance < (best?.distance ?? Infinity)) best = { alias, distance };
  }
  return best?.alias;
}

/**
 * What to suggest for an unknown key, and the alias that led there, for the message to explain the
 * guess. A name spelt as aelab spells a key wins, then one spelt as another framework does
 * (`adversarial.kl_weight` is model.beta, not a slip from adversarial.weight), then a misspelling of
 * either. An alias used inside its key's section points beside it where a key of that name is
 * (`train.optimizers.encoder.learning_rate` -> `train.optimizers.encoder.lr`, not `train.lr`).
 */
export function suggestKey(unknown: string, known: ReadonlySet<string>): { key: string; alias?: string } | undefined {
  const path = listEntriesAsStars(unknown);
  const name = lastSegment(path);
  const byName = closestKey(unknown, known);
  const alias = closestAlias(name);
  if (byName !== undefined && lastSegment(byName).toLowerCase() === name.toLowerCase()) return { key: byName };
  if (alias === undefined || (byName !== undefined && foldKeyName(alias.name) !== foldKeyName(name))) {
    return byName === undefined ? undefined : { key: byName };
  }
  const section = parentOf(alias.key);
  const inside = section === "" || parentOf(path).startsWith(`${section}.`);
  const beside = `${parentOf(path)}.${lastSegment(alias.key)}`;
  return { key: inside && known.has(beside) ? beside : alias.key, alias: alias.name };
}
