// The ticket workflow, step by step, on a real database: analysis, assignment, email outbox,
// memoised retries and the spec's degradation rules.
import { randomUUID } from 'node:crypto'
import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { skills, ticketEvents, tickets, workflowSteps } from '../src/db/schema.js'
import { isLastAttempt } from '../src/jobs/job.js'
import { ticketWorkflow } from '../src/jobs/ticket-workflow.js'
import { createNotifier, type Notifier } from '../src/modules/notifications/notifier.js'
import { createOpenAiProvider } from '../src/modules/triage/openai-provider.js'
import { type TicketAnalysis, TriageError, type TriageProvider } from '../src/modules/triage/triage.types.js'
import { openAiReply, startOpenAiServer } from './fakes/openai-server.js'
import {
  call,
  createTestContext,
  createTicket,
  signedInUser,
  type TestContext,
  type TestUser,
} from './helpers/app.js'

let ctx: TestContext
let user: TestUser
let networking: TestUser
let database: TestUser

/**
 * A scripted triage provider: each call takes the next answer (an analysis or an error). It acts
 * as a remote one (the workflow commits around its call) unless made in-process.
 */
function scriptedTriage(...answers: (TicketAnalysis | Error)[]): TriageProvider & { calls: number } {
  const provider = {
    name: 'openai' as const,
    inProcess: false,
    calls: 0,
    async analyse() {
      const answer = answers[Math.min(provider.calls, answers.length - 1)]
      provider.calls += 1
      if (!answer || answer instanceof Error) throw answer ?? new Error('no answer scripted')
      return answer
    },
  }
  return provider
}

const vpnAnalysis: TicketAnalysis = {
  summary: 'The VPN drops every few minutes for the whole office.',
  priority: 'high',
  helpfulNotes: '1. Check the VPN concentrator logs.',
  relatedSkills: ['Networking'],
}

async function runAttempt(
  triage: TriageProvider,
  ticketId: string,
  jobId: string,
  retryCount: number,
  retryLimit = 2,
  notifier: Notifier = quietNotifier(),
) {
  return ticketWorkflow.handle(
    { db: ctx.database.db, triage, notifier },
    { id: jobId, payload: { ticketId }, retryCount, retryLimit },
  )
}

async function ticketRow(id: string) {
  const [row] = await ctx.database.db.select().from(tickets).where(eq(tickets.id, id))
  if (!row) throw new Error('ticket missing')
  return row
}

const quietNotifier = () =>
  createNotifier({ queue: ctx.queue, appUrl: 'http://helpdesk.test', smtpEnabled: false })

/** A notifier whose first email fails, as a database hiccup would; later ones go through. */
function notifierFailingOnce(): Notifier {
  const real = quietNotifier()
  let failOnce = true
  return {
    ...real,
    async ticketAssigned(...args: Parameters<typeof real.ticketAssigned>) {
      if (failOnce) {
        failOnce = false
        throw new Error('database hiccup while recording the email')
      }
      return real.ticketAssigned(...args)
    },
  }
}

/** One analysis, one assignment, one email, and done: nothing repeated by retries. */
async function expectProcessedOnce(ticketId: string) {
  const events = (type: string) =>
    count(sql`SELECT count(*) AS n FROM ${ticketEvents} WHERE ticket_id = ${ticketId} AND type = ${type}`)
  expect(await events('analysed')).toBe(1)
  expect(await events('assigned')).toBe(1)
  expect(await count(sql`SELECT count(*) AS n FROM emails WHERE ticket_id = ${ticketId}`)).toBe(1)
  expect((await ticketRow(ticketId)).processingStatus).toBe('done')
}

async function count(query: ReturnType<typeof sql>) {
  const result = (await ctx.database.db.execute(query)) as unknown as { rows: { n: number | string }[] }
  return Number(result.rows[0]?.n)
}

beforeAll(async () => {
  ctx = await createTestContext()
  user = await signedInUser(ctx, 'user')
  const admin = await signedInUser(ctx, 'admin')
  networking = await signedInUser(ctx, 'moderator')
  database = await signedInUser(ctx, 'moderator')
  await call(ctx, admin, 'POST', '/api/skills', { name: 'Networking', keywords: ['vpn'] })
  await call(ctx, admin, 'POST', '/api/skills', { name: 'Database' })
  await call(ctx, admin, 'PUT', `/api/users/${networking.id}/skills`, {
    skills: [{ skill: 'networking', proficiency: 5 }],
  })
  await call(ctx, admin, 'PUT', `/api/users/${database.id}/skills`, {
    skills: [{ skill: 'Database', proficiency: 4 }],
  })
  // The admin has no skills and must not win skill-matched tickets.
})
afterAll(() => ctx.close())

