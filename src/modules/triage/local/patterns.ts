// Cue patterns for priority: phrases with alternatives and bounded gaps, e.g.
// "nobody|no one ... can|could" matches "No one in the company can sign in". Written as text,
// compiled through the same tokeniser as tickets.
import { lookupKeys, type Token, termKeys, tokenMatches } from './nlp.js'

export interface CueSpec<K extends string> {
  /** Parts separated by " ... " (up to GAP tokens between them); alternatives by "|". */
  pattern: string
  kind: K
  weight: number
  /** Whether a preceding "not", "no", "never", "without"... cancels the cue. */
  negatable?: boolean
  /** The cue does not count when the previous word is one of these ("shut down", "slow down"). */
  notAfter?: string[]
}

export interface CueHit<K extends string> {
  kind: K
  weight: number
  pattern: string
  start: number
  negated: boolean
}

interface CompiledCue<K extends string> {
  spec: CueSpec<K>
  parts: string[][][]
  notAfter: Set<string>
}

/** Tokens allowed between two parts of a pattern. */
const GAP = 4
/** How far back a negator reaches (within the same clause). */
const NEGATION_REACH = 5
const NEGATORS = new Set(['not', 'no', 'never', 'without', 'nothing', 'none', 'neither', 'nor', 'hardly'])
/** Negation does not reach past these: "no one answered but the site is down". */
const CLAUSE_BREAKERS = new Set(['but', 'although', 'though', 'however', 'yet', 'and', 'so', 'because'])

export class CueSet<K extends string> {
  private readonly byFirst = new Map<string, CompiledCue<K>[]>()

  constructor(specs: readonly CueSpec<K>[]) {
    const alternatives: string[] = []
    const shape = specs.map((s) =>
      s.pattern.split(' ... ').map((part) =>
        part.split('|').map((alt) => {
          alternatives.push(alt.trim())
          return alternatives.length - 1
        }),
      ),
    )
    const keys = termKeys(alternatives)
    specs.forEach((spec, i) => {
      const parts = (shape[i] ?? []).map((part) => part.map((a) => keys[a] ?? []).filter((k) => k.length > 0))
      const cue: CompiledCue<K> = { spec, parts, notAfter: new Set(termKeys(spec.notAfter ?? []).flat()) }
      for (const alt of parts[0] ?? []) {
        const first = alt[0]
        if (first === undefined) continue
        const list = this.byFirst.get(first) ?? []
        if (!list.includes(cue)) list.push(cue)
        this.byFirst.set(first, list)
      }
    })
  }

  match(tokens: readonly Token[]): CueHit<K>[] {
    const hits: CueHit<K>[] = []
    for (let i = 0; i < tokens.length; i++) {
      const tok = tokens[i]
      if (!tok) continue
      const candidates = new Set(lookupKeys(tok).flatMap((k) => this.byFirst.get(k) ?? []))
      for (const cue of candidates) {
        if (!matchesFrom(tokens, i, cue.parts)) continue
        const prev = tokens[i - 1]
        if (prev && !tok.brk && lookupKeys(prev).some((k) => cue.notAfter.has(k))) continue
        const negated = cue.spec.negatable === true && isNegated(tokens, i)
        hits.push({
          kind: cue.spec.kind,
          weight: cue.spec.weight,
          pattern: cue.spec.pattern,
          start: i,
          negated,
        })
      }
    }
    return hits
  }
}

function fits(tokens: readonly Token[], i: number, keys: readonly string[]): boolean {
  for (let j = 0; j < keys.length; j++) {
    const t = tokens[i + j]
    if (!t || (j > 0 && t.brk) || !tokenMatches(t, keys[j])) return false
  }
  return true
}

/** Matches part 0 at i, then each following part within GAP tokens of the same clause. */
function matchesFrom(tokens: readonly Token[], i: number, parts: readonly string[][][]): boolean {
  let pos = i
  for (let p = 0; p < parts.length; p++) {
    const alts = parts[p] ?? []
    if (p === 0) {
      const alt = alts.find((a) => fits(tokens, pos, a))
      if (!alt) return false
      pos += alt.length
      continue
    }
    let found = false
    for (let gap = 0; gap <= GAP && !found; gap++) {
      const at = pos + gap
      const t = tokens[at]
      if (!t || (t.brk && gap > 0) || (gap === 0 && t.brk)) break
      const alt = alts.find((a) => fits(tokens, at, a))
      if (alt) {
        pos = at + alt.length
        found = true
      }
    }
    if (!found) return false
  }
  return true
}

/** A negator shortly before `i` in the same clause ("no data was lost", "not urgent"). */
export function isNegated(tokens: readonly Token[], i: number): boolean {
  for (let j = i - 1; j >= 0 && j >= i - NEGATION_REACH; j--) {
    const after = tokens[j + 1]
    if (after?.brk) return false
    const t = tokens[j]
    if (!t) return false
    if (CLAUSE_BREAKERS.has(t.norm)) return false
    // "No one can log in" states a problem, it does not negate one.
    if (t.norm === 'no' && tokens[j + 1]?.norm === 'one') continue
    if (NEGATORS.has(t.norm)) return true
  }
  return false
}
