import { distance } from 'fastest-levenshtein';

/**
 * The candidate closest to `input`, if it is close enough to be a plausible typo.
 * Case is ignored so that `Run` or `control` still find `run` and `Control`.
 */
export function closestMatch(input: string, candidates: Iterable<string>): string | undefined {
  const needle = input.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const candidateDistance = distance(needle, candidate.toLowerCase());
    if (candidateDistance < bestDistance) {
      best = candidate;
      bestDistance = candidateDistance;
    }
  }
  // Two edits covers a transposition (`rnu` -> `run`); longer words may drift a little more.
  const tolerated = Math.max(2, Math.floor(input.length / 3));
  return bestDistance <= tolerated ? best : undefined;
}

/** ` (did you mean `x`?)` or `''`, ready to append to a message. */
export function didYouMean(suggestion: string | undefined): string {
  return suggestion === undefined ? '' : ` (did you mean \`${suggestion}\`?)`;
}
