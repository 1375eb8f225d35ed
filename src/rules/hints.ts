import { KEYWORDS } from './vocabulary';

/** Edit distance (Levenshtein), bounded inputs only: names are ≤ 64 code points. */
export function editDistance(a: string, b: string): number {
  const x = Array.from(a);
  const y = Array.from(b);
  let previous = Array.from({ length: y.length + 1 }, (_, i) => i);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[y.length] ?? 0;
}

/** "did you mean …?" for the closest candidate, or undefined when nothing is close. */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const spacing = spacingHint(word);
  if (spacing) return spacing;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const limit = Math.max(1, Math.floor(Array.from(word).length / 2));
  return best !== undefined && bestDistance <= limit
    ? `did you mean ${best}? / 是否应为 ${best}？`
    : undefined;
}

const chineseKeywords = Object.values(KEYWORDS)
  .flat()
  .filter((k) => /[\u4e00-\u9fff]/.test(k))
  .sort((a, b) => b.length - a.length);

/** Chinese has no spaces, so `整改中且` lexes as one word: suggest separating a leading/trailing keyword. */
export function spacingHint(word: string): string | undefined {
  for (const keyword of chineseKeywords) {
    if (word === keyword) continue;
    const at = word.startsWith(keyword) ? 0 : word.endsWith(keyword) ? word.length - keyword.length : -1;
    if (at < 0) continue;
    const spaced = `${word.slice(0, at)} ${keyword} ${word.slice(at + keyword.length)}`.trim();
    return `separate words with spaces: ${spaced} / 词语之间请用空格分隔：${spaced}`;
  }
  return undefined;
}
