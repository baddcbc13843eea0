/**
 * Returns the optimal string alignment distance, in which insertions, deletions,
 * substitutions and transpositions of adjacent characters each cost 1.
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const columns = b.length + 1;
  // Row 0 and column 0 hold the cost of building a prefix from nothing: its length.
  const distance: number[][] = Array.from({ length: rows }, () =>
    new Array<number>(columns).fill(0),
  );
  for (let i = 0; i < rows; i++) distance[i]![0] = i;
  for (let j = 0; j < columns; j++) distance[0]![j] = j;

  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < columns; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(
        distance[i - 1]![j]! + 1,
        distance[i]![j - 1]! + 1,
        distance[i - 1]![j - 1]! + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, distance[i - 2]![j - 2]! + 1);
      }
      distance[i]![j] = best;
    }
  }
  return distance[a.length]![b.length]!;
}

/** Rewrites `keyType`, `key_type` and `Key-Type` as `key-type`. */
export function toKebabCase(text: string): string {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/[_\s]+/g, '-')
    .toLowerCase();
}

/**
 * Returns the candidate the user most likely meant, or undefined when none is close.
 * A candidate matches when it equals the input in kebab case, or lies within an edit
 * distance of 1 for inputs up to 4 characters and 2 for longer ones.
 */
export function closestMatch(input: string, candidates: readonly string[]): string | undefined {
  const kebab = toKebabCase(input);
  const exact = candidates.find((candidate) => candidate === kebab);
  if (exact !== undefined) return exact;

  const limit = kebab.length <= 4 ? 1 : 2;
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    const distance = editDistance(kebab, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Formats the " Did you mean `x`?" tail of a message, or '' when nothing is close. */
export function didYouMean(input: string, candidates: readonly string[]): string {
  const match = closestMatch(input, candidates);
  return match === undefined ? '' : ` Did you mean \`${match}\`?`;
}
