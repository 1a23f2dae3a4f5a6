// What a dump contains is read from the database's own catalog, not from a hand-written list:
// a table or column added by a later migration is exported and imported without touching this
// folder. Tables come in foreign-key order (parents first), so rows insert as they are read.
import type { ExecuteSql } from '../client.js'

export interface TableInfo {
  name: string
  /** Columns in table order, without generated (computed) ones, which the target recomputes. */
  columns: string[]
}

export interface SequenceValue {
  name: string
  /** Text: a bigint does not fit a JS number. Null when the sequence was never used. */
  lastValue: string | null
}

export interface MigrationLevel {
  /** Migrations applied, and the journal timestamp (`when`) of the last one. */
  count: number
  last: number
}

/** Names in dumps are the database's own; quote them wherever they reach SQL. */
export const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`

export async function listTables(run: ExecuteSql): Promise<TableInfo[]> {
  const { rows: columns } = await run(`
    SELECT c.table_name, c.column_name
    FROM information_schema.columns c
    JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
    WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' AND c.is_generated = 'NEVER'
    ORDER BY c.table_name, c.ordinal_position`)
  const { rows: links } = await run(`
    SELECT child.relname AS child, parent.relname AS parent
    FROM pg_constraint f
    JOIN pg_class child ON child.oid = f.conrelid
    JOIN pg_class parent ON parent.oid = f.confrelid
    WHERE f.contype = 'f' AND f.connamespace = 'public'::regnamespace`)
  const byName = new Map<string, string[]>()
  for (const row of columns) {
    const table = String(row.table_name)
    byName.set(table, [...(byName.get(table) ?? []), String(row.column_name)])
  }
  const parents = new Map<string, Set<string>>([...byName.keys()].map((name) => [name, new Set<string>()]))
  // A table referring to itself needs its rows in order, not the table before itself: see
  // selfReferences (tickets.merged_into).
  for (const { child, parent } of links) if (child !== parent) parents.get(String(child))?.add(String(parent))
  return foreignKeyOrder(parents).map((name) => ({ name, columns: byName.get(name) ?? [] }))
}

/**
 * Columns by which a table refers to itself (tickets.merged_into → tickets.id). The export writes
 * rows with them empty first: a merged ticket always points at one that is not merged (a merge
 * repoints earlier ones), so its target is already in when it is inserted.
 */
export async function selfReferences(run: ExecuteSql): Promise<Map<string, string[]>> {
  const { rows } = await run(`
    SELECT c.relname AS table_name, a.attname AS column_name
    FROM pg_constraint f
    JOIN pg_class c ON c.oid = f.conrelid
    JOIN pg_attribute a ON a.attrelid = f.conrelid AND a.attnum = ANY(f.conkey)
    WHERE f.contype = 'f' AND f.connamespace = 'public'::regnamespace AND f.conrelid = f.confrelid
    ORDER BY c.relname, a.attname`)
  const byTable = new Map<string, string[]>()
  for (const row of rows) {
    const table = String(row.table_name)
    byTable.set(table, [...(byTable.get(table) ?? []), String(row.column_name)])
  }
  return byTable
}

/** Kahn's algorithm, alphabetical among equals so that two dumps of one database list tables alike. */
function foreignKeyOrder(parents: Map<string, Set<string>>): string[] {
  const ordered: string[] = []
  const pending = new Map(parents)
  while (pending.size > 0) {
    const ready = [...pending.keys()].filter((name) =>
      [...(pending.get(name) ?? [])].every((parent) => !pending.has(parent)),
    )
    if (ready.length === 0)
      throw new Error(`foreign keys form a cycle among: ${[...pending.keys()].join(', ')}`)
    for (const name of ready.sort()) {
      ordered.push(name)
      pending.delete(name)
    }
  }
  return ordered
}

export async function readSequences(run: ExecuteSql): Promise<SequenceValue[]> {
  const { rows } = await run(`
    SELECT sequencename AS name, last_value::text AS last_value
    FROM pg_sequences WHERE schemaname = 'public' ORDER BY sequencename`)
  return rows.map((row) => ({
    name: String(row.name),
    lastValue: row.last_value === null ? null : String(row.last_value),
  }))
}

export async function readMigrationLevel(run: ExecuteSql): Promise<MigrationLevel> {
  const { rows } = await run(
    'SELECT count(*)::int AS count, coalesce(max(created_at), 0)::text AS last FROM drizzle.__drizzle_migrations',
  )
  return { count: Number(rows[0]?.count ?? 0), last: Number(rows[0]?.last ?? 0) }
}
