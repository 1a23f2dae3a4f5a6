// The migrated database every test file starts from. PGlite: a dump file, loaded per file (a
// cold PGlite plus migrations takes ~3.5 s; loading the dump ~0.6 s). PostgreSQL
// (TEST_DATABASE_URL): a template database, cloned per file with CREATE DATABASE … TEMPLATE.
import { createHash } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { type Database, dumpPglite, openDatabase } from '../../src/db/client.js'
import { migrateDatabase } from '../../src/db/migrate.js'
import { createJobQueue } from '../../src/jobs/queue.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '../..')
export const PGLITE_TEMPLATE_FILE = join(root, 'node_modules/.cache/smart-ticket-tests/template.tar')
// One template per checkout: two checkouts (worktrees, CI beside a developer) testing on the same
// server at once must not drop each other's template.
export const PG_TEMPLATE_DB = `sts_test_template_${createHash('sha256').update(root).digest('hex').slice(0, 8)}`

export const testDatabaseUrl = () => process.env.TEST_DATABASE_URL || undefined

function withDatabaseName(url: string, name: string): string {
  const parsed = new URL(url)
  parsed.pathname = `/${name}`
  return parsed.toString()
}

/** Migrations plus the job queue's own tables: what a server has after its first start. */
async function prepare(database: Database): Promise<void> {
  await migrateDatabase(database)
  const queue = createJobQueue(database)
  await queue.start()
  await queue.stop()
}

export async function buildTemplate(): Promise<void> {
  const url = testDatabaseUrl()
  if (url) {
    const admin = new pg.Client({ connectionString: url })
    await admin.connect()
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${PG_TEMPLATE_DB} WITH (FORCE)`)
      await admin.query(`CREATE DATABASE ${PG_TEMPLATE_DB}`)
    } finally {
      await admin.end()
    }
    const database = await openDatabase({ databaseUrl: withDatabaseName(url, PG_TEMPLATE_DB), dataDir: '' })
    try {
      await prepare(database)
    } finally {
      await database.close()
    }
    return
  }
  const database = await openDatabase({ dataDir: '', inMemory: true })
  try {
    await prepare(database)
    const dump = await dumpPglite(database)
    await mkdir(dirname(PGLITE_TEMPLATE_FILE), { recursive: true })
    await writeFile(PGLITE_TEMPLATE_FILE, Buffer.from(await dump.arrayBuffer()))
  } finally {
    await database.close()
  }
}

/** A fresh database for one test file, and how to throw it away. */
export async function openTestDatabase(): Promise<{
  database: Database
  url: string | undefined
  drop: () => Promise<void>
}> {
  const url = testDatabaseUrl()
  if (!url) {
    const dump = new Blob([await readFile(PGLITE_TEMPLATE_FILE)])
    const database = await openDatabase({ dataDir: '', inMemory: true, pgliteLoadDataDir: dump })
    return { database, url: undefined, drop: () => database.close() }
  }
  const name = `sts_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`
  const admin = new pg.Client({ connectionString: url })
  await admin.connect()
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${PG_TEMPLATE_DB}`)
  } finally {
    await admin.end()
  }
  const databaseUrl = withDatabaseName(url, name)
  const database = await openDatabase({ databaseUrl, dataDir: '' })
  return {
    database,
    url: databaseUrl,
    drop: async () => {
      await database.close()
      const cleanup = new pg.Client({ connectionString: url })
      await cleanup.connect()
      try {
        await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      } finally {
        await cleanup.end()
      }
    },
  }
}
