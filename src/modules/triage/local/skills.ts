// Chooses relatedSkills from the catalog. A catalog skill is matched two ways:
//  - directly: its name, keywords and description words appear in the ticket (whole words,
//    stemmed), which also covers skills the built-in vocabulary knows nothing about;
//  - through the vocabulary: the ticket scores vocabulary areas, and each area is linked to the
//    catalog skills whose own text speaks of that area ("VPN" -> networking -> a skill named
//    "Networking" even when that skill has no keywords).
// Catalog skills always come first; vocabulary area labels only fill in what the catalog lacks.
import type { CatalogSkill } from '../triage.types.js'
import { type AreaScore, positionWeight, type VocabularyHit, vocabularyIndex } from './areas.js'
import { PhraseIndex } from './matcher.js'
import { type Analysed, termKeys } from './nlp.js'
import { GENERIC_WORDS, STOPWORDS } from './stopwords.js'
import { type AreaId, VOCABULARY } from './vocabulary.js'

export const MAX_SKILLS = 3
/** Below this a match is a coincidence (one weak word in the description). */
const MIN_SCORE = 2
/** A second or third skill must be at least this fraction of the best one to be listed. */
const RELATIVE_CUTOFF = 0.4

interface DirectTerm {
  skill: number
  weight: number
}

interface CompiledCatalog {
  names: string[]
  direct: PhraseIndex<DirectTerm>
  /** For each vocabulary area, the catalog skills it leads to and how strongly (0..1]. */
  affinity: Map<AreaId, Array<{ skill: number; value: number }>>
}

// Catalogs change rarely and every ticket of a deployment sees the same one, so compiled
// catalogs are cached by content. The cache is small because only the current one matters.
const cache = new Map<string, CompiledCatalog>()
const CACHE_SIZE = 8

export function compileCatalog(catalog: readonly CatalogSkill[]): CompiledCatalog {
  const key = JSON.stringify(catalog.map((s) => [s.name, s.description, s.keywords]))
  const hit = cache.get(key)
  if (hit) return hit
  const compiled = compile(catalog)
  if (cache.size >= CACHE_SIZE) {
    const oldest = cache.keys().next().value
    if (oldest !== undefined) cache.delete(oldest)
  }
  cache.set(key, compiled)
  return compiled
}

function contentWords(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}.#+-]+/u)
    .map((w) => w.replace(/^[.-]+|[.-]+$/g, ''))
    .filter((w) => w.length > 1 && !STOPWORDS.has(w) && !GENERIC_WORDS.has(w))
}

function compile(catalog: readonly CatalogSkill[]): CompiledCatalog {
  const names = catalog.map((s) => s.name)
  const direct = new PhraseIndex<DirectTerm>()
  // Description words shared by many skills discriminate poorly: weight them by rarity.
  const descWords = catalog.map((s) => [...new Set(contentWords(s.description ?? ''))])
  const df = new Map<string, number>()
  for (const words of descWords) for (const w of words) df.set(w, (df.get(w) ?? 0) + 1)
  const n = Math.max(catalog.length, 1)
  catalog.forEach((skill, idx) => {
    const nameWords = contentWords(skill.name)
    const keywords = skill.keywords.map((k) => k.trim()).filter((k) => k.length > 0)
    const desc = descWords[idx] ?? []
    direct.addAll([skill.name], () => ({ skill: idx, weight: 4 }))
    if (nameWords.length > 1) direct.addAll(nameWords, () => ({ skill: idx, weight: 2.5 }))
    direct.addAll(keywords, () => ({ skill: idx, weight: 3 }))
    direct.addAll(desc, (i) => {
      const w = desc[i] ?? ''
      return { skill: idx, weight: Math.log(1 + n / (df.get(w) ?? 1)) / Math.log(1 + n) }
    })
  })
  return { names, direct, affinity: linkAreas(catalog) }
}

/** Link evidence at which an area fully belongs to a skill: an area name in the skill's name
 *  or keywords, or two strong vocabulary terms in its description. */
const LINK_SATURATION = 6
/** Below this an area-skill link is an accidental overlap and is dropped. */
const MIN_LINK = 0.25

/**
 * Links vocabulary areas to catalog skills by reading each skill's own text with the
 * vocabulary. An area's own name ("networking", "vpn") in the skill's name or keywords is
 * decisive; vocabulary terms in the name, keywords or description add evidence. Area names are
 * not looked for in descriptions: "The web application's UI" is not about applications.
 * Strength saturates, so one passing mention never becomes a full link.
 */
