// db:export / db:import on real databases: a PGlite database with rows in every table (made
// through the API and the real workflow) moves to a new PostgreSQL database and back to PGlite,
// and the API answers alike on all three; damaged files are refused and change nothing.
import { PassThrough } from 'node:stream'
import { gzipSync } from 'node:zlib'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { type Database, openDatabase } from '../src/db/client.js'
import { migrateDatabase } from '../src/db/migrate.js'
import { exportDatabase } from '../src/db/portable/export.js'
import { readDumpLines, splitLines } from '../src/db/portable/files.js'
import { importDatabase } from '../src/db/portable/import.js'
import { createJobQueue, SCHEDULES } from '../src/jobs/queue.js'
import { runWorkers } from '../src/jobs/run-workers.js'
import { createMetrics } from '../src/metrics.js'
import { createIntakeDeps } from '../src/modules/inbound/channels.js'
import { recordFetch } from '../src/modules/inbound/inbound.repository.js'
import { receiveMessage } from '../src/modules/inbound/intake.js'
import { createUser } from '../src/modules/users/user.service.js'
import { call, login, type TestContext, type TestUser } from './helpers/app.js'

const PG_URL = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test'
const PASSWORD = 'correct horse battery'
const silent = { debug() {}, info() {}, warn() {}, error() {} }

async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2_000 })
  try {
    await client.connect()
    await client.end()
    return true
  } catch {
    return false
  }
}
const reachable = await postgresReachable()
if (!reachable) console.warn(`portable.test: PostgreSQL unreachable at ${PG_URL}: its tests are skipped`)

/** A new, empty PostgreSQL database: exactly what `DATABASE_URL=… npm run db:import` starts from. */
async function newPostgres(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `sts_portable_${process.pid}_${Math.random().toString(36).slice(2, 8)}`
  const admin = new pg.Client({ connectionString: PG_URL })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  const url = new URL(PG_URL)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    drop: async () => {
      const cleanup = new pg.Client({ connectionString: PG_URL })
      await cleanup.connect()
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await cleanup.end()
    },
  }
}

async function openMigrated(databaseUrl?: string): Promise<Database> {
  const database = await openDatabase({ databaseUrl, dataDir: '', inMemory: true })
  await migrateDatabase(database)
  return database
}

/** The app on `database`, as the server runs it (without its worker). */
async function appOn(database: Database): Promise<TestContext> {
  const config = loadConfig({ AUTH_RATE_LIMIT: '100000', WORKER: 'off', COOKIE_SECURE: 'false' })
  const queue = createJobQueue(database)
  await queue.start()
  const app = await buildApp({ config, database, queue, logger: false })
  await app.ready()
  return {
    app,
    database,
    databaseUrl: undefined,
    queue,
    config,
    close: async () => {
      await app.close()
      await queue.stop()
    },
  }
}

async function dump(database: Database, options: { includeSessions?: boolean } = {}): Promise<string> {
  const out = new PassThrough()
  const chunks: Buffer[] = []
  out.on('data', (chunk: Buffer) => chunks.push(chunk))
  await exportDatabase(database, out, { batchSize: 7, ...options })
  out.end()
  return Buffer.concat(chunks).toString('utf8')
}

async function load(database: Database, text: string | Buffer) {
  const queue = createJobQueue(database)
  await queue.start()
  try {
    return await importDatabase(database, splitLines([text]), { boss: queue.boss, batchRows: 5 })
  } finally {
    await queue.stop()
  }
}

