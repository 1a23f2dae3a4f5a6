// Full-text search: GET /api/tickets/search (api-contract.md, "Search"): syntax, prefix, number
// lookup, what is searched, who finds what, highlight escaping, typo fallback, filters, pages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { applySearchLanguage } from '../src/modules/search/search.language.js'
import { parseSearchQuery } from '../src/modules/search/search.query.js'
import { call, createTestContext, signedInUser, type TestContext, type TestUser } from './helpers/app.js'
import { composeMail } from './helpers/mail.js'

const TOKEN = 'inbound-token-0123456789'

let ctx: TestContext
let alice: TestUser
let bob: TestUser
let moderator: TestUser
let admin: TestUser

beforeAll(async () => {
  ctx = await createTestContext({ INBOUND_TOKEN: TOKEN, INBOUND_ADDRESS: 'support@helpdesk.test' })
  alice = await signedInUser(ctx, 'user')
  bob = await signedInUser(ctx, 'user')
  moderator = await signedInUser(ctx, 'moderator')
  admin = await signedInUser(ctx, 'admin')
})
afterAll(() => ctx.close())

interface Hit {
  id: string
  number: number
  title: string
  highlight: { title: string; body: string }
}

async function file(who: TestUser, title: string, description: string) {
  const { status, body } = await call(ctx, who, 'POST', '/api/tickets', { title, description })
  expect(status).toBe(201)
  return body.data as unknown as { id: string; number: number }
}

async function search(who: TestUser, params: Record<string, string | number>) {
  const query = new URLSearchParams(
    Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]),
  ).toString()
  const { status, body } = await call(ctx, who, 'GET', `/api/tickets/search?${query}`)
  return {
    status,
    body,
    hits: (body.data ?? []) as unknown as Hit[],
    meta: body.meta as Record<string, unknown>,
  }
}

const ids = (hits: Hit[]) => hits.map((h) => h.id)

describe('query syntax (parser)', () => {
  it('reads words, phrases, exclusions, or, and marks only the last word as a prefix', () => {
    const parsed = parseSearchQuery('printer "paper jam" -toner paris or london lond')
    expect(parsed.clauses).toEqual([
      { negated: false, terms: [{ kind: 'word', text: 'printer', prefix: false }] },
      { negated: false, terms: [{ kind: 'phrase', text: 'paper jam' }] },
      { negated: true, terms: [{ kind: 'word', text: 'toner', prefix: false }] },
      {
        negated: false,
        terms: [
          { kind: 'word', text: 'paris', prefix: false },
          { kind: 'word', text: 'london', prefix: false },
        ],
      },
      { negated: false, terms: [{ kind: 'word', text: 'lond', prefix: true }] },
    ])
    expect(parseSearchQuery('#1042').number).toBe(1042)
    expect(parseSearchQuery(' 77 ').number).toBe(77)
    expect(parseSearchQuery('77 printers').number).toBeUndefined()
  })
})

