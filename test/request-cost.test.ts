// Round trips per request (issue 9 §6): every statement a request sends costs the server and
// PostgreSQL CPU and a wait, so the hot endpoints' counts are pinned here. The figures themselves
// belong to `npm run bench`.
import { randomUUID } from 'node:crypto'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ticketWorkflow } from '../src/jobs/ticket-workflow.js'
import { createIntakeDeps } from '../src/modules/inbound/channels.js'
import { acceptMessage, fileAccepted, receiveMessage } from '../src/modules/inbound/intake.js'
import { createNotifier } from '../src/modules/notifications/notifier.js'
import type { TriageProvider } from '../src/modules/triage/triage.types.js'
import {
  call,
  createTestContext,
  createTicket,
  signedInUser,
  type TestContext,
  type TestUser,
} from './helpers/app.js'
import { composeMail } from './helpers/mail.js'

/**
 * The app's statements (the tables a request reads and writes), not pg-boss's own housekeeping;
 * and a transaction's durability (`synchronous_commit`), which says whether its commit waits.
 */
const APP_TABLES =
  /sessions|ticket_counts|tickets|ticket_events|inbound_messages|users|emails|sla_policies|pgboss\.job|pg_notify|pg_stats|synchronous_commit|^\s*(begin|commit)\s*$/i

type QueryFn = (...args: unknown[]) => unknown

function textOf(args: unknown[]): string {
  const first = args[0]
  if (typeof first === 'string') return first
  if (typeof first === 'object' && first !== null && 'text' in first && typeof first.text === 'string')
    return first.text
  return ''
}

/** Counts the app's statements sent while `work` runs, on either driver. */
async function statementsDuring(ctx: TestContext, work: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = []
  const record = (args: unknown[]) => {
    const text = textOf(args)
    if (APP_TABLES.test(text)) seen.push(text)
  }
  const native = ctx.database.native
  const target: Record<'query' | 'exec', QueryFn> =
    native.driver === 'pglite'
      ? (native.client as unknown as Record<'query' | 'exec', QueryFn>)
      : (pg.Client.prototype as unknown as Record<'query' | 'exec', QueryFn>)
  const originals = { query: target.query, exec: target.exec }
  for (const name of ['query', 'exec'] as const) {
    const original = originals[name]
    if (typeof original !== 'function') continue
    target[name] = function (this: unknown, ...args: unknown[]) {
      record(args)
      return original.apply(this, args)
    }
  }
  try {
    await work()
  } finally {
    target.query = originals.query
    if (originals.exec) target.exec = originals.exec
  }
  return seen
}

