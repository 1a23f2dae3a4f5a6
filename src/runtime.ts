// What every entry point (server, worker, CLI) does first: config → database → migrations.
import { type Config, loadConfig } from './config.js'
import { type Database, openDatabase } from './db/client.js'
import { migrateDatabase } from './db/migrate.js'
import { createLogger, type Logger } from './logger.js'

export interface Runtime {
  config: Config
  database: Database
  /** The process's logger below the HTTP layer (database, job queue). */
  log: Logger
}

export async function openRuntime(
  env: Record<string, string | undefined> = process.env,
  options: { preparedStatements?: boolean; asyncCommit?: boolean } = {},
): Promise<Runtime> {
  const config = loadConfig(env)
  const log = createLogger(config.logLevel)
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    log,
    ...options,
  })
  try {
    await migrateDatabase(database, log)
  } catch (error) {
    await database.close()
    throw error
  }
  return { config, database, log }
}
