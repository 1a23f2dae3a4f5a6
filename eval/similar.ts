// Similar tickets on the labelled pairs of eval/similar-pairs.json (a holdout: written before the
// similarity code, never tuned on). An in-memory PGlite, migrated, holds every ticket of the pairs
// plus every ticket of eval/tickets.json and eval/holdout.json (same-topic distractors: several
// VPN, printer, email tickets...). For each pair, each side asks for its 5 most similar tickets
// (excluding itself): recall@5 is the share of those lists that hold the other side.
import { readFileSync } from 'node:fs'
import { sql } from 'drizzle-orm'
import { openDatabase } from '../src/db/client.js'
import { migrateDatabase } from '../src/db/migrate.js'
import { tickets, users } from '../src/db/schema.js'
import { findSimilar, SHOWN_FROM } from '../src/modules/similar/similar.service.js'

interface Text {
  title: string
  description: string
}
interface Pair {
  kind: 'duplicate' | 'related'
  a: Text
  b: Text
}

export interface SimilarReport {
  pairs: number
  corpus: number
  recallAt5: number
  byKind: Record<string, { lookups: number; found: number }>
  misses: { kind: string; title: string; wanted: string; got: string[] }[]
  /** ms per lookup (median and p95), PGlite in memory. */
  latency: { p50: number; p95: number }
  /** Same-ticket lookups the other way: for a duplicate, how similar (0–1) the pair scored. */
  duplicateScores: number[]
}

const readJson = (name: string): unknown => JSON.parse(readFileSync(new URL(name, import.meta.url), 'utf8'))

function loadPairs(): Pair[] {
  const data = readJson('similar-pairs.json') as { pairs?: unknown }
  if (!Array.isArray(data.pairs)) throw new Error('similar-pairs.json: expected { pairs: [...] }')
  return data.pairs as Pair[]
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0
}

export async function evaluateSimilar(): Promise<SimilarReport> {
  const pairs = loadPairs()
  const distractors = [...(readJson('tickets.json') as Text[]), ...(readJson('holdout.json') as Text[])]
  const database = await openDatabase({ dataDir: '', inMemory: true })
  try {
    await migrateDatabase(database)
    const { db } = database
    const [user] = await db
      .insert(users)
      .values({ email: 'eval@example.com', passwordHash: 'x' })
      .returning({ id: users.id })
    if (!user) throw new Error('no user')
    const insert = async (t: Text) => {
      const [row] = await db
        .insert(tickets)
        .values({ title: t.title.slice(0, 200), description: t.description, createdBy: user.id })
        .returning({ id: tickets.id })
      if (!row) throw new Error('no ticket')
      return row.id
    }
    const ids: { kind: string; a: string; b: string; pair: Pair }[] = []
    for (const pair of pairs)
      ids.push({ kind: pair.kind, a: await insert(pair.a), b: await insert(pair.b), pair })
    for (const t of distractors) await insert({ title: t.title, description: t.description })
    // What autovacuum does on PostgreSQL: the rarity of words comes from these statistics.
    await db.execute(sql`ANALYZE ticket_search`)

    const titleOf = new Map<string, string>()
    for (const p of ids) {
      titleOf.set(p.a, p.pair.a.title)
      titleOf.set(p.b, p.pair.b.title)
    }
    const byKind: SimilarReport['byKind'] = {}
    const misses: SimilarReport['misses'] = []
    const latencies: number[] = []
    const duplicateScores: number[] = []
    let lookups = 0
    let found = 0
    for (const p of ids) {
      for (const [from, to, text] of [
        [p.a, p.b, p.pair.a],
        [p.b, p.a, p.pair.b],
      ] as const) {
        const start = performance.now()
        // What the similar-tickets panel shows: the top five, none below SHOWN_FROM.
        const top = (await findSimilar(db, text, { limit: 5, excludeId: from })).filter(
          (m) => m.similarity >= SHOWN_FROM,
        )
        latencies.push(performance.now() - start)
        const kind = byKind[p.kind] ?? { lookups: 0, found: 0 }
        byKind[p.kind] = kind
        kind.lookups++
        lookups++
        const hit = top.find((m) => m.ticketId === to)
        if (hit) {
          kind.found++
          found++
          if (p.kind === 'duplicate') duplicateScores.push(hit.similarity)
        } else {
          misses.push({
            kind: p.kind,
            title: text.title,
            wanted: titleOf.get(to) ?? to,
            got: top.map((m) => `${titleOf.get(m.ticketId) ?? '(distractor)'} ${m.similarity}`),
          })
        }
      }
    }
    return {
      pairs: pairs.length,
      corpus: pairs.length * 2 + distractors.length,
      recallAt5: found / Math.max(lookups, 1),
      byKind,
      misses,
      latency: { p50: percentile(latencies, 50), p95: percentile(latencies, 95) },
      duplicateScores,
    }
  } finally {
    await database.close()
  }
}
