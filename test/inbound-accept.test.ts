// Mail accepted ahead of filing (the SMTP listener, the mailbox): the message and its filing job
// commit together, the message is listed `pending`, and a worker files it, exactly once, however
// often its job runs; a copy arriving meanwhile is a duplicate; a reply whose original still
// waits threads onto the original's ticket all the same.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inboundFiling } from '../src/jobs/inbound-filing.js'
import { QUEUES } from '../src/jobs/queue.js'
import { createIntakeDeps } from '../src/modules/inbound/channels.js'
import {
  acceptMessage,
  fileAccepted,
  type IntakeDeps,
  receiveMessage,
} from '../src/modules/inbound/intake.js'
import { call, createTestContext, signedInUser, type TestContext, type TestUser } from './helpers/app.js'
import { startFilingWorker } from './helpers/filing.js'
import { composeMail } from './helpers/mail.js'

let ctx: TestContext
let admin: TestUser
let intake: IntakeDeps

beforeAll(async () => {
  ctx = await createTestContext({ INBOUND_ADDRESS: 'support@helpdesk.test' })
  admin = await signedInUser(ctx, 'admin')
  intake = createIntakeDeps(ctx.config, ctx.database, ctx.queue)
})
afterAll(() => ctx.close())

const newId = () => `<${randomUUID()}@mail.example.org>`
const newSender = () => `customer-${randomUUID().slice(0, 8)}@example.org`

async function record(id: string) {
  const list = await call(ctx, admin, 'GET', '/api/admin/inbound?limit=100')
  return (
    list.body.data as unknown as {
      id: string
      outcome: string
      ticket_id: string | null
      error: string | null
    }[]
  ).find((r) => r.id === id)
}

/** The filing jobs queued for this message (pg-boss's table, as a worker would find them). */
async function filingJobs(inboundId: string): Promise<number> {
  const { rows } = await ctx.database.executeSql(
    `SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND data->>'inboundId' = $2`,
    [QUEUES.inboundFiling, inboundId],
  )
  return Number(rows[0]?.n ?? 0)
}

async function ticketsOf(requester: string): Promise<{ id: string; title: string }[]> {
  const { rows } = await ctx.database.executeSql(
    'SELECT t.id, t.title FROM tickets t JOIN users u ON u.id = t.created_by WHERE u.email = $1',
    [requester],
  )
  return rows as { id: string; title: string }[]
}

/** Runs the job's handler as pg-boss would (first attempt of five). */
const runJob = (inboundId: string) =>
  inboundFiling.handle(intake, { id: randomUUID(), payload: { inboundId }, retryCount: 0, retryLimit: 5 })

