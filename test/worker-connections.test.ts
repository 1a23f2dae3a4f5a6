// How a worker-only process connects: prepared statements (names stable and bounded, results
// unchanged, really prepared on the server) and commits that do not wait for the disk.
// PostgreSQL only where it takes a server: PGlite has one in-process connection.
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../src/db/client.js'
import { prepareStatements, statementNamer } from '../src/db/prepared.js'
import { testDatabaseUrl } from './helpers/template.js'

describe('statementNamer', () => {
  it('gives a text the same name every time, and different texts different names', () => {
    const nameOf = statementNamer()
    const a = nameOf('SELECT $1::int')
    expect(a).toMatch(/^sts_[0-9a-f]{24}$/)
    expect(nameOf('SELECT $1::int')).toBe(a)
    expect(nameOf('SELECT $1::text')).not.toBe(a)
  })

  it('names at most `limit` texts; the rest run unnamed', () => {
    const nameOf = statementNamer(2)
    const first = nameOf('SELECT 1 WHERE $1')
    nameOf('SELECT 2 WHERE $1')
    expect(nameOf('SELECT 3 WHERE $1')).toBeUndefined()
    expect(nameOf('SELECT 1 WHERE $1')).toBe(first)
  })
})

const url = testDatabaseUrl()
describe.skipIf(!url)('prepareStatements on PostgreSQL', () => {
  const pool = new pg.Pool({ connectionString: url, max: 1 })
  prepareStatements(pool)
  afterAll(() => pool.end())

  it('prepares parameterised statements once per connection, with the same results', async () => {
    for (let i = 0; i < 3; i++) {
      const { rows } = await pool.query('SELECT $1::int + 1 AS n', [i])
      expect(rows).toEqual([{ n: i + 1 }])
    }
    // drizzle's form: a config object (array rows, `name: undefined`), values apart.
    const arrays = await pool.query({ name: undefined, text: 'SELECT $1::text AS s', rowMode: 'array' }, [
      'x',
    ])
    expect(arrays.rows).toEqual([['x']])
    const prepared = await pool.query<{ statement: string }>(
      'SELECT statement FROM pg_prepared_statements ORDER BY statement',
    )
    expect(prepared.rows.map((r) => r.statement)).toEqual(['SELECT $1::int + 1 AS n', 'SELECT $1::text AS s'])
  })

  it('leaves statements without parameters alone: scripts of several statements still run', async () => {
    const results = (await pool.query('SELECT 1 AS a; SELECT 2 AS b')) as unknown as { rows: unknown[] }[]
    expect(results.map((r) => r.rows)).toEqual([[{ a: 1 }], [{ b: 2 }]])
  })
})

describe.skipIf(!url)('asyncCommit on PostgreSQL', () => {
  const setting = async (asyncCommit: boolean) => {
    const database = await openDatabase({ databaseUrl: url, dataDir: '', poolSize: 1, asyncCommit })
    try {
      const { rows } = await database.executeSql('SHOW synchronous_commit')
      return { value: rows[0]?.synchronous_commit, flag: database.asyncCommit }
    } finally {
      await database.close()
    }
  }

  it("is off unless asked for (the API's writes wait for the disk), on when asked", async () => {
    expect(await setting(false)).toEqual({ value: 'on', flag: false })
    expect(await setting(true)).toEqual({ value: 'off', flag: true })
  })
})
