// The dump file: newline-delimited JSON, gzip-compressed when its name ends in .gz.
//
//   {"@format":"smart-ticket-system","version":1,…}   header: migration level, tables, sequences
//   {"@table":"users","columns":[…]}                  then, table by table (parents first):
//   {"id":"…","email":"…",…}                          one row per line, as row_to_json wrote it
//   {"@job":{"name":"ticket-workflow",…}}             jobs that were queued, retrying or running
//   {"@end":true,"rows":{"users":12,…},"jobs":1}      trailer: a file without it is incomplete
//
// Rows are the database's own JSON (exact timestamps, bigints, arrays, jsonb) and go back in
// through json_populate_recordset, so neither side converts values. Lines starting `{"@` are
// markers; a row's first key is a column name, and column names never start with "@".
import type { MigrationLevel, SequenceValue, TableInfo } from './catalog.js'

export const FORMAT_NAME = 'smart-ticket-system'
export const FORMAT_VERSION = 1

export interface DumpHeader {
  '@format': typeof FORMAT_NAME
  version: number
  exportedAt: string
  source: 'pglite' | 'postgres'
  migration: MigrationLevel
  includesSessions: boolean
  tables: TableInfo[]
  sequences: SequenceValue[]
}

/** A job in flight, as re-sent on import: pg-boss's own fields for it, with its remaining retries. */
export interface PortableJob {
  id: string
  name: string
  data: unknown
  state: 'created' | 'retry' | 'active'
  priority: number
  startAfter: string | null
  singletonKey: string | null
  retryLimit: number
  retryDelay: number
  retryBackoff: boolean
  expireInSeconds: number
  deadLetter: string | null
}

export interface DumpTrailer {
  '@end': true
  rows: Record<string, number>
  jobs: number
}

/** A refusal or failure the operator can act on: printed as one line, no stack. */
export class PortableError extends Error {}

export const isMarker = (line: string) => line.startsWith('{"@')

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

export function parseHeader(line: string | undefined): DumpHeader {
  let value: unknown
  try {
    value = line === undefined ? undefined : JSON.parse(line)
  } catch {
    value = undefined
  }
  if (!isObject(value) || value['@format'] !== FORMAT_NAME)
    throw new PortableError('not a smart-ticket-system export (no header line)')
  if (typeof value.version !== 'number' || value.version > FORMAT_VERSION)
    throw new PortableError(
      `the file is export format ${String(value.version)}, made by a newer version; this version reads format ${FORMAT_VERSION}: upgrade first`,
    )
  const tables = value.tables
  const valid =
    Array.isArray(tables) &&
    tables.every((t) => isObject(t) && typeof t.name === 'string' && Array.isArray(t.columns)) &&
    Array.isArray(value.sequences) &&
    isObject(value.migration)
  if (!valid) throw new PortableError('the header line is damaged')
  return value as unknown as DumpHeader
}
