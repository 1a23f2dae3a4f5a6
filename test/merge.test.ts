// Merging duplicates: POST /api/tickets/:id/merge { into }. The duplicate is closed with merged_into,
// its comments and files move to the target, its requester follows the target and is emailed,
// both histories say so, and the counts stay exact.
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { storeAttachments } from '../src/modules/tickets/attachment.service.js'
import {
  call,
  createTestContext,
  createTicket,
  signedInUser,
  type TestContext,
  type TestUser,
} from './helpers/app.js'

let ctx: TestContext
let alice: TestUser
let bob: TestUser
let moderator: TestUser
let admin: TestUser

beforeAll(async () => {
  ctx = await createTestContext()
  alice = await signedInUser(ctx, 'user')
  bob = await signedInUser(ctx, 'user')
  moderator = await signedInUser(ctx, 'moderator')
  admin = await signedInUser(ctx, 'admin')
})
afterAll(() => ctx.close())

interface Ticket {
  id: string
  number: number
  status: string
  merged_into: string | null
}

async function ticket(
  who: TestUser,
  title = 'Printer on floor 2 jams',
  description = 'Every print job jams.',
) {
  return (await createTicket(ctx, who, { title, description })) as unknown as Ticket
}

const merge = (who: TestUser, id: string, into: unknown) =>
  call(ctx, who, 'POST', `/api/tickets/${id}/merge`, { into })

const get = async (who: TestUser, id: string) =>
  (await call(ctx, who, 'GET', `/api/tickets/${id}`)).body.data as unknown as Ticket & {
    participants: { id: string }[]
  }

async function history(id: string) {
  const { body } = await call(ctx, admin, 'GET', `/api/tickets/${id}/history?limit=100`)
  return body.data as unknown as {
    type: string
    from: string | null
    to: string | null
    details: Record<string, unknown>
  }[]
}

async function emailsFor(ticketId: string) {
  const { body } = await call(ctx, admin, 'GET', '/api/admin/emails?limit=100')
  return body.data.filter((e) => e.ticket_id === ticketId) as unknown as {
    to: string
    subject: string
    text: string
  }[]
}

/** ticket_counts' closed total beside a real count: they must agree. */
async function closedTotals() {
  const listed = await call(ctx, admin, 'GET', '/api/tickets/all?status=closed&limit=1')
  const result = await ctx.database.db.execute(
    sql`SELECT count(*)::int AS n FROM tickets WHERE status = 'closed'`,
  )
  const real = Number((result as unknown as { rows: { n: number }[] }).rows[0]?.n)
  return { listed: listed.body.meta?.total, real }
}

