// Thin wrapper over wink-nlp. Every piece of text the local provider looks at (tickets, the
// built-in vocabulary, catalog skills) goes through this one function, so tokenisation and
// stemming are identical on both sides of every comparison.

import model from 'wink-eng-lite-web-model'
import winkNLP, { type ItemSentence, type ItsFunction, type WinkMethods } from 'wink-nlp'

export interface Token {
  /** Original text of the token. */
  text: string
  /** Lower-cased, contractions expanded ("n't" -> "not"). */
  norm: string
  /** stem(norm) and stem(lemma): matching on either copes with plurals, verb forms and
   *  irregular forms ("lost" -> "lose") without depending on POS being right. */
  keys: readonly [string, string]
  /** True when punctuation (or a sentence start) separates this token from the previous one:
   *  phrases and negation scopes never cross such a break. */
  brk: boolean
  inTitle: boolean
  numeric: boolean
}

export interface Sentence {
  text: string
  tokens: Token[]
}

export interface Analysed {
  sentences: Sentence[]
  tokens: Token[]
  /** Whether a word is outside the model's English lexicon (used to gate typo matching). */
  isOov: (word: string) => boolean
}

let nlp: WinkMethods | undefined
let stemFn: ((word: string) => string) | undefined

// The model takes ~80 ms to load, so it is loaded on first use rather than at import time:
// processes that never triage (CLI, migrations) never pay for it. Only sentence boundaries and
// POS (which the lemmatiser needs) are enabled; NER, sentiment and wink's own negation are
// unused and roughly double the cost of a document.
function engine(): WinkMethods {
  if (!nlp) {
    nlp = winkNLP(model, ['sbd', 'pos'])
    // The model's typings declare its addons as `unknown`; the stemmer is a plain
    // (word: string) => string Porter-2 function.
    const raw: unknown = model.addons.stem
    stemFn = typeof raw === 'function' ? (w: string): string => String(raw(w)) : (w: string): string => w
  }
  return nlp
}

// Porter stemming costs ~1.5 µs a word, most of the NLP time for a long ticket; words repeat a
// lot, within a ticket and across tickets, so stems are memoised. Bounded so unusual input
// (hashes, IDs) cannot grow it without limit.
const stemCache = new Map<string, string>()
const STEM_CACHE_SIZE = 50_000

export function stem(word: string): string {
  work.stemCalls++
  const cached = stemCache.get(word)
  if (cached !== undefined) return cached
  engine()
  const value = stemFn ? stemFn(word) : word
  if (stemCache.size >= STEM_CACHE_SIZE) stemCache.clear()
  stemCache.set(word, value)
  return value
}

// Hyphens and slashes join words ("wi-fi", "read/write", "sign-in"); dropping them lets
// "wi-fi", "wi fi" and "wi - fi" all become the same token sequence. Any other punctuation
// glued between two words ("node.js", "ci/cd", "support@") joins too; punctuation followed by a
// space ends a phrase.
const JOINERS = new Set(['-', '/', '–', '_', '+', '&'])

// Bounds on what reaches wink and the stemmer. Both cost more than linear time in the length of
// one run of non-space characters (wink's tokenizer re-splits a run at each punctuation mark;
// Porter stemming is quadratic in a word's length): one 6,000-character "word" took over a
// second. No word of a real ticket is that long: the longest in the labelled sets is 34
// characters. A run longer than MAX_CHUNK_CHARS (a hash, a base64 blob, "!!!!…") carries nothing
// the analyser can use and is left out of the analysis, leaving a sentence break behind; a token
// longer than MAX_TOKEN_CHARS inside a shorter run is skipped the same way. extract.ts still sees
// the raw text (URLs, paths, error codes).
export const MAX_CHUNK_CHARS = 64
export const MAX_TOKEN_CHARS = 40
const LONG_CHUNK = new RegExp(`\\S{${MAX_CHUNK_CHARS + 1},}`, 'g')

/** How many tokens the stemmer has been asked for since start: lets tests count the work done. */
export const work = { stemCalls: 0 }

/** `text` without its over-long runs of non-space characters (each becomes a sentence break). */
export function withoutLongChunks(text: string): string {
  return text.replace(LONG_CHUNK, ' . ')
}

