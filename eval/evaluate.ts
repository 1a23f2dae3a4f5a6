// Evaluation of the local triage provider against hand-labelled tickets. Shared by
// eval/run.ts (the report) and test/triage-local.test.ts (the regression guard).
import { readFileSync } from 'node:fs'
import { analyseTicket } from '../src/modules/triage/local/local-provider.js'
import type { CatalogSkill, TicketAnalysis } from '../src/modules/triage/triage.types.js'

export interface LabelledTicket {
  title: string
  description: string
  expected_skill: string
  expected_priority: 'low' | 'medium' | 'high'
}

export interface Miss {
  title: string
  expected: string
  got: string
}

export interface EvalReport {
  count: number
  /** expected_skill is the first related skill. */
  routingTop1: number
  /** expected_skill is among the first three related skills. */
  routingTop3: number
  priority: number
  routingMisses: Miss[]
  priorityMisses: Miss[]
  /** "expected -> got" for priority, counted. */
  priorityConfusion: Map<string, number>
  /** Per-ticket analysis time in ms after a warm-up pass: the median of TIMED_RUNS runs, so a
   *  GC pause or a busy machine does not masquerade as a slow ticket. */
  latencies: number[]
}

const PRIORITIES = new Set(['low', 'medium', 'high'])
const TIMED_RUNS = 5

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function readJson(name: string): unknown {
  return JSON.parse(readFileSync(new URL(name, import.meta.url), 'utf8'))
}

export function loadTickets(name: 'tickets.json' | 'holdout.json'): LabelledTicket[] {
  const data = readJson(name)
  if (!Array.isArray(data)) throw new Error(`${name}: expected an array`)
  return data.map((t, i) => {
    if (
      !isRecord(t) ||
      typeof t.title !== 'string' ||
      typeof t.description !== 'string' ||
      typeof t.expected_skill !== 'string' ||
      typeof t.expected_priority !== 'string' ||
      !PRIORITIES.has(t.expected_priority)
    ) {
      throw new Error(`${name}[${i}]: not a labelled ticket`)
    }
    return {
      title: t.title,
      description: t.description,
      expected_skill: t.expected_skill,
      expected_priority: t.expected_priority as LabelledTicket['expected_priority'],
    }
  })
}

export function loadCatalog(): CatalogSkill[] {
  const data = readJson('catalog.json')
  if (!Array.isArray(data)) throw new Error('catalog.json: expected an array')
  return data.map((s, i) => {
    if (!isRecord(s) || typeof s.name !== 'string' || !Array.isArray(s.keywords)) {
      throw new Error(`catalog.json[${i}]: not a skill`)
    }
    return {
      name: s.name,
      description: typeof s.description === 'string' ? s.description : null,
      keywords: s.keywords.filter((k): k is string => typeof k === 'string'),
    }
  })
}

export function evaluate(tickets: readonly LabelledTicket[], catalog: readonly CatalogSkill[]): EvalReport {
  // Warm-up: load the language model, JIT-compile, build the catalog cache.
  for (const t of tickets) analyseTicket(t, catalog)
  const results: TicketAnalysis[] = []
  const latencies: number[] = []
  for (const t of tickets) {
    const runs: number[] = []
    for (let i = 0; i < TIMED_RUNS; i++) {
      const start = performance.now()
      const result = analyseTicket(t, catalog)
      runs.push(performance.now() - start)
      if (i === 0) results.push(result)
    }
    latencies.push(percentile(runs, 50))
  }
  let top1 = 0
  let top3 = 0
  let prio = 0
  const routingMisses: Miss[] = []
  const priorityMisses: Miss[] = []
  const priorityConfusion = new Map<string, number>()
  tickets.forEach((t, i) => {
    const r = results[i]
    if (!r) return
    if (r.relatedSkills[0] === t.expected_skill) top1++
    else
      routingMisses.push({
        title: t.title,
        expected: t.expected_skill,
        got: r.relatedSkills.join(', ') || '(none)',
      })
    if (r.relatedSkills.slice(0, 3).includes(t.expected_skill)) top3++
    if (r.priority === t.expected_priority) prio++
    else {
      priorityMisses.push({ title: t.title, expected: t.expected_priority, got: r.priority })
      const key = `${t.expected_priority} -> ${r.priority}`
      priorityConfusion.set(key, (priorityConfusion.get(key) ?? 0) + 1)
    }
  })
  const n = Math.max(tickets.length, 1)
  return {
    count: tickets.length,
    routingTop1: top1 / n,
    routingTop3: top3 / n,
    priority: prio / n,
    routingMisses,
    priorityMisses,
    priorityConfusion,
    latencies,
  }
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0
}
