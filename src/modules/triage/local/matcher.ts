// Whole-word, multi-word phrase matching over analysed tokens. Matching is on stems, never on
// substrings, so "Java" cannot match "JavaScript" and "mail" cannot match "email".
import { lookupKeys, type Token, termKeys, tokenMatches } from './nlp.js'

export interface PhraseHit<T> {
  payloads: readonly T[]
  /** Index of the first and one past the last matched token. */
  start: number
  end: number
  /** True when the hit came from typo tolerance rather than an exact match. */
  fuzzy: boolean
}

interface Phrase<T> {
  keys: string[]
  payloads: T[]
}

/** Typo tolerance only applies to words this long: shorter words are too easily confused. */
const MIN_FUZZY_LENGTH = 5

export class PhraseIndex<T> {
  private readonly byFirst = new Map<string, Phrase<T>[]>()
  private readonly single = new Map<string, T[]>()
  private readonly fuzzyCache = new Map<string, T[] | null>()

  /**
   * Adds many terms at once (one NLP pass); `payload(i)` is attached to the i-th term. Typo
   * tolerance is opt-in per batch: it is only worth it for distinctive terms.
   */
  addAll(terms: readonly string[], payload: (i: number) => T, fuzzy = false): void {
    const keys = termKeys(terms)
    keys.forEach((k, i) => {
      const first = k[0]
      if (first === undefined) return
      const list = this.byFirst.get(first) ?? []
      const existing = list.find((p) => p.keys.length === k.length && p.keys.every((x, j) => x === k[j]))
      if (existing) existing.payloads.push(payload(i))
      else list.push({ keys: k, payloads: [payload(i)] })
      // Longest phrases first, so the first match found at a position is the longest one.
      list.sort((a, b) => b.keys.length - a.keys.length)
      this.byFirst.set(first, list)
      const term = terms[i]?.toLowerCase() ?? ''
      if (fuzzy && k.length === 1 && term.length >= MIN_FUZZY_LENGTH - 1 && /^[a-z]+$/.test(term)) {
        this.single.set(term, [...(this.single.get(term) ?? []), payload(i)])
      }
    })
  }

  /**
   * Greedy longest-match scan. Phrases never cross punctuation, and a token belongs to at most
   * one hit (so "packet loss" is not also counted as "loss"). When `isOov` is given, unmatched
   * out-of-lexicon words are compared with single-word terms allowing one edit ("pasword").
   */
  match(tokens: readonly Token[], isOov?: (word: string) => boolean): PhraseHit<T>[] {
    const hits: PhraseHit<T>[] = []
    let i = 0
    while (i < tokens.length) {
      const hit = this.matchAt(tokens, i) ?? (isOov ? this.fuzzyAt(tokens, i, isOov) : undefined)
      if (hit) {
        hits.push(hit)
        i = hit.end
      } else i++
    }
    return hits
  }

  private matchAt(tokens: readonly Token[], i: number): PhraseHit<T> | undefined {
    const tok = tokens[i]
    if (!tok) return undefined
    const seen = new Set<Phrase<T>>()
    let best: Phrase<T> | undefined
    for (const first of lookupKeys(tok)) {
      for (const p of this.byFirst.get(first) ?? []) {
        if (seen.has(p) || (best && best.keys.length >= p.keys.length)) continue
        seen.add(p)
        if (phraseFits(tokens, i, p.keys)) best = p
      }
    }
    return best ? { payloads: best.payloads, start: i, end: i + best.keys.length, fuzzy: false } : undefined
  }

  private fuzzyAt(
    tokens: readonly Token[],
    i: number,
    isOov: (word: string) => boolean,
  ): PhraseHit<T> | undefined {
    const tok = tokens[i]
    if (!tok || tok.numeric || tok.norm.length < MIN_FUZZY_LENGTH || !/^[a-z]+$/.test(tok.norm))
      return undefined
    let payloads = this.fuzzyCache.get(tok.norm)
    if (payloads === undefined) {
      payloads = isOov(tok.norm) ? this.closest(tok.norm) : null
      // Bounded so a stream of unusual words cannot grow memory without limit.
      if (this.fuzzyCache.size > 5000) this.fuzzyCache.clear()
      this.fuzzyCache.set(tok.norm, payloads)
    }
    return payloads ? { payloads, start: i, end: i + 1, fuzzy: true } : undefined
  }

  private closest(word: string): T[] | null {
    for (const [term, payloads] of this.single) {
      if (Math.abs(term.length - word.length) <= 1 && withinOneEdit(word, term)) return payloads
    }
    return null
  }
}

function phraseFits(tokens: readonly Token[], i: number, keys: readonly string[]): boolean {
  for (let j = 0; j < keys.length; j++) {
    const t = tokens[i + j]
    if (!t || (j > 0 && t.brk) || !tokenMatches(t, keys[j])) return false
  }
  return true
}

/** Damerau-Levenshtein distance <= 1 (one insertion, deletion, substitution or transposition). */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true
  if (Math.abs(a.length - b.length) > 1) return false
  let i = 0
  while (i < a.length && i < b.length && a[i] === b[i]) i++
  if (a.length === b.length) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2)
  }
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1)
}