describe('GET /api/tickets/search', () => {
  it('finds words anywhere in a ticket, phrases in order, and leaves out excluded words', async () => {
    const a = await file(
      alice,
      'Quokka printer jammed',
      'The quokka printer on floor three jams on every page.',
    )
    const b = await file(
      alice,
      'Quokka scanner broken',
      'Scanner shows paper jams after the update; quokka team.',
    )
    const both = await search(moderator, { q: 'quokka jams' })
    expect(both.status).toBe(200)
    expect(ids(both.hits).sort()).toEqual([a.id, b.id].sort())
    expect(both.meta.total).toBe(2)

    const phrase = await search(moderator, { q: '"quokka printer"' })
    expect(ids(phrase.hits)).toEqual([a.id])
    const reversed = await search(moderator, { q: '"printer quokka"' })
    expect(reversed.hits).toEqual([])

    const excluded = await search(moderator, { q: 'quokka -scanner' })
    expect(ids(excluded.hits)).toEqual([a.id])

    const either = await search(moderator, { q: 'quokka printer or scanner' })
    expect(ids(either.hits).sort()).toEqual([a.id, b.id].sort())
    const neither = await search(moderator, { q: 'quokka printer or keyboard' })
    expect(ids(neither.hits)).toEqual([a.id])
  })

  it('matches the last word as a prefix, so results follow typing', async () => {
    const t = await file(
      alice,
      'Wombatvision display flickers',
      'The wombatvision monitor flickers at night.',
    )
    expect(ids((await search(moderator, { q: 'wombatvis' })).hits)).toEqual([t.id])
    expect(ids((await search(moderator, { q: 'flickers wombatv' })).hits)).toEqual([t.id])
    // Only the last word: an earlier partial word does not match as typed (the typo fallback
    // then finds the word it is most like, and says so).
    expect((await search(moderator, { q: 'flickers wombatv' })).meta.fuzzy).toBeUndefined()
    expect((await search(moderator, { q: 'wombatv flickers' })).meta.fuzzy).toBe(true)
  })

  it('ranks title matches above description matches, then newest first', async () => {
    const inDescription = await file(
      alice,
      'Monitor stand wobbles',
      'The narwhal sticker on it peels off too.',
    )
    const inTitle = await file(alice, 'Narwhal logo missing', 'The logo on the login page is gone.')
    const newerInDescription = await file(
      alice,
      'Keyboard stand wobbles',
      'Another narwhal sticker came off.',
    )
    const { hits } = await search(moderator, { q: 'narwhal' })
    expect(ids(hits)).toEqual([inTitle.id, newerInDescription.id, inDescription.id])
  })

  it('puts the ticket with a number first for #N and N', async () => {
    const target = await file(alice, 'Number lookup target', 'A ticket people quote by its number.')
    const mention = await file(alice, 'Mentions another', `See also ticket ${target.number} for context.`)
    for (const q of [`#${target.number}`, String(target.number)]) {
      const { hits, meta } = await search(moderator, { q })
      expect(hits[0]?.id).toBe(target.id)
      expect(ids(hits)).toContain(mention.id)
      expect(meta.total).toBe(hits.length)
    }
    // A requester who may not see it does not get it.
    const asBob = await search(bob, { q: `#${target.number}` })
    expect(ids(asBob.hits)).not.toContain(target.id)
  })

  it('searches comments, internal notes for staff only, email subjects and attachment names', async () => {
    const t = await file(alice, 'Laptop will not charge', 'The charger light stays off.')
    await call(ctx, alice, 'POST', `/api/tickets/${t.id}/comments`, { body: 'Tried the axolotl adapter too' })
    await call(ctx, moderator, 'POST', `/api/tickets/${t.id}/comments`, {
      body: 'Vendor contract says platypus warranty',
      internal: true,
    })
    expect(ids((await search(moderator, { q: 'axolotl' })).hits)).toEqual([t.id])
    expect(ids((await search(alice, { q: 'axolotl' })).hits)).toEqual([t.id])
    expect(ids((await search(moderator, { q: 'platypus' })).hits)).toEqual([t.id])
    // The requester never finds their ticket by the words of an internal note.
    const hidden = await search(alice, { q: 'platypus' })
    expect(hidden.hits).toEqual([])
    expect(hidden.meta.total).toBe(0)
    // A public reply after the note is still searchable by the requester.
    await call(ctx, moderator, 'POST', `/api/tickets/${t.id}/comments`, { body: 'Ordered a capybara cable' })
    expect(ids((await search(alice, { q: 'capybara' })).hits)).toEqual([t.id])
    expect((await search(alice, { q: 'platypus' })).hits).toEqual([])

    const boundary = '----search-test'
    const payload = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="flamingo_report-2024.txt"\r\nContent-Type: text/plain\r\n\r\n`,
      ),
      Buffer.from('battery log\n'),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ])
    const uploaded = await ctx.app.inject({
      method: 'POST',
      url: `/api/tickets/${t.id}/attachments`,
      headers: { cookie: alice.cookie, 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload,
    })
    expect(uploaded.statusCode).toBe(201)
    expect(ids((await search(moderator, { q: 'flamingo' })).hits)).toEqual([t.id])
    expect(ids((await search(alice, { q: 'flamingo_report-2024.txt' })).hits)).toEqual([t.id])

    const raw = await composeMail({
      from: alice.email,
      subject: 'Pelican keyboard stuck',
      text: 'Keys stick.',
    })
    const delivered = await ctx.app.inject({
      method: 'POST',
      url: '/api/inbound/email',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'message/rfc822' },
      payload: raw,
    })
    expect(delivered.statusCode).toBe(202)
    const emailed = JSON.parse(delivered.body).data as { ticket_id: string }
    const reply = await composeMail({
      from: alice.email,
      subject: `Re: [#${(await call(ctx, admin, 'GET', `/api/tickets/${emailed.ticket_id}`)).body.data.number}] stingray update`,
      text: 'Still stuck.',
    })
    const replied = await ctx.app.inject({
      method: 'POST',
      url: '/api/inbound/email',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'message/rfc822' },
      payload: reply,
    })
    expect(JSON.parse(replied.body).data.outcome).toBe('comment_added')
    expect(ids((await search(moderator, { q: 'stingray' })).hits)).toEqual([emailed.ticket_id])
  })

  it("never shows a requester another user's ticket; staff find all", async () => {
    const own = await file(alice, 'Meerkat badge reader', 'The meerkat badge reader beeps twice.')
    const other = await file(bob, 'Meerkat door stuck', 'The meerkat door will not open.')
    expect(ids((await search(alice, { q: 'meerkat' })).hits)).toEqual([own.id])
    expect(ids((await search(bob, { q: 'meerkat' })).hits)).toEqual([other.id])
    const asBob = await search(bob, { q: 'badge reader' })
    expect(asBob.hits).toEqual([])
    expect(asBob.meta.total).toBe(0)
    expect(ids((await search(admin, { q: 'meerkat' })).hits).sort()).toEqual([own.id, other.id].sort())
  })

  it('lets a participant find the tickets they follow', async () => {
    const t = await file(alice, 'Pangolin projector', 'The pangolin projector needs a new lamp.')
    expect((await search(bob, { q: 'pangolin' })).hits).toEqual([])
    await ctx.database.executeSql('INSERT INTO ticket_participants (ticket_id, user_id) VALUES ($1, $2)', [
      t.id,
      bob.id,
    ])
    expect(ids((await search(bob, { q: 'pangolin' })).hits)).toEqual([t.id])
  })

  it('escapes everything in highlights except the <mark> it adds', async () => {
    const t = await file(
      alice,
      'Ocelot <script>alert(1)</script> & "quotes"',
      `The ocelot page shows <img src=x onerror=alert(1)> & 'single' quotes.`,
    )
    const { hits } = await search(moderator, { q: 'ocelot' })
    const hit = hits.find((h) => h.id === t.id)
    expect(hit?.highlight.title).toBe(
      '<mark>Ocelot</mark> &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;',
    )
    expect(hit?.highlight.body).toContain('<mark>ocelot</mark>')
    expect(hit?.highlight.body).toContain('&lt;img src=x onerror=alert(1)&gt; &amp; &#39;single&#39;')
    const markup = `${hit?.highlight.title}${hit?.highlight.body}`.replace(/<\/?mark>/g, '')
    expect(markup).not.toMatch(/[<>]/)
    // The raw ticket fields stay as they were written.
    expect(hit?.title).toBe('Ocelot <script>alert(1)</script> & "quotes"')
  })

  it('highlights the comment that matched when the description does not', async () => {
    const t = await file(alice, 'Desk phone silent', 'The desk phone does not ring.')
    await call(ctx, alice, 'POST', `/api/tickets/${t.id}/comments`, { body: 'The iguana ringtone is off' })
    const { hits } = await search(alice, { q: 'iguana' })
    expect(hits[0]?.highlight.body).toContain('<mark>iguana</mark>')
  })

  it('falls back to similar words when a typo finds nothing, and says so', async () => {
    const t = await file(alice, 'Chinchilla router offline', 'The chinchilla router drops every hour.')
    const exact = await search(moderator, { q: 'chinchilla' })
    expect(exact.meta.fuzzy).toBeUndefined()
    const typo = await search(moderator, { q: 'chinchila routr' })
    expect(ids(typo.hits)).toEqual([t.id])
    expect(typo.meta.fuzzy).toBe(true)
    expect(typo.hits[0]?.highlight.title).toContain('<mark>Chinchilla</mark>')
    // A requester's typo is corrected only from words of tickets they may see.
    expect(ids((await search(alice, { q: 'chinchila' })).hits)).toEqual([t.id])
    const bobs = await search(bob, { q: 'chinchila' })
    expect(bobs.hits).toEqual([])
    expect(bobs.meta.fuzzy).toBeUndefined()
  })

  it('applies status, priority and assignee filters', async () => {
    const a = await file(alice, 'Tapir monitor one', 'First tapir monitor.')
    const b = await file(alice, 'Tapir monitor two', 'Second tapir monitor.')
    await call(ctx, admin, 'PATCH', `/api/tickets/${a.id}`, {
      status: 'in_progress',
      priority: 'high',
      assigned_to: moderator.id,
    })
    expect(ids((await search(moderator, { q: 'tapir', status: 'in_progress' })).hits)).toEqual([a.id])
    expect(ids((await search(moderator, { q: 'tapir', priority: 'high' })).hits)).toEqual([a.id])
    expect(ids((await search(moderator, { q: 'tapir', assigned_to: moderator.id })).hits)).toEqual([a.id])
    expect(ids((await search(moderator, { q: 'tapir', assigned_to: 'unassigned' })).hits)).toEqual([b.id])
    const none = await search(moderator, { q: 'tapir', status: 'closed' })
    expect(none.hits).toEqual([])
    expect(none.meta.total).toBe(0)
  })

  it('pages with an exact total', async () => {
    const filed: string[] = []
    for (let i = 0; i < 7; i += 1)
      filed.push((await file(alice, `Gecko lamp ${i + 1}`, 'A gecko lamp flickers.')).id)
    const first = await search(moderator, { q: 'gecko', limit: 3 })
    const second = await search(moderator, { q: 'gecko', limit: 3, page: 2 })
    const third = await search(moderator, { q: 'gecko', limit: 3, page: 3 })
    expect(first.meta).toMatchObject({ total: 7, page: 1, limit: 3 })
    expect(third.meta).toMatchObject({ total: 7, page: 3, limit: 3 })
    const all = [...ids(first.hits), ...ids(second.hits), ...ids(third.hits)]
    expect(all).toHaveLength(7)
    expect(new Set(all)).toEqual(new Set(filed))
    const past = await search(moderator, { q: 'gecko', limit: 3, page: 4 })
    expect(past.hits).toEqual([])
    expect(past.meta.total).toBe(7)
  })

  it('answers clear 400s for bad input and 401 without a session', async () => {
    expect((await search(moderator, { q: '' })).status).toBe(400)
    expect((await search(moderator, { q: 'x'.repeat(201) })).body.error).toBe(
      'q must be at most 200 characters long',
    )
    const onlyExcluded = await search(moderator, { q: '-printer' })
    expect(onlyExcluded.status).toBe(400)
    expect(onlyExcluded.body.error).toBe('q must contain a word to search for, not only excluded ones')
    expect((await search(moderator, { q: 'x', status: 'nope' })).status).toBe(400)
    expect((await search(moderator, { q: 'x', limit: 101 })).status).toBe(400)
    const missing = await call(ctx, moderator, 'GET', '/api/tickets/search')
    expect(missing.status).toBe(400)
    const anonymous = await call(ctx, null, 'GET', '/api/tickets/search?q=x')
    expect(anonymous.status).toBe(401)
    // Hostile syntax is just text.
    for (const q of ["'&|!:*()<->\\", '"unterminated', 'or', '-', '!!', 'a:* & b']) {
      const { status } = await search(moderator, { q })
      expect([200, 400]).toContain(status)
    }
  })

  it('is not read as a ticket id by GET /api/tickets/:id', async () => {
    const { status, body } = await call(ctx, moderator, 'GET', '/api/tickets/search?q=anything')
    expect(status).toBe(200)
    expect(body.message).toBe('Search results retrieved successfully')
  })
})

