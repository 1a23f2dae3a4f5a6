// Ticket numbers: sequential from 1, unique, never reused, in every ticket response and every
// email subject; the migration numbers existing tickets in the order they were filed.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres'
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Database, openDatabase } from '../src/db/client.js'
import { MIGRATIONS_FOLDER } from '../src/db/migrate.js'
import {
  call,
  createTestContext,
  createTicket,
  signedInUser,
  type TestContext,
  type TestUser,
} from './helpers/app.js'
import { testDatabaseUrl } from './helpers/template.js'

let ctx: TestContext
let user: TestUser
let moderator: TestUser
let admin: TestUser

beforeAll(async () => {
  ctx = await createTestContext()
  user = await signedInUser(ctx, 'user')
  moderator = await signedInUser(ctx, 'moderator')
  admin = await signedInUser(ctx, 'admin')
})
afterAll(() => ctx.close())

const numberOf = (data: unknown) => (data as { number: number }).number

describe('ticket numbers', () => {
  it('are given in order, one apart, and appear in every ticket response', async () => {
    const first = await call(ctx, user, 'POST', '/api/tickets', {
      title: 'First numbered ticket',
      description: 'Checking that tickets get sequential numbers.',
    })
    const second = await call(ctx, user, 'POST', '/api/tickets', {
      title: 'Second numbered ticket',
      description: 'Checking that tickets get sequential numbers.',
    })
    const a = numberOf(first.body.data)
    const b = numberOf(second.body.data)
    expect(Number.isInteger(a) && a >= 1).toBe(true)
    expect(b).toBe(a + 1)
    const id = String(second.body.data.id)

    expect(numberOf((await call(ctx, user, 'GET', `/api/tickets/${id}`)).body.data)).toBe(b)
    const own = (await call(ctx, user, 'GET', '/api/tickets')).body.data
    expect(own.find((t) => t.id === id)?.number).toBe(b)
    const all = (await call(ctx, moderator, 'GET', '/api/tickets/all')).body.data
    expect(all.find((t) => t.id === id)?.number).toBe(b)
    const patched = await call(ctx, moderator, 'PATCH', `/api/tickets/${id}`, { status: 'in_progress' })
    expect(numberOf(patched.body.data)).toBe(b)
    await call(ctx, moderator, 'PATCH', `/api/tickets/${id}`, { status: 'resolved' })
    const reopened = await call(ctx, user, 'POST', `/api/tickets/${id}/reopen`)
    expect(numberOf(reopened.body.data)).toBe(b)
  })

  it('are never reused: a deleted ticket leaves a gap, and the database refuses a chosen number', async () => {
    const doomed = await createTicket(ctx, user)
    const doomedNumber = numberOf(doomed)
    expect((await call(ctx, admin, 'DELETE', `/api/tickets/${doomed.id}`)).status).toBe(200)
    const next = numberOf(await createTicket(ctx, user))
    expect(next).toBe(doomedNumber + 1)
    await expect(
      ctx.database.executeSql(
        `INSERT INTO tickets (title, description, created_by, number) VALUES ('x title', 'x description', $1, 1)`,
        [user.id],
      ),
    ).rejects.toThrow()
  })

  it('stay unique when many tickets are filed at once', async () => {
    const created = await Promise.all(Array.from({ length: 12 }, () => createTicket(ctx, user)))
    const numbers = created.map(numberOf)
    expect(new Set(numbers).size).toBe(numbers.length)
  })

  it('tag every email subject as [#number]', async () => {
    const ticket = await createTicket(ctx, user, { title: 'Subject tag check' })
    const n = numberOf(ticket)
    await call(ctx, moderator, 'POST', `/api/tickets/${ticket.id}/comments`, { body: 'On it' })
    await call(ctx, admin, 'PATCH', `/api/tickets/${ticket.id}`, { assigned_to: moderator.id })
    await call(ctx, moderator, 'PATCH', `/api/tickets/${ticket.id}`, { status: 'in_progress' })
    await call(ctx, moderator, 'PATCH', `/api/tickets/${ticket.id}`, { status: 'resolved' })
    const emails = (await call(ctx, admin, 'GET', '/api/admin/emails?limit=100')).body.data.filter(
      (e) => e.ticket_id === ticket.id,
    )
    // The reply, the assignment and the resolution.
    expect(emails).toHaveLength(3)
    for (const email of emails) expect(String(email.subject).startsWith(`[#${n}] `)).toBe(true)
    expect(emails.every((e) => String(e.text).includes(ticket.id))).toBe(true)
  })
})

