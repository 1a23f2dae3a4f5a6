// Similar tickets: GET /api/tickets/:id/similar (staff) with similarity and resolution, and
// GET /api/tickets/own-similar (the new-ticket form's "you filed something similar" warning).
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { keepList, keptList } from '../src/modules/similar/similar.repository.js'
import { LIST_SIZE, SHOWN_FROM } from '../src/modules/similar/similar.service.js'
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

interface Similar {
  id: string
  number: number
  title: string
  similarity: number
  resolution: string | null
  merged_into: string | null
}

beforeAll(async () => {
  ctx = await createTestContext()
  alice = await signedInUser(ctx, 'user')
  bob = await signedInUser(ctx, 'user')
  moderator = await signedInUser(ctx, 'moderator')
})
afterAll(() => ctx.close())

const file = async (who: TestUser, title: string, description: string) =>
  (await createTicket(ctx, who, { title, description })) as unknown as { id: string; number: number }

async function similar(id: string, query = '') {
  const { status, body } = await call(ctx, moderator, 'GET', `/api/tickets/${id}/similar${query}`)
  return { status, body, items: (Array.isArray(body.data) ? body.data : []) as unknown as Similar[] }
}

const patch = (id: string, payload: object) => call(ctx, moderator, 'PATCH', `/api/tickets/${id}`, payload)

async function resolve(id: string, replies: { body: string; internal?: boolean }[]) {
  await patch(id, { status: 'in_progress' })
  for (const reply of replies) await call(ctx, moderator, 'POST', `/api/tickets/${id}/comments`, reply)
  await patch(id, { status: 'resolved' })
}

describe('GET /api/tickets/:id/similar', () => {
  it('lists the most similar other tickets first, with similarity 0–1 and the resolution', async () => {
    const vpn = await file(
      alice,
      'GlobalProtect VPN drops every ten minutes',
      'Working from home the GlobalProtect VPN disconnects every ten minutes and I must reconnect.',
    )
    const same = await file(
      bob,
      'VPN keeps disconnecting at home',
      'My GlobalProtect VPN connection drops roughly every ten minutes when I work from home.',
    )
    await file(bob, 'Printer on floor 2 jams', 'The printer near the kitchen jams on every print job.')
    await file(bob, 'Invoice shows wrong VAT', 'Dutch customers get invoices with the wrong VAT rate.')
    await resolve(same.id, [
      { body: 'Checking the gateway logs' },
      { body: 'Internal: gateway idle timeout was 600 s', internal: true },
      { body: 'We raised the idle timeout on the VPN gateway; it stays connected now.' },
    ])
    // Written after the ticket was resolved: not how it was resolved.
    await call(ctx, moderator, 'POST', `/api/tickets/${same.id}/comments`, { body: 'Closing note later' })

    const { status, body, items } = await similar(vpn.id)
    expect(status).toBe(200)
    expect(body.message).toBe('Similar tickets retrieved successfully')
    expect(items[0]).toMatchObject({
      id: same.id,
      number: same.number,
      resolution: 'We raised the idle timeout on the VPN gateway; it stays connected now.',
      merged_into: null,
    })
    expect(items.map((t) => t.id)).not.toContain(vpn.id)
    for (const item of items) {
      expect(item.similarity).toBeGreaterThanOrEqual(0)
      expect(item.similarity).toBeLessThanOrEqual(1)
    }
    expect(items[0]?.similarity).toBeGreaterThan(0.3)
    // Sorted best first.
    expect([...items].sort((a, b) => b.similarity - a.similarity)).toEqual(items)

    // The other way round: an unresolved ticket has no resolution.
    const back = await similar(same.id)
    expect(back.items[0]).toMatchObject({ id: vpn.id, resolution: null })
  })

  it('takes limit (default 5, at most 20) and leaves merged tickets out', async () => {
    const ids: string[] = []
    for (let i = 0; i < 8; i++) {
      const t = await file(
        alice,
        `Outlook calendar sync fails ${i}`,
        `Outlook calendar does not sync on laptop ${i}.`,
      )
      ids.push(t.id)
    }
    const first = ids[0] ?? ''
    expect((await similar(first)).items).toHaveLength(5)
    expect((await similar(first, '?limit=2')).items).toHaveLength(2)
    expect((await similar(first, '?limit=20')).items.length).toBe(7)
    for (const limit of ['0', '21', 'x']) {
      const { status, body } = await similar(first, `?limit=${limit}`)
      expect(status).toBe(400)
      expect(body.error).toContain('limit')
    }
    const merged = ids[1] ?? ''
    expect(
      (await call(ctx, moderator, 'POST', `/api/tickets/${merged}/merge`, { into: ids[2] })).status,
    ).toBe(200)
    expect((await similar(first, '?limit=20')).items.map((t) => t.id)).not.toContain(merged)
  })

  it('finds nothing for a ticket whose words no other ticket has', async () => {
    const lone = await file(alice, 'Zyxwv qwertzuiop', 'Plorfnax blimbrot quargle.')
    expect((await similar(lone.id)).items).toEqual([])
  })

  it('keeps each list: a similar ticket filed later joins it, and deleting one leaves it', async () => {
    const first = await file(
      alice,
      'Hangar turnstile badge reader beeps red',
      'The hangar turnstile badge reader beeps red and will not let anyone through the hangar gate.',
    )
    expect((await similar(first.id)).items).toEqual([])
    const keptAt = async () =>
      (
        (await ctx.database.db.execute(
          sql`SELECT created_at::text AS at FROM ticket_similar_lists WHERE ticket_id = ${first.id}`,
        )) as unknown as { rows: { at: string }[] }
      ).rows[0]?.at
    const computed = await keptAt()
    expect(computed).toBeDefined()

    const later = await file(
      bob,
      'Hangar turnstile badge reader stays red',
      'Our hangar turnstile badge reader stays red, nobody gets through the hangar gate this morning.',
    )
    expect((await similar(later.id)).items.map((t) => t.id)).toEqual([first.id])
    // The earlier ticket's list gained the later one without being computed again.
    expect((await similar(first.id)).items.map((t) => t.id)).toEqual([later.id])
    expect(await keptAt()).toBe(computed)

    expect((await call(ctx, moderator, 'DELETE', `/api/tickets/${later.id}`)).status).toBe(200)
    expect((await similar(first.id)).items).toEqual([])
  })

  it('keeps an entry a similar ticket added before the list was computed (analysed at once)', async () => {
    const a = await file(alice, 'Kelvinator cold room alarm', 'The kelvinator cold room alarm sounds.')
    const b = await file(bob, 'Kelvinator cold room alarm again', 'Kelvinator cold room alarm sounds again.')
    // b's analysis found a, whose own analysis, running at the same moment, did not see b yet.
    await keepList(ctx.database.db, b.id, [{ ticketId: a.id, similarity: 0.7 }], LIST_SIZE)
    await keepList(ctx.database.db, a.id, [], LIST_SIZE)
    expect(await keptList(ctx.database.db, a.id, 5)).toEqual([{ ticketId: b.id, similarity: 0.7 }])
    expect(await keptList(ctx.database.db, b.id, 5)).toEqual([{ ticketId: a.id, similarity: 0.7 }])
  })

  it('leaves out tickets that share only a stray word (below SHOWN_FROM)', async () => {
    const vpn = await file(
      alice,
      'Corporate tunnel disconnects from the hotel',
      'Since ten minutes the corporate tunnel disconnects again and again from the hotel wifi.',
    )
    const outage = await file(
      bob,
      'Warehouse scanner battery swollen',
      'The handheld scanner battery in the warehouse swelled up within minutes.',
    )
    const { items } = await similar(vpn.id, '?limit=20')
    expect(items.map((t) => t.id)).not.toContain(outage.id)
    expect(items.every((t) => t.similarity >= SHOWN_FROM)).toBe(true)
  })

  it('is for staff: 403 for a requester (even on their own ticket), 404 for an unknown ticket', async () => {
    const own = await file(
      alice,
      'Monitor flickers on dock',
      'The external monitor flickers on the docking station.',
    )
    const denied = await call(ctx, alice, 'GET', `/api/tickets/${own.id}/similar`)
    expect(denied.status).toBe(403)
    expect(denied.body.message).toBe('Only moderators and admins can view similar tickets')
    expect((await similar('00000000-0000-4000-8000-000000000000')).status).toBe(404)
    expect((await similar('nope')).status).toBe(404)
  })
})

