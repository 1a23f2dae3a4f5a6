// Scores a ticket against the built-in vocabulary areas.
import { type PhraseHit, PhraseIndex } from './matcher.js'
import type { Analysed, Token } from './nlp.js'
import { type AreaId, TERM_WEIGHT, VOCABULARY, type VocabularyArea } from './vocabulary.js'

export interface AreaTerm {
  area: AreaId
  weight: number
  /** The vocabulary term as written (notes use it to pick topic-specific steps). */
  term: string
}

export interface AreaScore {
  area: VocabularyArea
  score: number
  /** Vocabulary terms that matched, strongest first. */
  terms: string[]
}

/** Title words say what the ticket is about; the description adds context and noise. */
export const TITLE_WEIGHT = 2
/** A typo match is good evidence, but less than the word spelled right. */
const FUZZY_FACTOR = 0.7
/** Repeating a word in a long description should not outweigh a different word in the title. */
const REPEAT_FACTORS = [1, 0.5, 0.25]

let vocabIndex: PhraseIndex<AreaTerm> | undefined

export function vocabularyIndex(): PhraseIndex<AreaTerm> {
  if (!vocabIndex) {
    const index = new PhraseIndex<AreaTerm>()
    for (const area of VOCABULARY) {
      for (const level of ['strong', 'medium', 'weak', 'typos'] as const) {
        const terms = area[level]
        const weight = TERM_WEIGHT[level]
        // Exact-match markers ("=build") are matching syntax, not part of the term's name.
        index.addAll(
          terms,
          (i) => ({ area: area.id, weight, term: (terms[i] ?? '').replace(/^=/, '') }),
          level !== 'weak',
        )
      }
    }
    vocabIndex = index
  }
  return vocabIndex
}

export function areaById(id: AreaId): VocabularyArea {
  const area = VOCABULARY.find((a) => a.id === id)
  if (!area) throw new Error(`unknown vocabulary area ${id}`)
  return area
}

// A word naming a group of people ("the mobile team", "the finance department") says who is
// involved, not what is broken.
const GROUP_NOUNS = new Set([
  'team',
  'teams',
  'department',
  'dept',
  'squad',
  'group',
  'crew',
  'folks',
  'colleagues',
])
const GROUP_FACTOR = 0.3

/** Weight of a hit at tokens[start, end): title tokens count double, team names much less. */
export function positionWeight(tokens: readonly Token[], start: number, end: number): number {
  const next = tokens[end]
  const group = next && !next.brk && GROUP_NOUNS.has(next.norm) ? GROUP_FACTOR : 1
  return (tokens[start]?.inTitle ? TITLE_WEIGHT : 1) * group
}

export type VocabularyHit = PhraseHit<AreaTerm>

/** Vocabulary terms found in the ticket (computed once, shared by area and skill scoring). */
export function vocabularyHits(doc: Pick<Analysed, 'tokens' | 'isOov'>): VocabularyHit[] {
  return vocabularyIndex().match(doc.tokens, doc.isOov)
}

/** Scores every area the ticket touches, best first. */
export function scoreAreas(doc: Pick<Analysed, 'tokens'>, hits: readonly VocabularyHit[]): AreaScore[] {
  const totals = new Map<AreaId, { score: number; terms: Map<string, number> }>()
  const repeats = new Map<string, number>()
  for (const hit of hits) {
    const pos = positionWeight(doc.tokens, hit.start, hit.end)
    for (const p of strongestPerArea(hit.payloads)) {
      const key = `${p.area}:${p.term}`
      const n = repeats.get(key) ?? 0
      repeats.set(key, n + 1)
      const factor = REPEAT_FACTORS[n] ?? 0
      const value = p.weight * pos * factor * (hit.fuzzy ? FUZZY_FACTOR : 1)
      if (value === 0) continue
      const entry = totals.get(p.area) ?? { score: 0, terms: new Map<string, number>() }
      entry.score += value
      entry.terms.set(p.term, (entry.terms.get(p.term) ?? 0) + value)
      totals.set(p.area, entry)
    }
  }
  return [...totals.entries()]
    .map(([id, e]) => ({
      area: areaById(id),
      score: e.score,
      terms: [...e.terms.entries()].sort((a, b) => b[1] - a[1]).map(([t]) => t),
    }))
    .sort((a, b) => b.score - a.score || a.area.id.localeCompare(b.area.id))
}

/** Several terms can share a stem ("billing", "billed", "bill"): one word counts once per area. */
export function strongestPerArea(payloads: readonly AreaTerm[]): AreaTerm[] {
  const best = new Map<AreaId, AreaTerm>()
  for (const p of payloads) {
    const b = best.get(p.area)
    if (!b || p.weight > b.weight) best.set(p.area, p)
  }
  return [...best.values()]
}
