import { distance } from "fastest-levenshtein";

// Did-you-mean: the closest known name to something mistyped, or nothing when none is close. A name that
// starts with what was typed counts as close (`notion` → `notion-store`), so a short prefix of a longer
// name is found although its edit distance is large.

/** The best candidate for `input`, or undefined when none is close enough to be worth suggesting. */
export function didYouMean(input: string, candidates: Iterable<string>): string | undefined {
  const typed = input.toLowerCase();
  if (!typed) return undefined;
  let best: { name: string; score: number } | undefined;
  for (const name of candidates) {
    const lower = name.toLowerCase();
    if (lower === typed) return name;
    // A prefix of the name, or of one of its words (`stage` for `set-stage`), beats any edit distance.
    const starts = [0, ...[...lower.matchAll(/[\s-]/g)].map((m) => m.index + 1)];
    const prefix = typed.length >= 3 && starts.some((i) => lower.startsWith(typed, i));
    const score = prefix ? 0.5 : swapped(typed, lower) ? 1 : distance(typed, lower);
    const limit = Math.max(1, Math.floor(Math.max(typed.length, 3) / 3));
    if (score > limit) continue;
    if (!best || score < best.score || (score === best.score && name < best.name)) best = { name, score };
  }
  return best?.name;
}

/** Two letters typed in the wrong order (`plna`), one slip rather than Levenshtein's two. */
function swapped(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  const diff = [...a].flatMap((c, i) => (c === b[i] ? [] : [i]));
  return (
    diff.length === 2 &&
    diff[1] === diff[0]! + 1 &&
    a[diff[0]!] === b[diff[1]!] &&
    a[diff[1]!] === b[diff[0]!]
  );
}
