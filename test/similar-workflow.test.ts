// The smarter workflow: analysis adds "Similar resolved: #N — <resolution>" to the helpful notes
// when a close resolved match exists, and assignment gives the moderator who resolved it a bounded
// bonus, shown in the assignment's score breakdown.
import { randomUUID } from 'node:crypto'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ticketWorkflow } from '../src/jobs/ticket-workflow.js'
import { RESOLVER_BONUS } from '../src/modules/assignment/assignment.repository.js'
import { createNotifier } from '../src/modules/notifications/notifier.js'
import { keptList } from '../src/modules/similar/similar.repository.js'
import { excerpt, withSimilarNote } from '../src/modules/triage/similar-note.js'
import type { TicketAnalysis, TriageProvider } from '../src/modules/triage/triage.types.js'
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
let admin: TestUser
let first: TestUser
let resolver: TestUser

const analysis: TicketAnalysis = {
  summary: 'VPN drops.',
  priority: 'medium',
  helpfulNotes: '1. Check the VPN gateway logs.',
  relatedSkills: ['Networking'],
}
const triage: TriageProvider = { name: 'local', inProcess: true, analyse: async () => analysis }

beforeAll(async () => {
  ctx = await createTestContext()
  user = await signedInUser(ctx, 'user')
  admin = await signedInUser(ctx, 'admin')
  first = await signedInUser(ctx, 'moderator')
  resolver = await signedInUser(ctx, 'moderator')
  await call(ctx, admin, 'POST', '/api/skills', { name: 'Networking' })
  for (const m of [first, resolver, admin])
    await call(ctx, admin, 'PUT', `/api/users/${m.id}/skills`, {
      skills: [{ skill: 'Networking', proficiency: 3 }],
    })
})
afterAll(() => ctx.close())

const run = (ticketId: string) =>
  ticketWorkflow.handle(
    {
      db: ctx.database.db,
      triage,
      notifier: createNotifier({ queue: ctx.queue, appUrl: 'http://helpdesk.test', smtpEnabled: false }),
    },
    { id: randomUUID(), payload: { ticketId }, retryCount: 0, retryLimit: 2 },
  )

async function ticket(id: string) {
  return (await call(ctx, admin, 'GET', `/api/tickets/${id}`)).body.data as unknown as {
    helpful_notes: string | null
    assigned_to: string | null
    number: number
  }
}

async function assignedEvent(id: string) {
  const { body } = await call(ctx, admin, 'GET', `/api/tickets/${id}/history`)
  return body.data.find((e) => e.type === 'assigned') as unknown as { details: Record<string, unknown> }
}

describe('the workflow and similar resolved tickets', () => {
  it('adds the closest resolution to the notes and favours its resolver, within the bonus', async () => {
    const old = (await createTicket(ctx, user, {
      title: 'GlobalProtect VPN disconnects every ten minutes',
      description: 'From home the GlobalProtect VPN drops every ten minutes and needs a reconnect.',
    })) as unknown as { id: string; number: number }
    // The resolver took it, replied with the fix, and resolved it: they were assigned last.
    await call(ctx, admin, 'PATCH', `/api/tickets/${old.id}`, {
      assigned_to: resolver.id,
      status: 'in_progress',
    })
    await call(ctx, resolver, 'POST', `/api/tickets/${old.id}/comments`, {
      body: 'Raised the idle timeout on the VPN gateway to 8 hours; the tunnel no longer drops.',
    })
    await call(ctx, resolver, 'PATCH', `/api/tickets/${old.id}`, { status: 'resolved' })

    const fresh = await createTicket(ctx, user, {
      title: 'VPN keeps disconnecting when working from home',
      description: 'My GlobalProtect VPN connection drops about every ten minutes at home.',
    })
    await run(fresh.id)
    const after = await ticket(fresh.id)
    expect(after.helpful_notes).toBe(
      `Similar resolved: #${old.number} — Raised the idle timeout on the VPN gateway to 8 hours; the tunnel no longer drops.\n\n1. Check the VPN gateway logs.`,
    )
    // Equal skills and workloads: without the bonus the moderator never assigned before wins
    // (least recently assigned); the resolver's bonus tips it.
    expect(after.assigned_to).toBe(resolver.id)
    const { details } = await assignedEvent(fresh.id)
    expect(details.resolver_bonus).toBeGreaterThan(0)
    expect(details.resolver_bonus).toBeLessThanOrEqual(RESOLVER_BONUS)
    expect(details.similar_ticket).toMatchObject({ number: old.number })
    expect(details.score).toBeCloseTo(Number(details.relevance) + Number(details.resolver_bonus), 3)

    // The analysis kept the new ticket's similar-ticket list, and added it to the old ticket's
    // entries (whose own list is computed when first asked for).
    expect((await keptList(ctx.database.db, fresh.id, 5))?.map((m) => m.ticketId)).toContain(old.id)
    const entries = (await ctx.database.db.execute(
      sql`SELECT similar_id FROM ticket_similar WHERE ticket_id = ${old.id}`,
    )) as unknown as { rows: { similar_id: string }[] }
    expect(entries.rows.map((r) => r.similar_id)).toEqual([fresh.id])
  })

  it('leaves a ticket with no close resolved match as it was: no note, no bonus', async () => {
    const other = await createTicket(ctx, user, {
      title: 'Payroll export times out',
      description: 'Exporting the monthly payroll report to CSV ends in a gateway timeout.',
    })
    await run(other.id)
    expect((await ticket(other.id)).helpful_notes).toBe('1. Check the VPN gateway logs.')
    const { details } = await assignedEvent(other.id)
    expect(details.resolver_bonus).toBeUndefined()
  })
})

describe('the similar note', () => {
  it('keeps the notes within 2000 characters and the excerpt on one line', () => {
    const long = withSimilarNote(
      { ...analysis, helpfulNotes: 'x'.repeat(1990) },
      { number: 7, resolution: 'Fixed' },
    )
    expect(long.helpfulNotes.length).toBeLessThanOrEqual(2000)
    expect(long.helpfulNotes.startsWith('Similar resolved: #7 — Fixed')).toBe(true)
    expect(excerpt('a\nb   c')).toBe('a b c')
    const cut = excerpt(`${'word '.repeat(100)}`, 40)
    expect(cut.length).toBeLessThanOrEqual(40)
    expect(cut.endsWith('…')).toBe(true)
  })
})