describe('ticket workflow', () => {
  it('analyses, assigns the matching moderator, records the email, and ends done', async () => {
    const ticket = await createTicket(ctx, user, { title: 'VPN keeps dropping' })
    const triage = scriptedTriage(vpnAnalysis)
    const result = await runAttempt(triage, ticket.id, randomUUID(), 0)
    expect(result).toEqual({ outcome: 'done', assignedTo: networking.id })

    const row = await ticketRow(ticket.id)
    expect(row).toMatchObject({
      summary: vpnAnalysis.summary,
      helpfulNotes: vpnAnalysis.helpfulNotes,
      relatedSkills: ['Networking'],
      priority: 'high',
      assignedTo: networking.id,
      processingStatus: 'done',
      status: 'todo',
    })
    // Staff see why it went to this moderator…
    const history = (await call(ctx, database, 'GET', `/api/tickets/${ticket.id}/history`)).body.data
    expect(history.map((e) => e.type)).toEqual(['created', 'analysed', 'priority_changed', 'assigned'])
    const assigned = history.at(-1)
    expect(assigned).toMatchObject({ actor: null, to: networking.id })
    expect(assigned?.details).toMatchObject({
      reason: 'skills',
      matched_skills: ['Networking'],
      open_tickets: 0,
    })
    // …the requester sees who and when, not the scores and other moderators' workloads.
    const seen = (await call(ctx, user, 'GET', `/api/tickets/${ticket.id}/history`)).body.data
    expect(seen.map((e) => e.type)).toEqual(['created', 'analysed', 'priority_changed', 'assigned'])
    expect(seen.at(-1)).toMatchObject({ actor: null, to: networking.id, created_at: assigned?.created_at })
    expect(seen.at(-1)?.details).toEqual({ assignee_email: networking.email })
    const emails = await call(
      ctx,
      await signedInUser(ctx, 'admin'),
      'GET',
      `/api/admin/emails?to=${networking.email}`,
    )
    expect(emails.body.data).toHaveLength(1)
    expect(emails.body.data[0]).toMatchObject({ status: 'skipped', ticket_id: ticket.id })
    expect(String(emails.body.data[0]?.subject)).toContain('Assigned to you: VPN keeps dropping')
  })

  it('resumes after the last finished step: a retry never repeats the AI call or the assignment', async () => {
    const ticket = await createTicket(ctx, user)
    const jobId = randomUUID()
    const triage = scriptedTriage(vpnAnalysis)
    const flaky = notifierFailingOnce()
    await expect(runAttempt(triage, ticket.id, jobId, 0, 2, flaky)).rejects.toThrow('database hiccup')
    await runAttempt(triage, ticket.id, jobId, 1, 2, flaky)
    expect(triage.calls).toBe(1)
    await expectProcessedOnce(ticket.id)
  })

  it('retries a failed analysis, then degrades on the last attempt: default priority, null AI fields, still assigned', async () => {
    const ticket = await createTicket(ctx, user)
    const jobId = randomUUID()
    const triage = scriptedTriage(new TriageError('model overloaded', true))
    await expect(runAttempt(triage, ticket.id, jobId, 0)).rejects.toThrow('model overloaded')
    expect((await ticketRow(ticket.id)).processingStatus).toBe('running')
    await expect(runAttempt(triage, ticket.id, jobId, 1)).rejects.toThrow('model overloaded')
    const result = await runAttempt(triage, ticket.id, jobId, 2)
    expect(triage.calls).toBe(3)
    expect(result).toMatchObject({ outcome: 'failed' })
    const row = await ticketRow(ticket.id)
    expect(row).toMatchObject({ summary: null, helpfulNotes: null, relatedSkills: null, priority: 'medium' })
    expect(row.assignedTo).not.toBeNull()
    expect(row.processingStatus).toBe('failed')
    // fetch-ticket and update-ticket-status ran once each, whatever the number of attempts.
    expect(await count(sql`SELECT count(*) AS n FROM ${workflowSteps} WHERE job_id = ${jobId}`)).toBe(6)
  })

  it('does not retry a refusal: it degrades at once', async () => {
    const ticket = await createTicket(ctx, user)
    const triage = scriptedTriage(new TriageError('refused', false))
    const result = await runAttempt(triage, ticket.id, randomUUID(), 0)
    expect(triage.calls).toBe(1)
    expect(result).toMatchObject({ outcome: 'failed' })
    expect((await ticketRow(ticket.id)).assignedTo).not.toBeNull()
  })

  it('a remote AI that keeps answering nonsense degrades on the first attempt, not after the job retries', async () => {
    const ai = await startOpenAiServer()
    try {
      ai.replyAlways(openAiReply.text('I am a poem, not JSON'))
      const triage = createOpenAiProvider(
        { apiKey: undefined, model: 'fake-model', baseUrl: `${ai.url}/v1` },
        { baseDelayMs: 1 },
      )
      const ticket = await createTicket(ctx, user)
      // The first of six attempts: before, it threw for the job to retry (about 50 s of backoff).
      const result = await runAttempt(triage, ticket.id, randomUUID(), 0, 5)
      expect(result).toMatchObject({ outcome: 'failed' })
      expect(ai.requests).toHaveLength(3)
      const row = await ticketRow(ticket.id)
      expect(row).toMatchObject({ processingStatus: 'failed', priority: 'medium', summary: null })
      expect(row.assignedTo).not.toBeNull()
    } finally {
      await ai.close()
    }
  })

  it("never overwrites a moderator's priority or notes", async () => {
    const ticket = await createTicket(ctx, user)
    await call(ctx, networking, 'PATCH', `/api/tickets/${ticket.id}`, {
      priority: 'low',
      helpful_notes: 'Mine.',
    })
    await runAttempt(scriptedTriage(vpnAnalysis), ticket.id, randomUUID(), 0)
    const row = await ticketRow(ticket.id)
    expect(row).toMatchObject({ priority: 'low', helpfulNotes: 'Mine.', summary: vpnAnalysis.summary })
  })

  it('keeps a manual assignment made before the workflow reached assignment', async () => {
    const ticket = await createTicket(ctx, user)
    await call(ctx, networking, 'PATCH', `/api/tickets/${ticket.id}`, { assigned_to: database.id })
    const result = await runAttempt(scriptedTriage(vpnAnalysis), ticket.id, randomUUID(), 0)
    expect(result).toMatchObject({ outcome: 'done', assignedTo: null })
    expect((await ticketRow(ticket.id)).assignedTo).toBe(database.id)
  })

  it('finishes quietly when the ticket was deleted before it ran', async () => {
    const ticket = await createTicket(ctx, user)
    await call(ctx, networking, 'DELETE', `/api/tickets/${ticket.id}`)
    expect(await runAttempt(scriptedTriage(vpnAnalysis), ticket.id, randomUUID(), 0)).toEqual({
      outcome: 'ticket deleted',
    })
  })

  it('knows its last attempt', () => {
    expect(isLastAttempt({ retryCount: 0, retryLimit: 0 })).toBe(true)
    expect(isLastAttempt({ retryCount: 4, retryLimit: 5 })).toBe(false)
    expect(isLastAttempt({ retryCount: 5, retryLimit: 5 })).toBe(true)
  })
})