describe('accepting mail ahead of filing', () => {
  it('stores the message pending with its job, then the job files it', async () => {
    const from = newSender()
    const accepted = await acceptMessage(
      intake,
      await composeMail({ from, subject: 'Docking station not charging' }),
      'smtp',
    )
    expect(accepted).toMatchObject({ outcome: 'pending', ticketId: null })
    // Listed for admins at once, as pending; nothing filed yet; its job committed with it.
    expect(await record(accepted.id)).toMatchObject({ outcome: 'pending', ticket_id: null })
    expect(await ticketsOf(from)).toEqual([])
    expect(await filingJobs(accepted.id)).toBe(1)

    const worker = await startFilingWorker(ctx)
    try {
      await expect
        .poll(async () => (await record(accepted.id))?.outcome, { timeout: 10_000, interval: 50 })
        .toBe('ticket_created')
    } finally {
      await worker.stop()
    }
    const [ticket] = await ticketsOf(from)
    expect(ticket?.title).toBe('Docking station not charging')
    expect((await record(accepted.id))?.ticket_id).toBe(ticket?.id)
  })

  it('loses nothing to a crash between accepting and filing, and files once however often the job runs', async () => {
    // Accepted, then the process died before any worker ran: the rows and jobs are all there is.
    const from = newSender()
    const ids: string[] = []
    for (let i = 0; i < 3; i++) {
      const raw = await composeMail({
        from,
        subject: `Monitor ${i} stays black after wake-up`,
        text: `Monitor ${i}`,
      })
      ids.push((await acceptMessage(intake, raw, 'imap')).id)
    }
    for (const id of ids) expect(await filingJobs(id)).toBe(1)
    // A retried attempt (the first died mid filing, rolled back) and a second delivery of the job.
    const [first] = ids as [string]
    expect(await runJob(first)).toEqual({ outcome: 'ticket_created' })
    expect(await runJob(first)).toEqual({ outcome: 'no longer pending' })
    expect(await fileAccepted(intake, first)).toBeUndefined()
    // A worker started later (after the restart) files the rest.
    const worker = await startFilingWorker(ctx)
    try {
      await expect.poll(async () => (await ticketsOf(from)).length, { timeout: 10_000, interval: 50 }).toBe(3)
    } finally {
      await worker.stop()
    }
    for (const id of ids) expect((await record(id))?.outcome).toBe('ticket_created')
    expect((await ticketsOf(from)).map((t) => t.title).sort()).toEqual([
      'Monitor 0 stays black after wake-up',
      'Monitor 1 stays black after wake-up',
      'Monitor 2 stays black after wake-up',
    ])
  })

  it('records a copy that arrives while the first still waits as a duplicate (Message-ID, then content)', async () => {
    const from = newSender()
    const raw = await composeMail({ from, messageId: newId(), subject: 'Badge reader rejects my card' })
    const first = await acceptMessage(intake, raw, 'smtp')
    expect(first.outcome).toBe('pending')
    // The same message again, by the mailbox and by the relay, while it is pending.
    expect(await acceptMessage(intake, raw, 'imap')).toMatchObject({ outcome: 'duplicate', ticketId: null })
    expect(await receiveMessage(intake, raw, 'http')).toMatchObject({ outcome: 'duplicate', ticketId: null })
    // No Message-ID: the same content is the same message.
    const bare = await composeMail({
      from,
      messageId: '',
      date: new Date('2026-01-05T10:00:00Z'),
      subject: 'Badge reader, second floor',
    })
    const bareFirst = await acceptMessage(intake, bare, 'smtp')
    expect(bareFirst.outcome).toBe('pending')
    expect((await acceptMessage(intake, bare, 'smtp')).outcome).toBe('duplicate')

    await runJob(first.id)
    await runJob(bareFirst.id)
    expect((await ticketsOf(from)).map((t) => t.title).sort()).toEqual([
      'Badge reader rejects my card',
      'Badge reader, second floor',
    ])
    expect((await record(first.id))?.outcome).toBe('ticket_created')
    // Only the two first copies are filed; a later copy names the ticket the first one opened.
    const again = await acceptMessage(intake, raw, 'smtp')
    expect(again).toMatchObject({ outcome: 'duplicate', ticketId: (await record(first.id))?.ticket_id })
  })

  it('threads a reply that is filed before its original (both accepted, the reply’s job first)', async () => {
    const from = newSender()
    const originalId = newId()
    const original = await acceptMessage(
      intake,
      await composeMail({ from, messageId: originalId, subject: 'Laptop fan is loud' }),
      'smtp',
    )
    const reply = await acceptMessage(
      intake,
      await composeMail({
        from,
        messageId: newId(),
        inReplyTo: originalId,
        references: [originalId],
        subject: 'Re: Laptop fan is loud',
        text: 'It is louder after the update.',
      }),
      'smtp',
    )
    expect([original.outcome, reply.outcome]).toEqual(['pending', 'pending'])
    // The reply's job runs first: it files its original ahead of itself, then comments on it.
    expect(await runJob(reply.id)).toEqual({ outcome: 'comment_added' })
    const [ticket] = await ticketsOf(from)
    expect(await record(original.id)).toMatchObject({ outcome: 'ticket_created', ticket_id: ticket?.id })
    expect(await record(reply.id)).toMatchObject({ outcome: 'comment_added', ticket_id: ticket?.id })
    // The original's own job finds nothing left to do.
    expect(await runJob(original.id)).toEqual({ outcome: 'no longer pending' })
    expect(await ticketsOf(from)).toHaveLength(1)
  })

  it('threads a reply and its original filed at the same moment by two workers', async () => {
    const from = newSender()
    const originalId = newId()
    const original = await acceptMessage(
      intake,
      await composeMail({ from, messageId: originalId, subject: 'VPN drops hourly' }),
      'smtp',
    )
    const reply = await acceptMessage(
      intake,
      await composeMail({ from, messageId: newId(), inReplyTo: originalId, subject: 'Re: VPN drops hourly' }),
      'smtp',
    )
    const outcomes = (await Promise.all([runJob(reply.id), runJob(original.id)])) as { outcome: string }[]
    // The reply comments; the original was filed by its own job or by the reply's, whichever first.
    expect(outcomes[0]).toEqual({ outcome: 'comment_added' })
    expect(['ticket_created', 'no longer pending']).toContain(outcomes[1]?.outcome)
    const tickets = await ticketsOf(from)
    expect(tickets).toHaveLength(1)
    expect(await record(original.id)).toMatchObject({ outcome: 'ticket_created', ticket_id: tickets[0]?.id })
    expect(await record(reply.id)).toMatchObject({ outcome: 'comment_added', ticket_id: tickets[0]?.id })
  })

  it('threads a chain of pending replies when the last one’s job runs first', async () => {
    const from = newSender()
    const ids = [newId(), newId(), newId()]
    const accepted = []
    for (const [i, messageId] of ids.entries()) {
      const earlier = ids.slice(0, i)
      accepted.push(
        await acceptMessage(
          intake,
          await composeMail({
            from,
            messageId,
            ...(i > 0 ? { inReplyTo: earlier.at(-1), references: earlier } : {}),
            subject: i === 0 ? 'Monitor goes black' : 'Re: Monitor goes black',
            text: `Message ${i + 1} about the monitor.`,
          }),
          'smtp',
        ),
      )
    }
    // The last reply files the message it answers first, which files the original first.
    expect(await runJob(accepted[2]?.id ?? '')).toEqual({ outcome: 'comment_added' })
    const [ticket, ...others] = await ticketsOf(from)
    expect(others).toEqual([])
    expect((await Promise.all(accepted.map((a) => record(a.id)))).map((r) => r?.outcome)).toEqual([
      'ticket_created',
      'comment_added',
      'comment_added',
    ])
    for (const a of accepted) expect((await record(a.id))?.ticket_id).toBe(ticket?.id)
  })

  it('files two pending messages that name each other, by two workers at once, each once', async () => {
    const from = newSender()
    const [a, b] = [newId(), newId()]
    const first = await acceptMessage(
      intake,
      await composeMail({ from, messageId: a, references: [b], subject: 'Scanner offline' }),
      'smtp',
    )
    const second = await acceptMessage(
      intake,
      await composeMail({ from, messageId: b, inReplyTo: a, subject: 'Re: Scanner offline' }),
      'smtp',
    )
    // Each job would file the other first: neither holds its own lock meanwhile, so both end
    // (which message threads onto which depends on who gets there first).
    await Promise.all([runJob(first.id), runJob(second.id)])
    const outcomes = [(await record(first.id))?.outcome, (await record(second.id))?.outcome]
    for (const outcome of outcomes) expect(['ticket_created', 'comment_added']).toContain(outcome)
    expect(await ticketsOf(from)).toHaveLength(outcomes.filter((o) => o === 'ticket_created').length)
  })

  it('threads a relayed reply whose original is still pending', async () => {
    const from = newSender()
    const originalId = newId()
    const original = await acceptMessage(
      intake,
      await composeMail({ from, messageId: originalId, subject: 'Printer toner empty' }),
      'smtp',
    )
    const relayed = await receiveMessage(
      intake,
      await composeMail({
        from,
        messageId: newId(),
        inReplyTo: originalId,
        subject: 'Re: Printer toner empty',
      }),
      'http',
    )
    const [ticket] = await ticketsOf(from)
    expect(relayed).toMatchObject({ outcome: 'comment_added', ticketId: ticket?.id })
    expect(await record(original.id)).toMatchObject({ outcome: 'ticket_created', ticket_id: ticket?.id })
  })

  it('retries a filing that failed, and records the message rejected with why at the last attempt', async () => {
    const from = newSender()
    const accepted = await acceptMessage(
      intake,
      await composeMail({ from, subject: 'Re: [#4242] still broken' }),
      'smtp',
    )
    // The subject token's lookup fails (a test's stand-in for any error inside the filing).
    const failing: IntakeDeps = {
      ...intake,
      ticketIdByNumber: () => Promise.reject(new Error('ticket lookup failed')),
    }
    const attempt = (retryCount: number) =>
      inboundFiling.handle(failing, {
        id: randomUUID(),
        payload: { inboundId: accepted.id },
        retryCount,
        retryLimit: 5,
      })
    await expect(attempt(0)).rejects.toThrow('ticket lookup failed')
    expect((await record(accepted.id))?.outcome).toBe('pending')
    expect(await attempt(5)).toEqual({ outcome: 'rejected' })
    expect(await record(accepted.id)).toMatchObject({ outcome: 'rejected', ticket_id: null })
    expect((await record(accepted.id))?.error).toBe('ticket lookup failed')
    expect(await ticketsOf(from)).toEqual([])
  })
})
