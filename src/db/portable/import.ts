// Loads a dump into a freshly migrated, empty database, in one transaction: a refusal, a damaged
// or truncated file, or any failed row leaves the target exactly as it was.
//
// Triggers are off while rows go in (ALTER TABLE … DISABLE TRIGGER USER, undone before commit):
// the dump already holds what they would compute (ticket_counts, assignee_stats, from the same
// snapshot as the tickets) and the rows' own timestamps, and a million change notifications help
// nobody. Foreign keys stay checked. Measured at 100k tickets: see README, "Moving to PostgreSQL".
import type PgBoss from 'pg-boss'
import { type Database, type ExecuteSql, executeSqlIn } from '../client.js'
import { listTables, quoteIdent, readMigrationLevel, type TableInfo } from './catalog.js'
import {
  type DumpHeader,
  type DumpTrailer,
  isMarker,
  PortableError,
  type PortableJob,
  parseHeader,
} from './format.js'
import { resendJob } from './jobs.js'

export interface ImportOptions {
  /** The target's job queue, started: jobs in flight are sent again through it. */
  boss: PgBoss
  /** Rows per INSERT; a batch is also cut at about 4 MB of JSON. */
  batchRows?: number
}

const BATCH_CHARS = 4_000_000

export async function importDatabase(
  database: Database,
  lines: AsyncIterable<string>,
  options: ImportOptions,
): Promise<DumpTrailer> {
  const input = lines[Symbol.asyncIterator]()
  const first = await input.next()
  const header = parseHeader(first.done ? undefined : first.value)
  let lineNumber = 1
  let table: TableInfo | undefined
  try {
    return await database.db.transaction(async (tx) => {
      const run = executeSqlIn(tx)
      await checkTarget(run, header)
      for (const { name } of header.tables) await run(`ALTER TABLE ${quoteIdent(name)} DISABLE TRIGGER USER`)
      const rows: Record<string, number> = {}
      let batch: string[] = []
      let batchChars = 0
      const flush = async () => {
        if (batch.length === 0 || !table) return
        const columns = table.columns.map(quoteIdent).join(', ')
        await run(
          `INSERT INTO ${quoteIdent(table.name)} (${columns}) OVERRIDING SYSTEM VALUE
           SELECT ${columns} FROM json_populate_recordset(NULL::${quoteIdent(table.name)}, $1::json)`,
          [`[${batch.join(',')}]`],
        )
        rows[table.name] = (rows[table.name] ?? 0) + batch.length
        batch = []
        batchChars = 0
      }
      const jobs: PortableJob[] = []
      for (let next = await input.next(); !next.done; next = await input.next()) {
        lineNumber += 1
        const line = next.value
        if (!isMarker(line)) {
          if (!table) throw new PortableError('a row before any table marker: the file is damaged')
          batch.push(line)
          batchChars += line.length
          if (batch.length >= (options.batchRows ?? 1_000) || batchChars >= BATCH_CHARS) await flush()
          continue
        }
        await flush()
        const marker = JSON.parse(line) as Record<string, unknown>
        if (typeof marker['@table'] === 'string') {
          table = header.tables.find((t) => t.name === marker['@table'])
          if (!table)
            throw new PortableError(`table ${marker['@table']} is not in the header: the file is damaged`)
        } else if (marker['@job']) {
          table = undefined
          jobs.push(marker['@job'] as PortableJob)
        } else if (marker['@end'] === true) {
          table = undefined
          const trailer = marker as unknown as DumpTrailer
          checkCounts(trailer, rows, jobs.length)
          for (const { name } of header.tables)
            await run(`ALTER TABLE ${quoteIdent(name)} ENABLE TRIGGER USER`)
          for (const { name, lastValue } of header.sequences) {
            if (lastValue !== null)
              await run('SELECT setval($1::regclass, $2::bigint)', [quoteIdent(name), lastValue])
          }
          for (const job of jobs) await resendJob(options.boss, run, job)
          return trailer
        } else {
          throw new PortableError('an unknown marker line: the file is damaged')
        }
      }
      throw new PortableError('the file ends before its end marker: it is truncated')
    })
  } catch (error) {
    const where = `line ${lineNumber}${table ? ` (table ${table.name})` : ''}`
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error)
    throw new PortableError(`import failed at ${where}: ${reason}; nothing was imported`)
  }
}

/** Same schema as the dump's, nothing in it yet: anything else would mix two databases. */
async function checkTarget(run: ExecuteSql, header: DumpHeader): Promise<void> {
  const level = await readMigrationLevel(run)
  if (header.migration.last > level.last)
    throw new PortableError(
      'the dump comes from a newer version of the app (newer migrations): upgrade this one first',
    )
  if (header.migration.last !== level.last || header.migration.count !== level.count)
    throw new PortableError(
      'the dump comes from an older version of the app: start that database once with this version (or run db:migrate on it) and export again',
    )
  const target = new Map((await listTables(run)).map((t) => [t.name, t]))
  for (const { name, columns } of header.tables) {
    const known = target.get(name)
    if (!known) throw new PortableError(`the dump has a table this database does not know: ${name}`)
    const unknown = columns.filter((column) => !known.columns.includes(column))
    if (unknown.length > 0)
      throw new PortableError(`the dump has columns ${name} does not know: ${unknown.join(', ')}`)
  }
  const filled: string[] = []
  for (const name of target.keys()) {
    const { rows } = await run(`SELECT EXISTS (SELECT 1 FROM ${quoteIdent(name)}) AS filled`)
    if (rows[0]?.filled) filled.push(name)
  }
  if (filled.length > 0)
    throw new PortableError(
      `the target database is not empty (${filled.join(', ')}): import into a new, empty database`,
    )
}

function checkCounts(trailer: DumpTrailer, rows: Record<string, number>, jobs: number): void {
  const tables = new Set([...Object.keys(trailer.rows ?? {}), ...Object.keys(rows)])
  for (const name of tables) {
    if ((trailer.rows?.[name] ?? 0) !== (rows[name] ?? 0))
      throw new PortableError(
        `${name}: the file has ${rows[name] ?? 0} rows, its trailer says ${trailer.rows?.[name]}`,
      )
  }
  if (trailer.jobs !== jobs)
    throw new PortableError(`the file has ${jobs} jobs, its trailer says ${trailer.jobs}`)
}
