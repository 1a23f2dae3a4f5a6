// SEARCH_LANGUAGE: the text search configuration (stemming, stop words) the documents are built
// with. It lives in the database (search_settings), where the triggers read it; a server that
// starts with another one rebuilds every ticket's documents before it serves.
import { sql } from 'drizzle-orm'
import { ConfigError } from '../../config.js'
import type { Db, DbOrTx } from '../../db/client.js'
import type { Logger } from '../../logger.js'

const REBUILD_BATCH = 500
/** What search_language() answers while search_settings is empty (migration 0017). */
const DEFAULT_LANGUAGE = 'english'

type Rows<T> = { rows: T[] }

async function rows<T>(db: DbOrTx, query: ReturnType<typeof sql>): Promise<T[]> {
  return ((await db.execute(query)) as unknown as Rows<T>).rows
}

/**
 * Rebuilds in one transaction: a crash half-way leaves the old language and documents, and the
 * next start tries again. At a million tickets it takes minutes (README, "Search").
 */
export async function applySearchLanguage(db: Db, language: string, log: Pick<Logger, 'info'>) {
  const [current] = await rows<{ language: string }>(db, sql`SELECT language FROM search_settings`)
  const currentLanguage = current?.language ?? DEFAULT_LANGUAGE
  if (currentLanguage === language) return
  const [known] = await rows<{ found: boolean }>(
    db,
    sql`SELECT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = ${language}) AS found`,
  )
  if (!known?.found) {
    const available = await rows<{ cfgname: string }>(
      db,
      sql`SELECT cfgname FROM pg_ts_config ORDER BY cfgname`,
    )
    throw new ConfigError(
      `Invalid configuration: SEARCH_LANGUAGE ${language} is not a text search configuration of this database (${available.map((r) => r.cfgname).join(', ')})`,
    )
  }
  log.info({ from: currentLanguage, to: language }, 'search language changed: rebuilding the search index')
  const rebuilt = await db.transaction(async (tx) => {
    await tx.execute(
      sql`INSERT INTO search_settings (id, language) VALUES (true, ${language})
          ON CONFLICT (id) DO UPDATE SET language = EXCLUDED.language`,
    )
    return rebuildAll(tx)
  })
  log.info({ tickets: rebuilt, language }, 'search index rebuilt')
}

async function rebuildAll(tx: DbOrTx): Promise<number> {
  let after = '00000000-0000-0000-0000-000000000000'
  let rebuilt = 0
  for (;;) {
    const batch = await rows<{ id: string }>(
      tx,
      sql`SELECT id FROM tickets WHERE id > ${after}::uuid ORDER BY id LIMIT ${REBUILD_BATCH}`,
    )
    const last = batch.at(-1)
    if (!last) break
    await tx.execute(
      sql`SELECT search_refresh(id) FROM tickets WHERE id > ${after}::uuid AND id <= ${last.id}::uuid`,
    )
    after = last.id
    rebuilt += batch.length
  }
  return rebuilt
}
