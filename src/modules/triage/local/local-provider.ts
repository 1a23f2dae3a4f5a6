// The built-in, offline triage provider: no key, no network. Deterministic: the same ticket
// and catalog always give the same analysis.
import type { CatalogSkill, TicketAnalysis, TicketText, TriageProvider } from '../triage.types.js'
import { TriageError } from '../triage.types.js'
import { scoreAreas, vocabularyHits } from './areas.js'
import { extractSpecifics } from './extract.js'
import { analyse } from './nlp.js'
import { buildNotes } from './notes.js'
import { decidePriority } from './priority.js'
import { chooseSkills } from './skills.js'
import { summarise } from './summary.js'

/** Tickets are at most 5000 characters by validation; anything longer is cut, not rejected. */
const MAX_INPUT_CHARS = 6000
const MAX_TITLE_CHARS = 300

function normaliseText(text: unknown, max: number): string {
  if (typeof text !== 'string') return ''
  // Lone surrogates and control characters confuse the tokenizer and have no meaning here.
  return text
    .replace(/\p{Cc}/gu, (c) => (c === '\n' || c === '\t' ? c : ' '))
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, ' ')
    .slice(0, max)
}

export function analyseTicket(ticket: TicketText, catalog: readonly CatalogSkill[]): TicketAnalysis {
  const title = normaliseText(ticket.title, MAX_TITLE_CHARS)
  const description = normaliseText(ticket.description, MAX_INPUT_CHARS)
  const t = analyse(title, true)
  const d = analyse(description, false)
  const doc = {
    tokens: [...t.tokens, ...d.tokens],
    isOov: (w: string) => d.isOov(w),
  }
  const hits = vocabularyHits(doc)
  const areas = scoreAreas(doc, hits)
  const { skills } = chooseSkills(doc, areas, catalog, hits)
  const priority = decidePriority(doc.tokens, `${title}\n${description}`, areas)
  return {
    summary: summarise(title, t.sentences, d.sentences),
    priority: priority.priority,
    helpfulNotes: buildNotes(areas, extractSpecifics(`${title}\n${description}`), priority),
    relatedSkills: skills,
  }
}

export function createLocalProvider(): TriageProvider {
  return {
    name: 'local',
    inProcess: true,
    async analyse(ticket, catalog, signal) {
      if (signal?.aborted) throw new TriageError('Triage aborted', true, { cause: signal.reason })
      try {
        return analyseTicket(ticket, sanitiseCatalog(catalog))
      } catch (err) {
        // Nothing above is expected to throw; if it does, a bug must not take the ticket with
        // it: fall back to a neutral analysis that still satisfies the schema.
        return fallbackAnalysis(ticket, err)
      }
    },
  }
}

function sanitiseCatalog(catalog: readonly CatalogSkill[] | undefined): CatalogSkill[] {
  if (!Array.isArray(catalog)) return []
  return catalog
    .filter((s): s is CatalogSkill => typeof s?.name === 'string' && s.name.trim().length > 0)
    .map((s) => ({
      name: s.name,
      description: typeof s.description === 'string' ? s.description : null,
      keywords: Array.isArray(s.keywords) ? s.keywords.filter((k): k is string => typeof k === 'string') : [],
    }))
}

function fallbackAnalysis(ticket: TicketText, err: unknown): TicketAnalysis {
  const title = normaliseText(ticket?.title, 200).trim()
  const reason = err instanceof Error ? err.message : String(err)
  return {
    summary: title.length > 0 ? title.slice(0, 300) : 'No description provided.',
    priority: 'medium',
    helpfulNotes: `Automatic analysis failed (${reason.slice(0, 200)}); triage this ticket manually.`,
    relatedSkills: [],
  }
}