describe('GET /api/tickets/own-similar', () => {
  const own = (who: TestUser, title: string, description = '') =>
    call(
      ctx,
      who,
      'GET',
      `/api/tickets/own-similar?title=${encodeURIComponent(title)}&description=${encodeURIComponent(description)}`,
    )

  it("finds the caller's own open ticket that looks the same, and nobody else's", async () => {
    const mine = await file(
      alice,
      'Badge does not open the parking garage',
      'My access badge stopped working at the parking garage gate.',
    )
    await file(bob, 'Scanner on floor 3 broken', 'Scanning to email on the third floor copier fails.')
    const { status, body } = await own(
      alice,
      'Parking garage badge not working',
      'The garage gate ignores my badge',
    )
    expect(status).toBe(200)
    const items = body.data as unknown as Similar[]
    expect(items.map((t) => t.id)).toEqual([mine.id])
    expect(items[0]?.number).toBe(mine.number)
    // Bob has filed no such ticket: he is warned of nothing, and never sees Alice's.
    expect(
      (await own(bob, 'Parking garage badge not working', 'The garage gate ignores my badge')).body.data,
    ).toEqual([])
    // Nothing alike: no warning.
    expect((await own(alice, 'Excel crashes with big workbook', 'Excel closes')).body.data).toEqual([])
  })

  it('ignores tickets that are no longer open', async () => {
    const done = await file(
      alice,
      'Headset Jabra not detected',
      'Windows no longer detects my Jabra USB headset.',
    )
    await patch(done.id, { status: 'cancelled' })
    expect((await own(alice, 'Jabra headset not detected', 'USB headset missing')).body.data).toEqual([])
  })

  it('needs a title', async () => {
    const { status, body } = await call(ctx, alice, 'GET', '/api/tickets/own-similar')
    expect(status).toBe(400)
    expect(body.error).toContain('title')
  })
})
