// Writes every table of the database (sessions only when asked) and its jobs in flight, from one
// read-only snapshot: the counters, the rows they count and the queued jobs agree with each other,
// even on a PostgreSQL server that keeps serving while the export runs.
import { once } from 'node:events'
import type { Writable } from 'node:stream'
import { type Database, executeSqlIn } from '../client.js'
import { listTables, quoteIdent, readMigrationLevel, readSequences, selfReferences } from './catalog.js'
import { type DumpHeader, type DumpTrailer, FORMAT_NAME, FORMAT_VERSION } from './format.js'
import { readJobsInFlight } from './jobs.js'

export interface ExportOptions {
  includeSessions?: boolean
  /** Rows fetched per round trip: memory use is one batch, whatever the table's size. */
  batchSize?: number
}

/** Tables a dump leaves out unless asked: sign-ins are not data (README, "Moving to PostgreSQL"). */
const SESSION_TABLES = new Set(['sessions'])

export async function exportDatabase(
  database: Database,
  out: Writable,
  options: ExportOptions = {},
): Promise<DumpTrailer> {
  const batchSize = options.batchSize ?? 2_000
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain')
  }
  return database.db.transaction(
    async (tx) => {
      const run = executeSqlIn(tx)
      const tables = (await listTables(run)).filter(
        (table) => options.includeSessions || !SESSION_TABLES.has(table.name),
      )
      const header: DumpHeader = {
        '@format': FORMAT_NAME,
        version: FORMAT_VERSION,
        exportedAt: new Date().toISOString(),
        source: database.native.driver,
        migration: await readMigrationLevel(run),
        includesSessions: options.includeSessions ?? false,
        tables,
        sequences: await readSequences(run),
      }
      await write(`${JSON.stringify(header)}\n`)
      const trailer: DumpTrailer = { '@end': true, rows: {}, jobs: 0 }
      const selfRefs = await selfReferences(run)
      for (const table of tables) {
        await write(`${JSON.stringify({ '@table': table.name, columns: table.columns })}\n`)
        // A cursor streams the table in batches on both drivers, without needing a sortable key.
        const columns = table.columns.map(quoteIdent).join(', ')
        const refs = selfRefs.get(table.name) ?? []
        const order =
          refs.length > 0 ? ` ORDER BY ${refs.map((c) => `${quoteIdent(c)} IS NOT NULL`).join(', ')}` : ''
        await run(
          `DECLARE dump_rows NO SCROLL CURSOR FOR SELECT row_to_json(r)::text AS line FROM (SELECT ${columns} FROM ${quoteIdent(table.name)}${order}) r`,
        )
        let count = 0
        for (;;) {
          const { rows } = await run(`FETCH ${batchSize} FROM dump_rows`)
          if (rows.length === 0) break
          count += rows.length
          await write(`${rows.map((row) => row.line).join('\n')}\n`)
        }
        await run('CLOSE dump_rows')
        trailer.rows[table.name] = count
      }
      for (const job of await readJobsInFlight(run)) {
        await write(`${JSON.stringify({ '@job': job })}\n`)
        trailer.jobs += 1
      }
      await write(`${JSON.stringify(trailer)}\n`)
      return trailer
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  )
}
