// How many bits of guessing a secret is worth, estimated the way a guesser would attack it: the secret is cut into
// parts, each costing what a guesser pays to find it (a word from a short list, a repeat of something earlier, a run
// such as 1234, abcd or qwerty, a year), and every other character costs log2 of the alphabet the secret draws from.
// The estimate is the cheapest such description, found by dynamic programming (zxcvbn's idea, in additive bits and
// without its dictionaries). Deterministic, no network, well under a millisecond for a 64-character secret.
import {
  GUESSABLE_WORDS,
  KEYBOARD_ROWS,
  LOOKALIKE_LETTERS,
  SEPARATORS,
} from './guessable-patterns.js';

/**
 * Only this many characters (code points) are judged, which keeps the repeat search (quadratic) cheap. A longer
 * secret is judged by its beginning: what follows can only add entropy, and 256 characters are far more than a
 * strong secret needs.
 */
const JUDGED_CHARACTERS = 256;
/** Words, repeats and runs shorter than this are left to count as random characters. */
const MIN_PATTERN_LENGTH = 3;
const SEPARATOR_BITS = 1;
const WORD_BITS = Math.log2(GUESSABLE_WORDS.length);
/** Where a run starts: about one key of a keyboard; plus one bit for its direction. */
const RUN_START_BITS = Math.log2(48) + 1;
/** Each keyboard row both ways: a walk is typed left to right as often as right to left. */
const KEYBOARD_LINES = KEYBOARD_ROWS.flatMap((row) => [row, Array.from(row).reverse().join('')]);
/** A year from 1900 to 2099. */
const YEAR_BITS = Math.log2(200);

interface Part {
  length: number;
  bits: number;
}

/** The estimated entropy of `secret` in bits. */
export function estimateSecretBits(secret: string): number {
  const chars = Array.from(secret).slice(0, JUDGED_CHARACTERS);
  const characterBits = Math.log2(alphabetSize(chars));
  const longestRepeats = longestEarlierRepeats(chars);
  // cheapest[i]: the fewest bits that describe the first i characters.
  const cheapest = new Array<number>(chars.length + 1).fill(Number.POSITIVE_INFINITY);
  cheapest[0] = 0;
  for (let start = 0; start < chars.length; start += 1) {
    const before = cheapest[start] ?? 0;
    const single = SEPARATORS.has(chars[start] ?? '') ? SEPARATOR_BITS : characterBits;
    const parts: Part[] = [
      { length: 1, bits: single },
      ...wordsAt(chars, start),
      ...repeatsAt(start, longestRepeats[start] ?? 0),
      ...runsAt(chars, start),
      ...yearAt(chars, start),
    ];
    for (const { length, bits } of parts) {
      const end = start + length;
      cheapest[end] = Math.min(cheapest[end] ?? Number.POSITIVE_INFINITY, before + bits);
    }
  }
  return cheapest[chars.length] ?? 0;
}

/**
 * How many values each character could have taken: the sum of the classes the secret uses, separators aside. Hex
 * (digits and one case of a-f) counts as 16, and base64's `+` and `/` as two more characters rather than all
 * punctuation, so generated values are neither over- nor under-rated by much.
 */