describe('ticket workflow with an in-process analyser (one transaction)', () => {
  const inProcess = (...answers: (TicketAnalysis | Error)[]) =>
    Object.assign(scriptedTriage(...answers), { inProcess: true })
  /** The steps recorded for a job, by name. */
  const stepsOf = async (jobId: string) => {
    const result = (await ctx.database.db.execute(
      sql`SELECT step FROM ${workflowSteps} WHERE job_id = ${jobId} ORDER BY step`,
    )) as unknown as { rows: { step: string }[] }
    return result.rows.map((r) => r.step)
  }

  it('does every step, records each, and commits them at once: the ticket goes from queued to done', async () => {
    const ticket = await createTicket(ctx, user, { title: 'VPN down again' })
    expect((await ticketRow(ticket.id)).processingStatus).toBe('queued')
    const jobId = randomUUID()
    const result = await runAttempt(inProcess(vpnAnalysis), ticket.id, jobId, 0)
    expect(result).toEqual({ outcome: 'done', assignedTo: networking.id })
    expect(await ticketRow(ticket.id)).toMatchObject({
      summary: vpnAnalysis.summary,
      priority: 'high',
      assignedTo: networking.id,
      processingStatus: 'done',
    })
    expect(await stepsOf(jobId)).toEqual([
      'ai-processing',
      'assign-moderator',
      'fetch-ticket',
      'finish',
      'send-email-notification',
      'update-ticket-status',
    ])
    expect(await count(sql`SELECT count(*) AS n FROM emails WHERE ticket_id = ${ticket.id}`)).toBe(1)
  })

  it('a failure anywhere rolls every step back; the retry does each exactly once', async () => {
    const ticket = await createTicket(ctx, user)
    const jobId = randomUUID()
    const triage = inProcess(vpnAnalysis)
    const flaky = notifierFailingOnce()
    await expect(runAttempt(triage, ticket.id, jobId, 0, 2, flaky)).rejects.toThrow('database hiccup')
    // Nothing of the failed attempt is left: no analysis, no assignment, no step records.
    expect(await ticketRow(ticket.id)).toMatchObject({
      summary: null,
      assignedTo: null,
      processingStatus: 'queued',
    })
    expect(await stepsOf(jobId)).toEqual([])
    await runAttempt(triage, ticket.id, jobId, 1, 2, flaky)
    // The analysis ran twice (in-process, nothing sent anywhere); everything it caused, once.
    expect(triage.calls).toBe(2)
    await expectProcessedOnce(ticket.id)
  })

  it('goes step by step on the last attempt: a failing email keeps the assignment and records the error', async () => {
    const ticket = await createTicket(ctx, user)
    const jobId = randomUUID()
    const broken: Notifier = {
      ...quietNotifier(),
      async ticketAssigned() {
        throw new Error('outbox unavailable')
      },
    }
    const result = await runAttempt(inProcess(vpnAnalysis), ticket.id, jobId, 2, 2, broken)
    // Email fails → assignment completes, the error is recorded, the workflow still ends done.
    expect(result).toEqual({ outcome: 'done', assignedTo: networking.id })
    expect(await ticketRow(ticket.id)).toMatchObject({
      summary: vpnAnalysis.summary,
      assignedTo: networking.id,
    })
    const [email] = (
      (await ctx.database.db.execute(
        sql`SELECT result FROM ${workflowSteps} WHERE job_id = ${jobId} AND step = 'send-email-notification'`,
      )) as unknown as { rows: { result: { error?: string } }[] }
    ).rows
    expect(email?.result.error).toBe('outbox unavailable')
  })

  it('degrades a refusal at once and still assigns', async () => {
    const ticket = await createTicket(ctx, user)
    const result = await runAttempt(inProcess(new TriageError('refused', false)), ticket.id, randomUUID(), 0)
    expect(result).toMatchObject({ outcome: 'failed' })
    expect(await ticketRow(ticket.id)).toMatchObject({
      summary: null,
      priority: 'medium',
      processingStatus: 'failed',
    })
    expect((await ticketRow(ticket.id)).assignedTo).not.toBeNull()
  })
})

