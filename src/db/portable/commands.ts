// `npm run db:export` and `npm run db:import`: the database comes from the environment as for the
// server (DATABASE_URL, else DATA_DIR), and is migrated first, as the server would at start.
import { createJobQueue } from '../../jobs/queue.js'
import { openRuntime } from '../../runtime.js'
import { exportDatabase } from './export.js'
import { openOutput, readDumpLines } from './files.js'
import type { DumpTrailer } from './format.js'
import { importDatabase } from './import.js'

const summarise = (trailer: DumpTrailer) => {
  const rows = Object.entries(trailer.rows)
    .map(([name, n]) => `${name} ${n}`)
    .join(', ')
  return `${rows}; jobs in flight ${trailer.jobs}`
}

export async function exportCommand(out: string, includeSessions: boolean): Promise<string> {
  const started = performance.now()
  const { database } = await openRuntime()
  const output = openOutput(out)
  try {
    const trailer = await exportDatabase(database, output.stream, { includeSessions })
    await output.finish()
    const seconds = ((performance.now() - started) / 1000).toFixed(1)
    return `exported ${summarise(trailer)} to ${out} in ${seconds} s`
  } catch (error) {
    await output.abort()
    throw error
  } finally {
    await database.close()
  }
}

export async function importCommand(input: string): Promise<string> {
  const started = performance.now()
  const { database } = await openRuntime()
  try {
    // pg-boss's tables first (its own transaction), then everything else in the import's one.
    const queue = createJobQueue(database)
    await queue.start()
    try {
      const trailer = await importDatabase(database, readDumpLines(input), { boss: queue.boss })
      const seconds = ((performance.now() - started) / 1000).toFixed(1)
      return `imported ${summarise(trailer)} from ${input} in ${seconds} s`
    } finally {
      await queue.stop()
    }
  } finally {
    await database.close()
  }
}