function alphabetSize(chars: readonly string[]): number {
  const used = chars.filter((char) => !SEPARATORS.has(char));
  const has = (pattern: RegExp) => used.some((char) => pattern.test(char));
  if (used.length > 0 && used.every((char) => /[0-9]/.test(char))) return 10;
  if (used.every((char) => /[0-9a-f]/.test(char)) || used.every((char) => /[0-9A-F]/.test(char))) {
    return 16;
  }
  let size = 0;
  if (has(/[a-z]/)) size += 26;
  if (has(/[A-Z]/)) size += 26;
  if (has(/[0-9]/)) size += 10;
  if (has(/[!-/:-@[-`{-~]/)) size += used.every((char) => /[A-Za-z0-9+/]/.test(char)) ? 2 : 33;
  if (has(/[^\x20-\x7E]/)) size += 100;
  return Math.max(size, 2);
}

/** A word of the list, in any case and with look-alike characters: one bit more for each of those. */
function wordsAt(chars: readonly string[], start: number): Part[] {
  const parts: Part[] = [];
  for (const word of GUESSABLE_WORDS) {
    if (start + word.length > chars.length) continue;
    let recased = false;
    let lookalike = false;
    let matches = true;
    for (let i = 0; i < word.length && matches; i += 1) {
      const char = chars[start + i] ?? '';
      const letter = word[i] ?? '';
      if (char === letter) continue;
      if (char.toLowerCase() === letter) recased = true;
      else if (LOOKALIKE_LETTERS[char]?.includes(letter) === true) lookalike = true;
      else matches = false;
    }
    if (matches) {
      const bits = WORD_BITS + (recased ? 1 : 0) + (lookalike ? 1 : 0);
      parts.push({ length: word.length, bits });
    }
  }
  return parts;
}

/**
 * For each position, the length of the longest stretch starting there that also starts at an earlier position
 * (overlap allowed, as in LZ77, so "aaaa" is "a" then a repeat). Quadratic in the judged length.
 */
function longestEarlierRepeats(chars: readonly string[]): number[] {
  const n = chars.length;
  const longest = new Array<number>(n).fill(0);
  // common[j]: the length of the common prefix of the stretches at i and j, for the row i being computed.
  let next = new Uint16Array(n + 1);
  for (let i = n - 1; i >= 1; i -= 1) {
    const common = new Uint16Array(n + 1);
    for (let j = i - 1; j >= 0; j -= 1) {
      if (chars[i] !== chars[j]) continue;
      common[j] = 1 + (next[j + 1] ?? 0);
      longest[i] = Math.max(longest[i] ?? 0, common[j] ?? 0);
    }
    next = common;
  }
  return longest;
}

/** A repeat costs where it was seen before and how long it is. */
function repeatsAt(start: number, longest: number): Part[] {
  const parts: Part[] = [];
  for (let length = MIN_PATTERN_LENGTH; length <= longest; length += 1) {
    parts.push({ length, bits: Math.log2(start) + Math.log2(length) + 1 });
  }
  return parts;
}

/** Runs: consecutive characters one apart (abc, 321, FED) or along a keyboard row (qwe, 7890, ;lkj). */
function runsAt(chars: readonly string[], start: number): Part[] {
  const length = Math.max(alphabeticRunLength(chars, start), keyboardRunLength(chars, start));
  const parts: Part[] = [];
  for (let run = MIN_PATTERN_LENGTH; run <= length; run += 1) {
    parts.push({ length: run, bits: RUN_START_BITS + Math.log2(run) });
  }
  return parts;
}

function alphabeticRunLength(chars: readonly string[], start: number): number {
  const kind = runClass(chars[start] ?? '');
  const step = codeOf(chars[start + 1]) - codeOf(chars[start]);
  if (kind === undefined || Math.abs(step) !== 1) return 1;
  let end = start + 1;
  while (
    end < chars.length &&
    runClass(chars[end] ?? '') === kind &&
    codeOf(chars[end]) - codeOf(chars[end - 1]) === step
  ) {
    end += 1;
  }
  return end - start;
}

/** A run stays within digits, lower-case or upper-case letters ("9:;" is no run). */
function runClass(char: string): 'digit' | 'lower' | 'upper' | undefined {
  if (/[0-9]/.test(char)) return 'digit';
  if (/[a-z]/.test(char)) return 'lower';
  if (/[A-Z]/.test(char)) return 'upper';
  return undefined;
}

const codeOf = (char: string | undefined) => char?.codePointAt(0) ?? Number.NaN;

function keyboardRunLength(chars: readonly string[], start: number): number {
  let longest = 1;
  for (const line of KEYBOARD_LINES) {
    let at = line.indexOf((chars[start] ?? '').toLowerCase());
    if (at === -1) continue;
    let end = start + 1;
    while (end < chars.length && line[at + 1] === chars[end]?.toLowerCase()) {
      at += 1;
      end += 1;
    }
    longest = Math.max(longest, end - start);
  }
  return longest;
}

function yearAt(chars: readonly string[], start: number): Part[] {
  const text = chars.slice(start, start + 4).join('');
  return /^(19|20)\d\d$/.test(text) ? [{ length: 4, bits: YEAR_BITS }] : [];
}
