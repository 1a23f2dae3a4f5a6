// Prints the local provider's accuracy on the labelled tickets: `tsx eval/run.ts`.
// tickets.json is the set the provider was tuned on; holdout.json was written before tuning
// and never used for it, so its figures are the honest estimate for unseen tickets.
import { analyseTicket } from '../src/modules/triage/local/local-provider.js'
import { ADVERSARIAL_INPUTS, ORDINARY_TICKET } from './adversarial.js'
import { type EvalReport, evaluate, loadCatalog, loadTickets, percentile } from './evaluate.js'
import { evaluateSimilar } from './similar.js'

const pct = (x: number) => `${(x * 100).toFixed(1)}%`

function confusion(report: EvalReport): string[] {
  const pairs = new Map<string, number>()
  for (const m of report.routingMisses) {
    const key = `${m.expected} -> ${m.got.split(', ')[0] ?? ''}`
    pairs.set(key, (pairs.get(key) ?? 0) + 1)
  }
  return [...pairs.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${v} x ${k}`)
}

function print(name: string, report: EvalReport): void {
  const l = report.latencies
  const mean = l.reduce((a, b) => a + b, 0) / Math.max(l.length, 1)
  console.log(`\n== ${name} (${report.count} tickets) ==`)
  console.log(`routing top-1  ${pct(report.routingTop1)}`)
  console.log(`routing top-3  ${pct(report.routingTop3)}`)
  console.log(`priority       ${pct(report.priority)}`)
  console.log(
    `latency ms     (median of 5 runs per ticket) mean ${mean.toFixed(2)}  p50 ${percentile(l, 50).toFixed(2)}  p95 ${percentile(l, 95).toFixed(2)}  max ${percentile(l, 100).toFixed(2)}`,
  )
  if (report.routingMisses.length) {
    console.log('routing confusion (expected -> first skill):')
    for (const line of confusion(report)) console.log(`  ${line}`)
    console.log('routing misses:')
    for (const m of report.routingMisses)
      console.log(`  - ${m.title}: expected ${m.expected}, got [${m.got}]`)
  }
  if (report.priorityMisses.length) {
    console.log('priority confusion (expected -> got):')
    for (const [k, v] of [...report.priorityConfusion.entries()].sort((a, b) => b[1] - a[1]))
      console.log(`  ${v} x ${k}`)
    console.log('priority misses:')
    for (const m of report.priorityMisses) console.log(`  - ${m.title}: expected ${m.expected}, got ${m.got}`)
  }
}

const catalog = loadCatalog()
print('main (tickets.json)', evaluate(loadTickets('tickets.json'), catalog))
print('holdout (holdout.json)', evaluate(loadTickets('holdout.json'), catalog))

// Hostile inputs: the analyser runs on the API's event loop (or a worker's), so no text may make
// it slow. Each figure is the median of 5 runs with fresh words (a new seed suffix each run, so
// the stem cache does not flatter the repeat runs), beside an ordinary ticket of the same length.
const ADVERSARIAL_TARGET_MS = 20
const timeOf = (description: string) => {
  const runs: number[] = []
  for (let i = 0; i < 5; i++) {
    const start = performance.now()
    analyseTicket(
      { title: 'Help', description: `${description.slice(0, 5990)} ${i}x${runs.length}` },
      catalog,
    )
    runs.push(performance.now() - start)
  }
  return percentile(runs, 50)
}
console.log(`\n== adversarial inputs (6,000 characters each; target < ${ADVERSARIAL_TARGET_MS} ms) ==`)
console.log(`${'ordinary ticket (yardstick)'.padEnd(32)} ${timeOf(ORDINARY_TICKET).toFixed(2)} ms`)
for (const [name, text] of Object.entries(ADVERSARIAL_INPUTS)) {
  const ms = timeOf(text)
  console.log(`${name.padEnd(32)} ${ms.toFixed(2)} ms${ms < ADVERSARIAL_TARGET_MS ? '' : '  OVER TARGET'}`)
}

// Similar tickets (GET /api/tickets/:id/similar) on the labelled pairs: recall@5, target ≥ 90 %.
const SIMILAR_TARGET = 0.9
const similar = await evaluateSimilar()
console.log(`\n== similar tickets (similar-pairs.json: ${similar.pairs} pairs, ${similar.corpus} tickets) ==`)
console.log(
  `recall@5       ${pct(similar.recallAt5)}${similar.recallAt5 >= SIMILAR_TARGET ? '' : '  UNDER TARGET'} (target ${pct(SIMILAR_TARGET)}, both directions of every pair)`,
)
for (const [kind, k] of Object.entries(similar.byKind))
  console.log(`  ${kind.padEnd(12)} ${pct(k.found / Math.max(k.lookups, 1))} (${k.found}/${k.lookups})`)
const scores = similar.duplicateScores
console.log(
  `duplicate pair similarity  p10 ${percentile(scores, 10).toFixed(3)}  p50 ${percentile(scores, 50).toFixed(3)}  min ${percentile(scores, 0).toFixed(3)}`,
)
console.log(
  `latency ms     (PGlite in memory) p50 ${similar.latency.p50.toFixed(2)}  p95 ${similar.latency.p95.toFixed(2)}`,
)
if (similar.misses.length) {
  console.log('misses (ticket -> wanted; got):')
  for (const m of similar.misses)
    console.log(`  - [${m.kind}] ${m.title} -> ${m.wanted}; got [${m.got.join(' | ')}]`)
}