/** A database migrated up to (not including) `stopBefore`, and how to finish migrating it. */
async function databaseBefore(stopBefore: string) {
  const dir = await mkdtemp(join(tmpdir(), 'sts-migrations-'))
  const partial = join(dir, 'migrations')
  await cp(MIGRATIONS_FOLDER, partial, { recursive: true })
  const journalPath = join(partial, 'meta/_journal.json')
  const journal = JSON.parse(await readFile(journalPath, 'utf8')) as { entries: { tag: string }[] }
  const stop = journal.entries.findIndex((e) => e.tag.endsWith(stopBefore))
  if (stop < 1) throw new Error(`no migration ${stopBefore}`)
  journal.entries = journal.entries.slice(0, stop)
  await writeFile(journalPath, JSON.stringify(journal))

  const url = testDatabaseUrl()
  let database: Database
  let migrate: (folder: string) => Promise<void>
  let dropDatabase = async () => {}
  if (url) {
    const name = `sts_test_numbers_${process.pid}_${Math.random().toString(36).slice(2, 8)}`
    const admin = new pg.Client({ connectionString: url })
    await admin.connect()
    await admin.query(`CREATE DATABASE ${name}`)
    await admin.end()
    const parsed = new URL(url)
    parsed.pathname = `/${name}`
    const client = new pg.Client({ connectionString: parsed.toString() })
    await client.connect()
    database = await openDatabase({ databaseUrl: parsed.toString(), dataDir: '' })
    migrate = (folder) => migratePg(drizzlePg(client), { migrationsFolder: folder })
    dropDatabase = async () => {
      await client.end()
      const cleanup = new pg.Client({ connectionString: url })
      await cleanup.connect()
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await cleanup.end()
    }
  } else {
    database = await openDatabase({ dataDir: '', inMemory: true })
    const native = database.native
    if (native.driver !== 'pglite') throw new Error('expected PGlite')
    migrate = (folder) => migratePglite(drizzlePglite(native.client), { migrationsFolder: folder })
  }
  await migrate(partial)
  return {
    database,
    finish: () => migrate(MIGRATIONS_FOLDER),
    close: async () => {
      await database.close()
      await dropDatabase()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

describe('the ticket numbers migration', () => {
  it('numbers existing tickets 1…n in the order they were filed, and new ones after them', async () => {
    const before = await databaseBefore('_ticket_numbers')
    try {
      const sql = before.database.executeSql
      const { rows } = await sql(
        `INSERT INTO users (email, password_hash) VALUES ('old@example.com', 'x') RETURNING id`,
      )
      const owner = String(rows[0]?.id)
      // Inserted out of order: the numbers follow created_at, not the order of insertion.
      for (const [title, created] of [
        ['third filed', '2024-03-01'],
        ['first filed', '2024-01-01'],
        ['second filed', '2024-02-01'],
      ]) {
        await sql(
          `INSERT INTO tickets (title, description, created_by, created_at) VALUES ($1, 'description', $2, $3)`,
          [title, owner, created],
        )
      }
      await before.finish()
      const numbered = await sql(`SELECT title, number FROM tickets ORDER BY number`)
      expect(numbered.rows).toEqual([
        { title: 'first filed', number: 1 },
        { title: 'second filed', number: 2 },
        { title: 'third filed', number: 3 },
      ])
      const next = await sql(
        `INSERT INTO tickets (title, description, created_by) VALUES ('new one', 'description', $1) RETURNING number`,
        [owner],
      )
      expect(next.rows[0]?.number).toBe(4)
    } finally {
      await before.close()
    }
  })
})