describe('SEARCH_LANGUAGE', () => {
  it('stems english words by default', async () => {
    const t = await file(alice, 'Ferrets jammed the shredders', 'Both shredders are jammed.')
    const { hits, meta } = await search(moderator, { q: 'ferret jam shredder' })
    expect(ids(hits)).toEqual([t.id])
    expect(meta.fuzzy).toBeUndefined()
  })

  it('rebuilds the documents without stemming for simple, and refuses an unknown language', async () => {
    const simple = await createTestContext({ SEARCH_LANGUAGE: 'simple' })
    try {
      const user = await signedInUser(simple, 'user')
      const { body } = await call(simple, user, 'POST', '/api/tickets', {
        title: 'Ferrets jammed the shredders',
        description: 'Both shredders are jammed.',
      })
      const find = async (q: string) => {
        const response = await call(simple, user, 'GET', `/api/tickets/search?q=${encodeURIComponent(q)}`)
        return {
          hits: response.body.data as unknown as Hit[],
          meta: response.body.meta as Record<string, unknown>,
        }
      }
      const exact = await find('ferrets jammed the')
      expect(ids(exact.hits)).toEqual([body.data.id])
      // "the" is a word like any other in simple (a stop word in english).
      expect(exact.meta.fuzzy).toBeUndefined()
      // english would find this directly (ferret = ferrets); simple only through the typo fallback.
      const stemmed = await find('ferret jam shredders')
      expect(stemmed.meta.fuzzy).toBe(true)
      const [row] = (await simple.database.executeSql('SELECT language FROM search_settings')).rows
      expect(row?.language).toBe('simple')
      await expect(applySearchLanguage(simple.database.db, 'klingon', { info: () => {} })).rejects.toThrow(
        /SEARCH_LANGUAGE klingon/,
      )
    } finally {
      await simple.close()
    }
  })
})