describe('typed job payloads and step records', () => {
  it('a payload that does not match its queue schema throws at enqueue, and the transaction commits nothing', async () => {
    const name = `Payload check ${randomUUID()}`
    const attempt = ctx.database.db.transaction(async (tx) => {
      await tx.insert(skills).values({ name })
      await ctx.queue.enqueue(tx, 'ticket-workflow', { ticketId: 'not-a-uuid' })
    })
    await expect(attempt).rejects.toThrow(/job payload for ticket-workflow: \/ticketId/)
    expect(await count(sql`SELECT count(*) AS n FROM ${skills} WHERE name = ${name}`)).toBe(0)
    expect(
      await count(sql`SELECT count(*) AS n FROM pgboss.job WHERE data->>'ticketId' = 'not-a-uuid'`),
    ).toBe(0)
    const extra = ctx.database.db.transaction((tx) =>
      ctx.queue.enqueue(tx, 'email-delivery', { emailId: randomUUID(), to: 'x' } as { emailId: string }),
    )
    await expect(extra).rejects.toThrow(/job payload for email-delivery/)
  })

  it('a stored step result of the wrong shape fails the retry clearly instead of being used', async () => {
    const ticket = await createTicket(ctx, user)
    const jobId = randomUUID()
    // As if an earlier attempt had stored this (or someone edited the row).
    await ctx.database.db
      .insert(workflowSteps)
      .values({ jobId, step: 'fetch-ticket', ticketId: ticket.id, result: { title: 42 } })
    const triage = scriptedTriage(vpnAnalysis)
    await expect(runAttempt(triage, ticket.id, jobId, 1)).rejects.toThrow(
      /step record fetch-ticket of job .* is unusable/,
    )
    expect(triage.calls).toBe(0)
  })

  it('a well-formed stored result is used as it is', async () => {
    const ticket = await createTicket(ctx, user)
    const jobId = randomUUID()
    await ctx.database.db.insert(workflowSteps).values([
      { jobId, step: 'fetch-ticket', ticketId: ticket.id, result: { title: 'T', description: 'D' } },
      { jobId, step: 'update-ticket-status', ticketId: ticket.id, result: null },
      { jobId, step: 'ai-processing', ticketId: ticket.id, result: { ok: false, error: 'earlier failure' } },
    ])
    const triage = scriptedTriage(vpnAnalysis)
    expect(await runAttempt(triage, ticket.id, jobId, 1)).toMatchObject({ outcome: 'failed' })
    expect(triage.calls).toBe(0)
  })
})
