// Hostile ticket texts for the local analyser: 6,000 characters each (the analyser's input cap)
// built to hit what grows faster than linearly in a word's or a run's length: Porter stemming,
// wink's tokenizer, the specifics extractor's regexes. eval/run.ts times each one (target: under
// 20 ms, beside an ordinary ticket of the same length); test/triage-local.test.ts checks that the
// long runs are left out of the analysis.

const SIZE = 6000

/** Deterministic pseudo-random letters (the same inputs every run). */
function letters(length: number, seed: number, alphabet = 'abcdefghijklmnopqrstuvwxyz'): string {
  let x = seed
  let out = ''
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff
    out += alphabet[x % alphabet.length]
  }
  return out
}

const fill = (piece: (i: number) => string, separator: string) => {
  let out = ''
  for (let i = 0; out.length < SIZE; i++) out += (i ? separator : '') + piece(i)
  return out.slice(0, SIZE)
}

export const ORDINARY_TICKET = fill(
  () => 'Since this morning nobody in the Berlin office can connect to the VPN; the client shows error 809. ',
  '',
)

export const ADVERSARIAL_INPUTS: Record<string, string> = {
  'one long word': letters(SIZE, 1),
  'many long words (100 letters)': fill((i) => letters(100, i), ' '),
  'many 39-letter words': fill((i) => letters(39, i + 7), ' '),
  'repeated punctuation': '!?.,;:'.repeat(SIZE / 6),
  'spaced punctuation': '! ? . , ; : '.repeat(SIZE / 12),
  'one huge number': letters(SIZE, 3, '0123456789'),
  'many huge numbers': fill((i) => letters(200, i, '0123456789'), ' '),
  'unicode run': 'ÄÖÜßéèñ漢字😀ℵ'.repeat(SIZE / 12),
  'unicode words': fill((i) => `${'äöüß漢字'.repeat(3)}${i}`, ' '),
  'hyphenated chain': fill(() => 'ab', '-'),
  'dotted chain': fill(() => 'ab', '.'),
}