describe('merging a duplicate', () => {
  it('closes it with merged_into, moves its comments and files, and the requester follows the target', async () => {
    const target = await ticket(alice)
    const duplicate = await ticket(
      bob,
      'Printer jams again',
      'The printer near the kitchen jams on every job.',
    )
    await call(ctx, bob, 'POST', `/api/tickets/${duplicate.id}/comments`, { body: 'Also it beeps' })
    await call(ctx, moderator, 'POST', `/api/tickets/${duplicate.id}/comments`, {
      body: 'Looking',
      internal: true,
    })
    const [file] = await ctx.database.db.transaction((tx) =>
      storeAttachments(tx, { ticketId: duplicate.id, commentId: null, uploadedBy: bob.id }, [
        { filename: 'jam.txt', content: Buffer.from('paper jam log') },
      ]),
    )
    const before = await closedTotals()

    const { status, body } = await merge(moderator, duplicate.id, target.id)
    expect(status).toBe(200)
    expect(body.message).toBe('Ticket merged successfully')
    expect(body.data).toMatchObject({ id: duplicate.id, status: 'closed', merged_into: target.id })

    // Every ticket response carries merged_into.
    expect((await get(alice, target.id)).merged_into).toBeNull()
    expect((await get(bob, duplicate.id)).merged_into).toBe(target.id)
    const listed = await call(ctx, admin, 'GET', '/api/tickets/all?limit=100')
    expect(listed.body.data.find((t) => t.id === duplicate.id)?.merged_into).toBe(target.id)

    // The target now holds the duplicate's words (dated when it was filed), its comments and its file.
    const thread = await call(ctx, moderator, 'GET', `/api/tickets/${target.id}/comments`)
    const bodies = thread.body.data.map((c) => c.body as string)
    expect(bodies[0]).toContain(`Merged from #${duplicate.number} "Printer jams again"`)
    expect(bodies[0]).toContain('The printer near the kitchen jams on every job.')
    expect(bodies).toContain('Also it beeps')
    expect(bodies).toContain('Looking')
    const described = thread.body.data[0] as unknown as {
      attachments: { id: string }[]
      author: { id: string }
    }
    expect(described.author.id).toBe(bob.id)
    expect(described.attachments.map((a) => a.id)).toEqual([file?.id])
    // Moved, not copied: the duplicate's thread is empty now.
    const left = await call(ctx, moderator, 'GET', `/api/tickets/${duplicate.id}/comments`)
    expect(left.body.meta?.total).toBe(0)
    // The internal note stays internal on the target: the target's requester does not see it.
    const aliceView = await call(ctx, alice, 'GET', `/api/tickets/${target.id}/comments`)
    expect(aliceView.body.data.map((c) => c.body)).not.toContain('Looking')

    // Bob follows the target: he sees it and its public conversation.
    expect((await get(alice, target.id)).participants.map((p) => p.id)).toEqual([bob.id])
    const bobView = await call(ctx, bob, 'GET', `/api/tickets/${target.id}`)
    expect(bobView.status).toBe(200)
    const mine = await call(ctx, bob, 'GET', '/api/tickets?limit=100')
    expect(mine.body.data.map((t) => t.id)).toContain(target.id)

    // Bob is told where his ticket went, in the target's thread.
    const mails = await emailsFor(target.id)
    const told = mails.find((m) => m.to === bob.email)
    expect(told?.subject).toContain(`Merged into #${target.number}`)
    expect(told?.text).toContain(`#${duplicate.number}`)

    // History on both.
    const sourceHistory = await history(duplicate.id)
    expect(sourceHistory).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'merged', to: target.id }),
        expect.objectContaining({
          type: 'status_changed',
          from: 'todo',
          to: 'closed',
          details: { reason: 'merged' },
        }),
      ]),
    )
    const targetHistory = await history(target.id)
    const merged = targetHistory.find((e) => e.type === 'merged')
    expect(merged).toMatchObject({
      from: duplicate.id,
      details: {
        direction: 'from',
        ticket_number: duplicate.number,
        comments_moved: 2,
        attachments_moved: 1,
      },
    })

    // Counts stay exact: one more closed ticket, and the list total agrees with a real count.
    const after = await closedTotals()
    expect(after.real).toBe(before.real + 1)
    expect(after.listed).toBe(after.real)
  })

  it('takes the target by number', async () => {
    const target = await ticket(alice)
    const duplicate = await ticket(alice)
    const { status, body } = await merge(admin, duplicate.id, target.number)
    expect(status).toBe(200)
    expect(body.data.merged_into).toBe(target.id)
    // Same requester on both: she is not added as a participant of her own ticket, but she is told.
    expect((await get(alice, target.id)).participants).toEqual([])
    expect((await emailsFor(target.id)).some((m) => m.to === alice.email)).toBe(true)
  })

  it('answers 409 for itself, an already merged ticket (either side) and a cycle', async () => {
    const a = await ticket(alice)
    const b = await ticket(alice)
    const c = await ticket(bob)
    const self = await merge(moderator, a.id, a.id)
    expect(self.status).toBe(409)
    expect(self.body).toMatchObject({ success: false, message: 'Cannot merge a ticket into itself' })
    expect((await merge(moderator, a.id, a.number)).status).toBe(409)

    expect((await merge(moderator, a.id, b.id)).status).toBe(200)
    const again = await merge(moderator, a.id, c.id)
    expect(again.status).toBe(409)
    expect(again.body.message).toBe('Ticket is already merged')
    expect(again.body.error).toContain(`#${b.number}`)

    const intoMerged = await merge(moderator, c.id, a.id)
    expect(intoMerged.status).toBe(409)
    expect(intoMerged.body.message).toBe('Cannot merge into a merged ticket')
    expect(intoMerged.body.error).toContain(`#${b.number}`)

    // b back into a would be a cycle (a is merged into b).
    const cycle = await merge(moderator, b.id, a.id)
    expect(cycle.status).toBe(409)
    expect((await get(moderator, b.id)).merged_into).toBeNull()
  })

  it('refuses a cycle even if data already holds a chain', async () => {
    const a = await ticket(alice)
    const b = await ticket(alice)
    // a chain written by hand (an import): b → a. Merging a into b would close the loop.
    await ctx.database.db.execute(sql`UPDATE tickets SET merged_into = ${a.id} WHERE id = ${b.id}`)
    const { status } = await merge(moderator, a.id, b.id)
    expect(status).toBe(409)
  })

  it('repoints tickets merged into the duplicate, so every merged ticket names a live one', async () => {
    const a = await ticket(alice)
    const b = await ticket(bob)
    const c = await ticket(alice)
    expect((await merge(moderator, a.id, b.id)).status).toBe(200)
    expect((await merge(moderator, b.id, c.id)).status).toBe(200)
    expect((await get(moderator, a.id)).merged_into).toBe(c.id)
    // a's requester (alice) is c's requester; b's requester (bob) follows c.
    expect((await get(moderator, c.id)).participants.map((p) => p.id)).toEqual([bob.id])
  })

  it('answers 404 for an unknown target or ticket, 400 for a bad body', async () => {
    const a = await ticket(alice)
    const unknown = await merge(moderator, a.id, '00000000-0000-4000-8000-000000000000')
    expect(unknown.status).toBe(404)
    expect(unknown.body.message).toBe('Target ticket not found')
    expect((await merge(moderator, a.id, 99_999_999)).status).toBe(404)
    const missing = await merge(moderator, '00000000-0000-4000-8000-000000000000', a.id)
    expect(missing.status).toBe(404)
    expect(missing.body.message).toBe('Ticket not found')
    expect((await merge(moderator, 'not-a-uuid', a.id)).status).toBe(404)
    for (const into of ['nope', -1, 0, null, 1.5]) {
      const bad = await merge(moderator, a.id, into)
      expect(bad.status).toBe(400)
      expect(bad.body.error).toContain('into')
    }
    const none = await call(ctx, moderator, 'POST', `/api/tickets/${a.id}/merge`, {})
    expect(none.status).toBe(400)
    expect((await get(moderator, a.id)).status).toBe('todo')
  })

  it('is for staff: a requester gets 403 and nothing changes', async () => {
    const a = await ticket(alice)
    const b = await ticket(alice)
    const { status, body } = await merge(alice, a.id, b.id)
    expect(status).toBe(403)
    expect(body.message).toBe('Only moderators and admins can merge tickets')
    expect((await get(alice, a.id)).merged_into).toBeNull()
  })

  it('refuses comments on the merged ticket, pointing at the target', async () => {
    const a = await ticket(alice)
    const b = await ticket(alice)
    await merge(moderator, a.id, b.id)
    const { status, body } = await call(ctx, alice, 'POST', `/api/tickets/${a.id}/comments`, {
      body: 'hello?',
    })
    expect(status).toBe(409)
    expect(body.error).toContain(`#${b.number}`)
  })

  it('two opposite merges of one pair at once: one wins, the other gets 409', async () => {
    const a = await ticket(alice)
    const b = await ticket(bob)
    const results = await Promise.all([merge(moderator, a.id, b.id), merge(admin, b.id, a.id)])
    expect(results.map((r) => r.status).sort()).toEqual([200, 409])
    const [ta, tb] = [await get(admin, a.id), await get(admin, b.id)]
    expect([ta.merged_into, tb.merged_into].filter((x) => x !== null)).toHaveLength(1)
  })
})