function linkAreas(catalog: readonly CatalogSkill[]): Map<AreaId, Array<{ skill: number; value: number }>> {
  const areaNames = new PhraseIndex<AreaId>()
  for (const area of VOCABULARY) areaNames.addAll(area.names, () => area.id)
  const raw = new Map<AreaId, Map<number, number>>()
  const add = (area: AreaId, skill: number, value: number) => {
    const m = raw.get(area) ?? new Map<number, number>()
    m.set(skill, (m.get(skill) ?? 0) + value)
    raw.set(area, m)
  }
  catalog.forEach((skill, idx) => {
    const parts: Array<[string, number, boolean]> = [
      [skill.name, 3, true],
      [skill.keywords.join(' , '), 2, true],
      [skill.description ?? '', 1, false],
    ]
    for (const [text, factor, identity] of parts) {
      if (!text.trim()) continue
      const tokens = termTokens(text)
      if (identity)
        for (const hit of areaNames.match(tokens)) for (const a of hit.payloads) add(a, idx, LINK_SATURATION)
      for (const hit of vocabularyIndex().match(tokens)) {
        for (const p of hit.payloads) add(p.area, idx, p.weight * factor)
      }
    }
  })
  const affinity = new Map<AreaId, Array<{ skill: number; value: number }>>()
  for (const [area, bySkill] of raw) {
    const scale = Math.max(LINK_SATURATION, ...bySkill.values())
    const links = [...bySkill.entries()]
      .map(([skill, v]) => ({ skill, value: v / scale }))
      .filter((l) => l.value >= MIN_LINK)
    if (links.length > 0) affinity.set(area, links)
  }
  return affinity
}

/** Tokens of catalog text, shaped like ticket tokens (no title weighting, no sentences). */
function termTokens(text: string): Analysed['tokens'] {
  const keys = termKeys([text])[0] ?? []
  return keys.map((k, i) => ({
    text: k,
    norm: k,
    keys: [k, k] as const,
    brk: i === 0,
    inTitle: false,
    numeric: false,
  }))
}

export interface SkillChoice {
  /** Catalog names first, then vocabulary area labels for needs the catalog does not cover. */
  skills: string[]
  /** Catalog skills ranked with scores, for diagnostics and tests. */
  ranked: Array<{ name: string; score: number }>
}

/** A word the vocabulary already explains still counts directly, but less: the area link
 *  carries most of its weight, and counting it twice would let one keyword decide alone. When
 *  the vocabulary read the word as part of another area ("phishing email" is security), it does
 *  not count for the skill named "Email" at all. */
const COVERED_FACTOR = 0.5
/** Evidence from one skill's own words is capped so a long ticket cannot pile it up. */
const MAX_DIRECT_HITS = 6

export function chooseSkills(
  doc: Pick<Analysed, 'tokens'>,
  areas: readonly AreaScore[],
  catalog: readonly CatalogSkill[],
  vocabHits: readonly VocabularyHit[],
): SkillChoice {
  const compiled = compileCatalog(catalog)
  const scores = new Array<number>(catalog.length).fill(0)
  const coveredBy = new Map<number, Set<AreaId>>()
  for (const h of vocabHits) {
    for (let i = h.start; i < h.end; i++) coveredBy.set(i, new Set(h.payloads.map((p) => p.area)))
  }
  const directFactor = (start: number, skill: number): number => {
    const areasAt = coveredBy.get(start)
    if (!areasAt) return 1
    const linked = [...areasAt].some((a) => compiled.affinity.get(a)?.some((l) => l.skill === skill))
    return linked ? COVERED_FACTOR : 0
  }
  const count = new Map<number, number>()
  for (const hit of compiled.direct.match(doc.tokens)) {
    const pos = positionWeight(doc.tokens, hit.start, hit.end)
    // Several entries of one skill can share a word (name and keyword): count the strongest.
    const best = new Map<number, number>()
    for (const p of hit.payloads) best.set(p.skill, Math.max(best.get(p.skill) ?? 0, p.weight))
    for (const [skill, weight] of best) {
      const n = count.get(skill) ?? 0
      count.set(skill, n + 1)
      if (n < MAX_DIRECT_HITS)
        scores[skill] = (scores[skill] ?? 0) + weight * pos * directFactor(hit.start, skill)
    }
  }
  for (const a of areas) {
    for (const link of compiled.affinity.get(a.area.id) ?? []) {
      scores[link.skill] = (scores[link.skill] ?? 0) + a.score * link.value
    }
  }
  const ranked = scores
    .map((score, i) => ({ name: compiled.names[i] ?? '', score }))
    .filter((s) => s.score > 0 && s.name.length > 0)
    .sort((a, b) => b.score - a.score || a.name.localeCompare(b.name))
  const top = ranked[0]?.score ?? 0
  const skills: string[] = []
  for (const r of ranked) {
    if (skills.length >= MAX_SKILLS) break
    if (r.score < MIN_SCORE || r.score < top * RELATIVE_CUTOFF) break
    if (!skills.includes(r.name)) skills.push(r.name)
  }
  appendUncoveredAreas(skills, areas, compiled)
  return { skills, ranked }
}

/**
 * Adds vocabulary area labels for strong needs no chosen catalog skill covers, so a ticket
 * still says what it needs when the catalog has nothing for it (or is empty).
 */
function appendUncoveredAreas(
  skills: string[],
  areas: readonly AreaScore[],
  compiled: CompiledCatalog,
): void {
  const topArea = areas[0]?.score ?? 0
  const chosen = new Set(skills.map((s) => compiled.names.indexOf(s)))
  for (const a of areas) {
    if (skills.length >= MAX_SKILLS) break
    if (a.score < MIN_SCORE || a.score < topArea * RELATIVE_CUTOFF) break
    const links = compiled.affinity.get(a.area.id) ?? []
    // Covered when the area leads to any catalog skill at all: the catalog has someone for it.
    if (links.some((l) => l.value >= 0.5 || chosen.has(l.skill))) continue
    if (skills.some((s) => s.toLowerCase() === a.area.label.toLowerCase())) continue
    skills.push(a.area.label)
  }
}