describe('statements per request', () => {
  let ctx: TestContext
  let user: TestUser
  let moderator: TestUser

  beforeAll(async () => {
    ctx = await createTestContext()
    user = await signedInUser(ctx, 'user')
    moderator = await signedInUser(ctx, 'moderator')
    for (let i = 0; i < 3; i++) await createTicket(ctx, user)
  })
  afterAll(() => ctx.close())

  it('GET /api/tickets/all: total and page in one statement (the session and calendars read once)', async () => {
    // The SLA calendars (for business time left) are read at most once per 5 s per process: the
    // first list after that reads them (one small SELECT of sla_policies), the others do not.
    const cold = await statementsDuring(ctx, () =>
      call(ctx, moderator, 'GET', '/api/tickets/all?status=todo'),
    )
    expect(cold.filter((text) => /sla_policies/.test(text))).toHaveLength(1)
    expect(cold.filter((text) => /sessions/.test(text))).toHaveLength(1)
    // Another page (not one kept by the queue cache), by a session this process looked up.
    const sent = await statementsDuring(ctx, async () => {
      const { status, body } = await call(ctx, moderator, 'GET', '/api/tickets/all?status=todo&page=1')
      expect(status).toBe(200)
      expect(body.meta?.total).toBe(3)
      expect(body.data).toHaveLength(3)
    })
    expect(sent).toHaveLength(1)
  })

  it('GET /api/tickets/all again, nothing changed: served from memory, no statement', async () => {
    await call(ctx, moderator, 'GET', '/api/tickets/all?status=todo&limit=2')
    const sent = await statementsDuring(ctx, async () => {
      const { status, body } = await call(ctx, moderator, 'GET', '/api/tickets/all?status=todo&limit=2')
      expect(status).toBe(200)
      expect(body.meta?.total).toBe(3)
      expect(body.data).toHaveLength(2)
    })
    expect(sent).toEqual([])
  })

  it('GET /api/tickets (own), by a session seen lately: total and page in one statement', async () => {
    const sent = await statementsDuring(ctx, async () => {
      const { status, body } = await call(ctx, user, 'GET', '/api/tickets?page=2&limit=2')
      expect(status).toBe(200)
      expect(body.meta?.total).toBe(3)
      expect(body.data).toHaveLength(1)
    })
    // The session was looked up by this process moments ago (session-cache.ts).
    expect(sent).toHaveLength(1)
  })

  it('a page past the end still answers the exact total', async () => {
    const { body } = await call(ctx, moderator, 'GET', '/api/tickets/all?page=50')
    expect(body.data).toEqual([])
    expect(body.meta?.total).toBe(3)
  })

  // PGlite runs a transaction's statements on its own object, out of this counter's sight.
  it.skipIf(!process.env.TEST_DATABASE_URL)(
    'POST /api/tickets by a session seen lately: BEGIN, SLA policies, ticket with its due times, history row, job insert with its NOTIFY, COMMIT',
    async () => {
      const sent = await statementsDuring(ctx, () => createTicket(ctx, user))
      expect(sent.map((text) => text.trim().split(/\s+/)[0]?.toUpperCase())).toEqual([
        'BEGIN',
        // The SLA policies (a handful of rows) with the transaction's now(): the due times are
        // computed in business time and go in with the ticket.
        'SELECT',
        'INSERT',
        'INSERT',
        'WITH',
        'COMMIT',
      ])
    },
  )

  it.skipIf(!process.env.TEST_DATABASE_URL)(
    'an email the SMTP listener accepts: one statement before the 250, on the queue’s connections; its filing: one transaction, its first statement locks and reads the message',
    async () => {
      const mail = await createTestContext({
        INBOUND_ADDRESS: 'support@helpdesk.test',
        SMTP_URL: 'smtp://127.0.0.1:9',
      })
      try {
        const intake = createIntakeDeps(mail.config, mail.database, mail.queue)
        const raw = await composeMail({ from: `new-${Date.now()}@example.org`, text: 'The printer jams.' })
        let accepted: { id: string } | undefined
        const first = (text: string) => text.trim().split(/\s+/).slice(0, 3).join(' ').toLowerCase()
        const sent = await statementsDuring(mail, async () => {
          accepted = await acceptMessage(intake, raw, 'smtp')
        })
        // The pending row and its filing job (with its wake-up) go in one statement on the job
        // queue's own connections (prepared there): nothing on the app's, no transaction.
        expect(sent.map(first)).toEqual([])
        expect(accepted).toMatchObject({ outcome: 'pending' })
        const filing = await statementsDuring(mail, () => fileAccepted(intake, accepted?.id ?? ''))
        expect(filing.map(first)).toEqual([
          'begin',
          // Locked if still pending, with its bytes; and the filing's commit need not wait for the
          // disk (the message is on disk already, pending with its job; pg-boss's synchronous
          // completion of the job flushes this commit): one statement.
          `select "raw", set_config('synchronous_commit',`,
          'select "id", "email",',
          'select count(*) from',
          'insert into "users"',
          'select "sla_policies"."id", "sla_policies"."name",',
          'insert into "tickets"',
          'insert into "ticket_events"',
          'with job as',
          'update "inbound_messages" set',
          '(select "message_id", false',
          'insert into "emails"',
          'with job as',
          'commit',
        ])
      } finally {
        await mail.close()
      }
    },
  )

  it.skipIf(!process.env.TEST_DATABASE_URL)(
    'an email from a new sender: one transaction, fourteen statements (bench/inbound-smtp.ts)',
    async () => {
      const mail = await createTestContext({
        INBOUND_ADDRESS: 'support@helpdesk.test',
        SMTP_URL: 'smtp://127.0.0.1:9',
      })
      try {
        const intake = createIntakeDeps(mail.config, mail.database, mail.queue)
        const raw = await composeMail({ from: `new-${Date.now()}@example.org`, text: 'The printer jams.' })
        const sent = await statementsDuring(mail, () => receiveMessage(intake, raw, 'smtp'))
        // No `synchronous_commit` among them: the relay's 202 says the message is filed, so its
        // commit waits for the disk.
        expect(sent.map((text) => text.trim().split(/\s+/).slice(0, 3).join(' ').toLowerCase())).toEqual([
          'begin',
          'insert into "inbound_messages"', // claimed: a second copy waits on it, then is a duplicate
          'select "id", "email",', // the sender: known?
          'select count(*) from', // their messages this hour (the per-sender rate)
          'insert into "users"', // a new sender's account (no second look-up first)
          'select "sla_policies"."id", "sla_policies"."name",', // the due times go in with the ticket
          'insert into "tickets"',
          'insert into "ticket_events"',
          'with job as', // the workflow job, with its wake-up NOTIFY
          'update "inbound_messages" set', // the outcome, once: the acknowledgement threads from it
          '(select "message_id", false', // the thread's first and latest message, in one statement
          'insert into "emails"',
          'with job as', // the acknowledgement's delivery
          'commit',
        ])
      } finally {
        await mail.close()
      }
    },
  )

  it.skipIf(!process.env.TEST_DATABASE_URL)(
    'the ticket workflow reads the similar-ticket statistics once per process, not once per ticket',
    async () => {
      const deps = {
        db: ctx.database.db,
        triage: {
          name: 'local',
          inProcess: true,
          analyse: async () => ({
            summary: 'Flicker.',
            priority: 'low',
            helpfulNotes: '1. Reseat the cable.',
            relatedSkills: [],
          }),
        } satisfies TriageProvider,
        notifier: createNotifier({ queue: ctx.queue, appUrl: 'http://helpdesk.test', smtpEnabled: false }),
      }
      const run = async () => {
        const ticket = (await createTicket(ctx, user, {
          title: 'Laptop docking station flickers',
          description: 'The external monitor on the docking station flickers every few seconds.',
        })) as unknown as { id: string }
        return statementsDuring(ctx, () =>
          ticketWorkflow.handle(deps, {
            id: randomUUID(),
            payload: { ticketId: ticket.id },
            retryCount: 0,
            retryLimit: 2,
          }),
        )
      }
      await run()
      const second = await run()
      expect(second.filter((text) => text.includes('pg_stats'))).toEqual([])
      expect(second.length).toBeGreaterThan(3) // the counter saw the workflow's own statements
    },
  )
})