/** Tokenises, sentence-splits, lemmatises and stems `text`. */
export function analyse(rawText: string, inTitle = false): Analysed {
  const text = withoutLongChunks(rawText)
  const w = engine()
  const its = w.its
  // wink's typings give `its.lemma` the model addons as third parameter where the token-level
  // signature has the cache, so TypeScript rejects it although wink calls it correctly.
  const lemmaOf = its.lemma as unknown as ItsFunction<string>
  const doc = w.readDoc(text)
  const sentences: Sentence[] = []
  const tokens: Token[] = []
  doc.sentences().each((s: ItemSentence) => {
    const toks = s.tokens()
    const values = toks.out(its.value)
    const norms = toks.out(its.normal)
    const lemmas = toks.out(lemmaOf)
    const types = toks.out(its.type)
    const spaces = toks.out(its.precedingSpaces)
    const sentTokens: Token[] = []
    let brk = true
    for (let i = 0; i < values.length; i++) {
      const type = types[i] ?? 'word'
      const value = values[i] ?? ''
      if (type === 'punctuation' || type === 'symbol' || type === 'emoji' || type === 'emoticon') {
        const glued = (spaces[i] ?? ' ') === '' && (spaces[i + 1] ?? ' ') === ''
        if (!JOINERS.has(value) && !glued) brk = true
        continue
      }
      if (type === 'tabCRLF' || type === 'space') continue
      if (value.length > MAX_TOKEN_CHARS) {
        brk = true
        continue
      }
      const norm = (norms[i] ?? value).toLowerCase()
      const lemma = (lemmas[i] ?? norm).toLowerCase()
      const tok: Token = {
        text: value,
        norm,
        keys: [stem(norm), stem(lemma)],
        brk,
        inTitle,
        numeric: type === 'number' || type === 'ordinal',
      }
      brk = false
      sentTokens.push(tok)
      tokens.push(tok)
    }
    sentences.push({ text: s.out(), tokens: sentTokens })
  })
  return { sentences: mergeGlued(text, sentences), tokens, isOov: (word) => doc.isOOV(word) }
}

/**
 * wink ends a sentence at any full stop, including those inside file names, extensions and
 * class names ("README_DECRYPT.txt", ".locked", "java.lang.OutOfMemoryError"). A sentence not
 * followed by whitespace in the original text is glued to the next one, so they are merged.
 */
function mergeGlued(text: string, sentences: Sentence[]): Sentence[] {
  const out: Array<Sentence & { start: number }> = []
  let from = 0
  let glued = false
  for (const s of sentences) {
    const at = text.indexOf(s.text, from)
    const prev = out[out.length - 1]
    if (at === -1) {
      out.push({ ...s, start: -1 })
      glued = false
      continue
    }
    const end = at + s.text.length
    if (glued && prev && prev.start !== -1) {
      prev.text = text.slice(prev.start, end)
      prev.tokens.push(...s.tokens)
    } else out.push({ text: s.text, tokens: s.tokens, start: at })
    const next = text.charAt(end)
    glued = next !== '' && !/\s/.test(next)
    from = end
  }
  return out.map(({ text: t, tokens }) => ({ text: t, tokens }))
}

// A word that never occurs in text: terms are analysed in one batch (one wink document instead
// of a thousand) and split apart again on it.
const SEPARATOR = 'qqxtermsepqq'

/**
 * Token keys (stem of the lower-cased form) of each term, tokenised exactly like tickets. A term
 * written with a leading "=" matches its words exactly instead of by stem: Porter stemming makes
 * "product" and "production" the same word, which is wrong for a priority cue.
 */
export function termKeys(terms: readonly string[]): string[][] {
  const out: string[][] = terms.map(() => [])
  if (terms.length === 0) return out
  const exact = terms.map((t) => t.startsWith('='))
  const { tokens } = analyse(terms.map((t) => t.replace(/^=/, '')).join(` . ${SEPARATOR} . `))
  let k = 0
  for (const tok of tokens) {
    if (tok.norm === SEPARATOR) k++
    else out[k]?.push(exact[k] ? exactKey(tok) : tok.keys[0])
  }
  return out
}

/** The key a token has for terms that must match exactly. */
export function exactKey(tok: Pick<Token, 'norm'>): string {
  return `=${tok.norm}`
}

/** Whether a token matches one key of a term. */
export function tokenMatches(tok: Token, key: string | undefined): boolean {
  return key === tok.keys[0] || key === tok.keys[1] || key === exactKey(tok)
}

/** All keys a token can be looked up by. */
export function lookupKeys(tok: Token): string[] {
  return [tok.keys[0], tok.keys[1], exactKey(tok)]
}
