// Applies src/db/migrations (drizzle-kit's folder) with the migrator for the running driver.
import { fileURLToPath } from 'node:url'
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres'
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator'
import pg from 'pg'
import { defaultLogger, type Logger } from '../logger.js'
import type { Database } from './client.js'

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('./migrations', import.meta.url))

// Any constant: it only has to be the same in every process migrating the same database.
const MIGRATION_LOCK_KEY = 727_001

export async function migrateDatabase(database: Database, log: Logger = defaultLogger()): Promise<void> {
  const native = database.native
  if (native.driver === 'pglite') {
    await migratePglite(drizzlePglite(native.client), { migrationsFolder: MIGRATIONS_FOLDER })
    return
  }
  // Several servers or workers may start at once on one PostgreSQL: the first migrates, the
  // others wait on the advisory lock and then find nothing left to do. Lock and migration
  // must share one connection, hence a dedicated client.
  const client = new pg.Client({ connectionString: native.url })
  await client.connect()
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY])
    await migratePg(drizzlePg(client), { migrationsFolder: MIGRATIONS_FOLDER })
  } finally {
    // Ending the connection below releases the lock anyway; a failure here is only worth a line.
    await client
      .query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY])
      .catch((error: unknown) => log.warn({ err: error }, 'releasing the migration lock failed'))
    await client.end()
  }
}