/** Every row of every table, as the database prints it: equal means nothing was lost or rounded. */
async function tableContents(database: Database): Promise<Record<string, string[]>> {
  const { rows: tables } = await database.executeSql(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'sessions' ORDER BY 1`,
  )
  const contents: Record<string, string[]> = {}
  for (const { table_name } of tables) {
    const { rows } = await database.executeSql(
      `SELECT row_to_json(t)::text AS line FROM "${String(table_name)}" t ORDER BY 1`,
    )
    contents[String(table_name)] = rows.map((row) => String(row.line))
  }
  return contents
}

/**
 * Jobs waiting or running, but not the ones pg-boss's scheduler sends (sla-escalation every
 * minute, housekeeping hourly): each database's own scheduler sends those at its next tick, so a
 * tick during the test would add one to either side.
 */
/**
 * The app's jobs waiting or running. Not the schedules, nor pg-boss's cron deliveries
 * (`__pgboss__send-it`): the source's scheduler keeps making those after the export (a run that
 * crossed a minute boundary found two more on the source than were exported), and the target's
 * scheduler makes its own.
 */
async function jobsInFlight(database: Database) {
  const { rows } = await database.executeSql(
    `SELECT id, name, data::text AS data FROM pgboss.job
     WHERE state IN ('created', 'retry', 'active') AND name <> ALL($1::text[])
       AND name NOT LIKE '\\_\\_pgboss\\_\\_%' ORDER BY id`,
    [Object.keys(SCHEDULES)],
  )
  return rows
}

interface People {
  admin: TestUser
  moderator: TestUser
  requester: TestUser
}

/** What users see through the API: equal on source and target means the move kept the data. */
async function answers(ctx: TestContext, people: People) {
  const signIn = async (who: TestUser): Promise<TestUser> => ({
    ...who,
    cookie: await login(ctx, who.email, PASSWORD),
  })
  const admin = await signIn(people.admin)
  const moderator = await signIn(people.moderator)
  const requester = await signIn(people.requester)
  const strip = (response: Awaited<ReturnType<typeof call>>) => ({
    status: response.status,
    data: response.body.data,
    meta: response.body.meta,
  })
  const all = await call(ctx, admin, 'GET', '/api/tickets/all?limit=100')
  const result: Record<string, unknown> = {
    all: strip(all),
    todo: strip(await call(ctx, admin, 'GET', '/api/tickets/all?status=todo&limit=2')),
    mine: strip(await call(ctx, requester, 'GET', '/api/tickets')),
    assigned: strip(await call(ctx, moderator, 'GET', '/api/tickets')),
    users: strip(await call(ctx, admin, 'GET', '/api/users')),
    skills: strip(await call(ctx, admin, 'GET', '/api/skills')),
    emails: strip(await call(ctx, admin, 'GET', '/api/admin/emails?limit=100')),
  }
  for (const ticket of all.body.data) {
    const id = String(ticket.id)
    result[`ticket ${id}`] = strip(await call(ctx, requester, 'GET', `/api/tickets/${id}`))
    result[`comments ${id}`] = strip(await call(ctx, moderator, 'GET', `/api/tickets/${id}/comments`))
    result[`history ${id}`] = strip(await call(ctx, admin, 'GET', `/api/tickets/${id}/history`))
  }
  return result
}

let source: TestContext
let people: People
let sourceDump: string
let sourceAnswers: Record<string, unknown>

async function person(ctx: TestContext, role: 'admin' | 'moderator' | 'user', email: string) {
  const user = await createUser(ctx.database.db, {
    email,
    password: PASSWORD,
    role,
    name: `${role} ${email}`,
  })
  return { id: user.id, email, password: PASSWORD, role, cookie: await login(ctx, email, PASSWORD) }
}

/** Uploads one file to a ticket (multipart), returning its attachment id. */
async function upload(ctx: TestContext, who: TestUser, ticketId: string, filename: string, text: string) {
  const boundary = '----portable-boundary'
  const response = await ctx.app.inject({
    method: 'POST',
    url: `/api/tickets/${ticketId}/attachments`,
    headers: { cookie: who.cookie, 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\n\r\n${text}\r\n--${boundary}--\r\n`,
  })
  if (response.statusCode !== 201) throw new Error(`upload failed: ${response.body}`)
  return String((JSON.parse(response.body) as { data: { id: string }[] }).data[0]?.id)
}

