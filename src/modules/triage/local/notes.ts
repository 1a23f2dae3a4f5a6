// Helpful notes: a short numbered list of troubleshooting steps for the ticket's main area(s),
// starting with what the reporter actually saw.
import type { AreaScore } from './areas.js'
import { describeSpecifics, type Specifics } from './extract.js'
import { GENERIC_STEPS, IMPACT_STEPS, PLAYBOOKS } from './playbooks.js'
import type { PriorityDecision } from './priority.js'

export const MAX_NOTES_CHARS = 2000
const MAX_STEPS = 7
/** A second area gets a step or two when it is at least this close to the main one. */
const SECONDARY_RATIO = 0.5

function stepsFor(area: AreaScore, budget: number): string[] {
  const playbook = PLAYBOOKS[area.area.id]
  const matched = new Set(area.terms)
  const steps: string[] = []
  // Topics ordered by how strongly their trigger terms matched (area.terms is strongest first).
  const rank = (when: string[]) => {
    const idx = area.terms.findIndex((t) => when.includes(t))
    return idx === -1 ? Number.POSITIVE_INFINITY : idx
  }
  const topics = playbook.topics
    .filter((t) => t.when.some((w) => matched.has(w)))
    .sort((a, b) => rank(a.when) - rank(b.when))
  for (const topic of topics) for (const s of topic.steps) if (!steps.includes(s)) steps.push(s)
  for (const s of playbook.general) if (!steps.includes(s)) steps.push(s)
  return steps.slice(0, budget)
}

export function buildNotes(
  areas: readonly AreaScore[],
  specifics: Specifics,
  priority: Pick<PriorityDecision, 'priority' | 'impact'>,
): string {
  const steps: string[] = []
  const seen = describeSpecifics(specifics)
  if (seen) steps.push(`Start from what the reporter saw (${seen}): search logs and known issues for it.`)
  const main = areas[0]
  if (priority.priority === 'high') {
    const first = priority.impact.map((k) => IMPACT_STEPS[k]).find((step) => step !== undefined)
    if (first) steps.push(first)
  }
  if (main) {
    const second = areas[1]
    const secondary = second && second.score >= main.score * SECONDARY_RATIO ? second : undefined
    const room = MAX_STEPS - steps.length
    steps.push(...stepsFor(main, secondary ? room - 2 : room))
    if (secondary) for (const s of stepsFor(secondary, 2)) if (!steps.includes(s)) steps.push(s)
  } else {
    steps.push(...GENERIC_STEPS)
  }
  const header = main
    ? `Likely area: ${[main, ...areas.slice(1, 2)]
        .filter((a) => a.score >= main.score * SECONDARY_RATIO)
        .map((a) => a.area.label)
        .join(' + ')}.`
    : ''
  const lines = steps.slice(0, MAX_STEPS).map((s, i) => `${i + 1}. ${s}`)
  let notes = [header, ...lines].filter((l) => l.length > 0).join('\n')
  // Drop whole steps rather than cutting one mid-sentence.
  while (notes.length > MAX_NOTES_CHARS && lines.length > 1) {
    lines.pop()
    notes = [header, ...lines].filter((l) => l.length > 0).join('\n')
  }
  return notes.slice(0, MAX_NOTES_CHARS)
}