async function waitForWorkflows(ctx: TestContext, who: TestUser, count: number) {
  for (let i = 0; i < 200; i++) {
    const { body } = await call(ctx, who, 'GET', '/api/tickets/all?limit=100')
    const done = body.data.filter((t) => t.processing_status === 'done').length
    if (done >= count) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error('workflows did not finish')
}

beforeAll(async () => {
  source = await appOn(await openMigrated())
  people = {
    admin: await person(source, 'admin', 'admin@example.com'),
    moderator: await person(source, 'moderator', 'mod@example.com'),
    requester: await person(source, 'user', 'requester@example.com'),
  }
  const { admin, moderator, requester } = people
  await person(source, 'moderator', 'idle-mod@example.com')
  await call(source, admin, 'POST', '/api/skills', { name: 'Networking', keywords: ['vpn', 'wifi'] })
  await call(source, admin, 'PUT', `/api/users/${moderator.id}/skills`, {
    skills: [{ skill: 'Networking', proficiency: 4 }],
  })
  // The real workflow: analysis, assignment, emails, memoised steps.
  const worker = await runWorkers({
    config: source.config,
    database: source.database,
    queue: source.queue,
    metrics: createMetrics(),
    log: silent,
  })
  const ids: string[] = []
  for (const title of [
    'VPN drops every hour',
    'Wifi is slow on floor 2',
    'Printer jams',
    'Invoice is wrong',
  ]) {
    const { body } = await call(source, requester, 'POST', '/api/tickets', {
      title,
      description: `${title}: since Monday, for the whole team, please help.`,
    })
    ids.push(String(body.data.id))
  }
  // An emailed ticket through the real intake (its inbound record, a Cc participant) and the
  // mailbox poller's last fetch.
  await receiveMessage(
    createIntakeDeps(source.config, source.database, source.queue),
    Buffer.from(
      'From: Carol <carol@example.com>\r\nTo: support@example.com\r\nCc: dave@example.com\r\n' +
        'Subject: Projector in room 4 is dead\r\nMessage-ID: <portable-1@example.com>\r\n\r\n' +
        'The projector shows no picture since this morning.\r\n',
    ),
    'http',
  )
  await waitForWorkflows(source, admin, ids.length + 1)
  await recordFetch(source.database.db, 'imap://support@mail.example.com/INBOX', null)
  await worker.stop()
  const [first, second, third] = ids as [string, string, string]
  await call(source, moderator, 'PATCH', `/api/tickets/${first}`, {
    status: 'in_progress',
    assigned_to: moderator.id,
  })
  // Files: one on the ticket itself, one on a staff reply (its bytes, once, in attachment_blobs).
  await upload(source, requester, first, 'screenshot.txt', 'the error dialog says 0x80070005')
  const fix = await upload(source, moderator, first, 'fix.txt', 'run the repair tool')
  await call(source, moderator, 'POST', `/api/tickets/${first}/comments`, {
    body: 'Looking into it.',
    attachment_ids: [fix],
  })
  await call(source, requester, 'POST', `/api/tickets/${first}/comments`, { body: 'Thanks!' })
  await call(source, moderator, 'PATCH', `/api/tickets/${second}`, {
    status: 'resolved',
    assigned_to: moderator.id,
  })
  // Closed, and its satisfaction survey answered (the survey row, the rating on the ticket).
  for (const status of ['in_progress', 'resolved', 'closed'])
    await call(source, moderator, 'PATCH', `/api/tickets/${second}`, { status })
  const survey = await source.database.executeSql(
    `SELECT text FROM emails WHERE ticket_id = '${second}' AND text LIKE '%/satisfaction/%'`,
  )
  const surveyToken = /\/satisfaction\/([A-Za-z0-9_-]{43})/.exec(String(survey.rows[0]?.text))?.[1]
  await call(source, null, 'POST', `/api/satisfaction/${surveyToken}`, { rating: 'good', comment: 'Fast' })
  await call(source, admin, 'PATCH', `/api/tickets/${third}`, { status: 'cancelled', priority: 'low' })
  // A duplicate merged into another ticket (tickets.merged_into refers to tickets): the merge
  // writes the target's row last, and the dump must still put it before the duplicate's.
  const merged = await call(source, admin, 'POST', `/api/tickets/${third}/merge`, { into: ids[3] })
  if (merged.status !== 200) throw new Error(`merge failed: ${JSON.stringify(merged.body)}`)
  // A pending password reset (its token row and its email).
  await call(source, null, 'POST', '/api/auth/password/forgot', { email: requester.email })
  // With the worker stopped, these jobs stay queued: they must survive the move.
  await call(source, requester, 'POST', '/api/tickets', {
    title: 'Laptop will not boot',
    description: 'Black screen after the update this morning.',
  })
  // A job that a worker had taken when the snapshot was taken (its run is lost with the old server).
  await source.database.executeSql(
    `UPDATE pgboss.job SET state = 'active', started_on = now(), retry_count = 1
     WHERE id = (SELECT id FROM pgboss.job WHERE name = 'ticket-workflow' AND state = 'created' LIMIT 1)`,
  )
  // The search language a server writes when it starts with a SEARCH_LANGUAGE other than the
  // default (here the default itself: the documents stay as they are).
  await source.database.executeSql(`INSERT INTO search_settings (id, language) VALUES (true, 'english')`)
  // A bulk import's search backlog the job has not indexed yet (here a range of tickets that
  // already have their documents: the job would skip them, the answers stay the same).
  await source.database.executeSql(
    `INSERT INTO search_backlog (next_number, last_number) SELECT min(number), max(number) FROM tickets`,
  )
  sourceAnswers = await answers(source, people)
  sourceDump = await dump(source.database)
}, 120_000)

afterAll(async () => {
  await source?.close()
  await source?.database.close()
})

it('fills every table of the source (the test covers what it claims)', async () => {
  const contents = await tableContents(source.database)
  const empty = Object.entries(contents).filter(([, rows]) => rows.length === 0)
  expect(empty.map(([name]) => name)).toEqual([])
  expect((await jobsInFlight(source.database)).length).toBeGreaterThan(0)
})

describe.skipIf(!reachable)('PGlite → PostgreSQL → PGlite', () => {
  let target: TestContext
  let drop: () => Promise<void>
  let back: TestContext

  beforeAll(async () => {
    const made = await newPostgres()
    drop = made.drop
    const database = await openMigrated(made.url)
    await load(database, sourceDump)
    target = await appOn(database)
    const again = await openMigrated()
    await load(again, await dump(database))
    back = await appOn(again)
  }, 120_000)

  afterAll(async () => {
    for (const ctx of [target, back]) {
      await ctx?.close()
      await ctx?.database.close()
    }
    await drop?.()
  })

  it('keeps every row exactly, counters included', async () => {
    const expected = await tableContents(source.database)
    expect(await tableContents(target.database)).toEqual(expected)
    expect(await tableContents(back.database)).toEqual(expected)
  })

  it('answers the API alike: lists, totals, tickets, comments, history, users, emails, old passwords', async () => {
    expect(await answers(target, people)).toEqual(sourceAnswers)
    expect(await answers(back, people)).toEqual(sourceAnswers)
  })

  it('keeps the jobs in flight, with their ids, and they run on the new database', async () => {
    const queued = await jobsInFlight(source.database)
    expect(await jobsInFlight(target.database)).toEqual(queued)
    // The interrupted run is queued again, with the retries it had left.
    const { rows } = await target.database.executeSql(
      `SELECT state, retry_count, retry_limit FROM pgboss.job WHERE name = 'ticket-workflow' AND state < 'completed'`,
    )
    expect(rows).toEqual([{ state: 'created', retry_count: 0, retry_limit: 4 }])
    const worker = await runWorkers({
      config: target.config,
      database: target.database,
      queue: target.queue,
      metrics: createMetrics(),
      log: silent,
    })
    try {
      await waitForWorkflows(
        target,
        { ...people.admin, cookie: await login(target, people.admin.email, PASSWORD) },
        5,
      )
    } finally {
      await worker.stop()
    }
  })

  it('continues sequences past the imported rows: new history comes after the old', async () => {
    const admin = { ...people.admin, cookie: await login(target, people.admin.email, PASSWORD) }
    const all = await call(target, admin, 'GET', '/api/tickets/all?limit=100')
    const oldest = all.body.data.at(-1) as { id: string; priority: string }
    const priority = oldest.priority === 'high' ? 'low' : 'high'
    const patched = await call(target, admin, 'PATCH', `/api/tickets/${oldest.id}`, { priority })
    expect(patched.status).toBe(200)
    const history = await call(target, admin, 'GET', `/api/tickets/${oldest.id}/history`)
    expect(history.body.data.length).toBeGreaterThan(2)
    expect(history.body.data.at(-1)).toMatchObject({ type: 'priority_changed', to: priority })
  })
})

describe('refusals leave the target as it was', () => {
  let target: Database
  const lines = () => sourceDump.trimEnd().split('\n')
  const refused = async (text: string | Buffer) => {
    const error = await load(target, text).then(
      () => undefined,
      (e: Error) => e,
    )
    expect(error?.message).toMatch(/\S/)
    expect(error?.message).not.toContain('\n')
    const { rows } = await target.executeSql('SELECT (SELECT count(*) FROM users)::int AS users')
    expect(rows[0]?.users).toBe(0)
    return error?.message
  }

  let drop = async () => {}
  // On PostgreSQL when the suite runs there (npm run test:pg): its rollback is the one that matters.
  beforeAll(async () => {
    const made = process.env.TEST_DATABASE_URL && reachable ? await newPostgres() : undefined
    if (made) drop = made.drop
    target = await openMigrated(made?.url)
  }, 60_000)
  afterAll(async () => {
    await target?.close()
    await drop()
  })

  it('refuses a file of a newer format version', async () => {
    const [header, ...rest] = lines()
    const newer = JSON.stringify({ ...JSON.parse(header ?? '{}'), version: 2 })
    expect(await refused([newer, ...rest].join('\n'))).toMatch(/newer version.*upgrade/)
  })

  it('refuses a table the database does not know', async () => {
    const [header, ...rest] = lines()
    const parsed = JSON.parse(header ?? '{}') as { tables: unknown[] }
    const strange = JSON.stringify({
      ...parsed,
      tables: [...parsed.tables, { name: 'mystery', columns: ['id'] }],
    })
    expect(await refused([strange, ...rest].join('\n'))).toMatch(/does not know: mystery/)
  })

  it('refuses a file cut in the middle of a row, or before its end marker', async () => {
    const middle = sourceDump.slice(0, Math.floor(sourceDump.length * 0.6))
    expect(await refused(middle)).toMatch(/^import failed at line \d+ \(table \w+\): .*nothing was imported$/)
    expect(await refused(lines().slice(0, -1).join('\n'))).toMatch(/truncated; nothing was imported$/)
  })

  it('refuses a gzip file cut short', async () => {
    const { writeFile, rm } = await import('node:fs/promises')
    const zipped = gzipSync(sourceDump)
    const file = `/tmp/sts-portable-${process.pid}.ndjson.gz`
    await writeFile(file, zipped.subarray(0, zipped.length - 20))
    const queue = createJobQueue(target)
    await queue.start()
    try {
      await expect(importDatabase(target, readDumpLines(file), { boss: queue.boss })).rejects.toThrow(
        /nothing was imported/,
      )
    } finally {
      await queue.stop()
      await rm(file, { force: true })
    }
  })

  it('imports into an empty database, then refuses a second import into it', async () => {
    await load(target, sourceDump)
    const error = await load(target, sourceDump).then(
      () => undefined,
      (e: Error) => e,
    )
    expect(error?.message).toMatch(/not empty \(.*users.*\)/)
  })
})

it('leaves sessions out unless asked', async () => {
  expect(sourceDump).not.toContain('{"@table":"sessions"')
  const withSessions = await dump(source.database, { includeSessions: true })
  expect(withSessions).toContain('{"@table":"sessions"')
})
