// Reports: every figure checked against a brute-force computation in TypeScript over generated
// tickets (random creation, first response, resolution, due times, pauses, ratings, skills);
// CSV that parses back to the JSON; access and range validation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { foldReportSlots } from '../src/modules/reports/report.repository.js'
import { call, createTestContext, signedInUser, type TestContext, type TestUser } from './helpers/app.js'

let ctx: TestContext
let requester: TestUser
let admin: TestUser
const moderators: TestUser[] = []

const DAY = 86_400_000
const MIN = 60_000
const today = new Date(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`).getTime()
/** The report range: 70 days ago through 5 days ahead (due times in the future must not count). */
const FROM = new Date(today - 70 * DAY).toISOString().slice(0, 10)
const TO = new Date(today + 5 * DAY).toISOString().slice(0, 10)
const SKILLS = ['Networking', 'Billing', 'Hardware']

interface Generated {
  id: string
  priority: 'low' | 'medium' | 'high'
  createdAt: number
  assignedTo: string | null
  status: string
  firstRespondedAt: number | null
  firstResponseDueAt: number | null
  resolvedAt: number | null
  resolutionDueAt: number | null
  pausedSince: number | null
  skills: string[]
  rating: 'good' | 'bad' | null
  ratedAt: number | null
}

/** A seeded generator: the same tickets every run. */
function random(seed: number) {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const tickets: Generated[] = []
const rnd = random(12)

function generate(count: number): Generated[] {
  const made: Generated[] = []
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T
  // Whole minutes: the figures compare exactly after rounding to one decimal.
  const minutes = (max: number) => Math.floor(rnd() * max) * MIN
  for (let i = 0; i < count; i++) {
    // Created from 75 days ago (some before the range) to 1 day ago.
    const createdAt = today - 75 * DAY + minutes(74 * 24 * 60)
    const withSla = rnd() < 0.85
    const responded = rnd() < 0.75
    const firstResponseDueAt = withSla ? createdAt + minutes(3 * 24 * 60) + MIN : null
    const firstRespondedAt = responded ? createdAt + minutes(4 * 24 * 60) + MIN : null
    const resolved = responded && rnd() < 0.7
    const resolvedAt = resolved && firstRespondedAt !== null ? firstRespondedAt + minutes(6 * 24 * 60) : null
    const resolutionDueAt = withSla ? createdAt + minutes(8 * 24 * 60) + MIN : null
    const status = resolved
      ? pick(['resolved', 'closed'])
      : pick(['todo', 'in_progress', 'waiting_for_customer', 'cancelled'])
    const pausedSince =
      status === 'waiting_for_customer' || status === 'resolved' ? (resolvedAt ?? createdAt + MIN) : null
    const rated = status === 'closed' && rnd() < 0.6
    made.push({
      id: '',
      priority: 'medium',
      createdAt,
      assignedTo: rnd() < 0.15 ? null : (pick(moderators).id as string),
      status,
      firstRespondedAt,
      firstResponseDueAt,
      resolvedAt,
      resolutionDueAt,
      pausedSince,
      skills: SKILLS.filter(() => rnd() < 0.4),
      rating: rated ? pick(['good', 'bad'] as const) : null,
      ratedAt: rated && resolvedAt !== null ? resolvedAt + minutes(3 * 24 * 60) : null,
    })
  }
  return made
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())

beforeAll(async () => {
  ctx = await createTestContext()
  requester = await signedInUser(ctx, 'user')
  admin = await signedInUser(ctx, 'admin')
  for (let i = 0; i < 3; i++) moderators.push(await signedInUser(ctx, 'moderator'))
  for (const t of generate(400)) {
    const { rows } = await ctx.database.executeSql(
      `INSERT INTO tickets (title, description, created_by, assigned_to, status, created_at, updated_at,
         first_responded_at, first_response_due_at, resolved_at, resolution_due_at, sla_paused_since,
         related_skills, satisfaction_rating, satisfaction_rated_at)
       VALUES ('Generated ticket', 'Generated for the report test', $1, $2, $3, $4, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       RETURNING id`,
      [
        requester.id,
        t.assignedTo,
        t.status,
        iso(t.createdAt),
        iso(t.firstRespondedAt),
        iso(t.firstResponseDueAt),
        iso(t.resolvedAt),
        iso(t.resolutionDueAt),
        iso(t.pausedSince),
        t.skills,
        t.rating,
        iso(t.ratedAt),
      ],
    )
    tickets.push({ ...t, id: String(rows[0]?.id) })
  }
}, 120_000)
afterAll(() => ctx.close())

// --- The brute force: the README's definitions, written out plainly. ---

const rangeStart = Date.parse(`${FROM}T00:00:00Z`)
const rangeEnd = Date.parse(`${TO}T00:00:00Z`) + DAY
const inRange = (ms: number | null): ms is number => ms !== null && ms >= rangeStart && ms < rangeEnd

function bucketOf(ms: number, unit: 'day' | 'week') {
  const d = new Date(ms)
  d.setUTCHours(0, 0, 0, 0)
  if (unit === 'week') d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7))
  return d.toISOString().slice(0, 10)
}

/** PostgreSQL's percentile_cont: linear interpolation between the two nearest ranks. */
function percentile(values: number[], fraction: number): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  const position = fraction * (sorted.length - 1)
  const lower = Math.floor(position)
  const upper = Math.ceil(position)
  const low = sorted[lower] as number
  const high = sorted[upper] as number
  return Math.round((low + (high - low) * (position - lower)) * 10) / 10
}

/** A target's outcome and when it was decided; undefined while undecided. */
function outcome(
  due: number | null,
  done: number | null,
  t: Generated,
): { met: boolean; at: number } | undefined {
  if (due === null) return undefined
  if (done !== null && done <= due) return { met: true, at: done }
  if (done !== null) return { met: false, at: due }
  if (t.status === 'cancelled' || t.pausedSince !== null || due >= Date.now()) return undefined
  return { met: false, at: due }
}

interface Acc {
  created: number
  resolved: number
  fr: number[]
  res: number[]
  frMet: number
  frN: number
  resMet: number
  resN: number
  good: number
  bad: number
}
const acc = (): Acc => ({
  created: 0,
  resolved: 0,
  fr: [],
  res: [],
  frMet: 0,
  frN: 0,
  resMet: 0,
  resN: 0,
  good: 0,
  bad: 0,
})
const pct = (met: number, n: number) => (n === 0 ? null : Math.round((met / n) * 1000) / 10)

/** Figures per key, where `keys` says which group(s) a ticket's moment belongs to. */
function bruteForce(keys: (t: Generated, moment: number) => string[]) {
  const groups = new Map<string, Acc>()
  const at = (k: string) => {
    let a = groups.get(k)
    if (!a) {
      a = acc()
      groups.set(k, a)
    }
    return a
  }
  for (const t of tickets) {
    if (inRange(t.createdAt)) for (const k of keys(t, t.createdAt)) at(k).created++
    if (inRange(t.firstRespondedAt))
      for (const k of keys(t, t.firstRespondedAt)) at(k).fr.push((t.firstRespondedAt - t.createdAt) / MIN)
    if (inRange(t.resolvedAt))
      for (const k of keys(t, t.resolvedAt)) {
        at(k).resolved++
        at(k).res.push((t.resolvedAt - t.createdAt) / MIN)
      }
    const fr = outcome(t.firstResponseDueAt, t.firstRespondedAt, t)
    if (fr && inRange(fr.at) && (fr.met || fr.at < Date.now()))
      for (const k of keys(t, fr.at)) {
        at(k).frN++
        if (fr.met) at(k).frMet++
      }
    const res = outcome(t.resolutionDueAt, t.resolvedAt, t)
    if (res && inRange(res.at) && (res.met || res.at < Date.now()))
      for (const k of keys(t, res.at)) {
        at(k).resN++
        if (res.met) at(k).resMet++
      }
    if (inRange(t.ratedAt))
      for (const k of keys(t, t.ratedAt)) {
        if (t.rating === 'good') at(k).good++
        else at(k).bad++
      }
  }
  return groups
}

function expectedSummary(unit: 'day' | 'week') {
  const groups = bruteForce((_t, moment) => [bucketOf(moment, unit)])
  const periods: string[] = []
  for (
    let d = Date.parse(`${bucketOf(rangeStart, unit)}T00:00:00Z`);
    d < rangeEnd;
    d += unit === 'week' ? 7 * DAY : DAY
  )
    periods.push(new Date(d).toISOString().slice(0, 10))
  return periods.map((period) => {
    const a = groups.get(period) ?? acc()
    return {
      period,
      created: a.created,
      resolved: a.resolved,
      first_response: { median_minutes: percentile(a.fr, 0.5), p90_minutes: percentile(a.fr, 0.9) },
      resolution: { median_minutes: percentile(a.res, 0.5), p90_minutes: percentile(a.res, 0.9) },
      sla: { first_response_met_pct: pct(a.frMet, a.frN), resolution_met_pct: pct(a.resMet, a.resN) },
      satisfaction: { good: a.good, bad: a.bad },
    }
  })
}

/** Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF) into records. */
function parseCsv(text: string): string[][] {
  const records: string[][] = []
  let record: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (c === '"') quoted = false
      else field += c
    } else if (c === '"') quoted = true
    else if (c === ',') {
      record.push(field)
      field = ''
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field)
      records.push(record)
      record = []
      field = ''
      i++
    } else field += c
  }
  expect(field).toBe('')
  expect(record).toEqual([])
  return records
}

const get = (who: TestUser, url: string) => call(ctx, who, 'GET', url)

async function expectSummaryMatches() {
  const daily = await get(
    moderators[0] as TestUser,
    `/api/reports/summary?from=${FROM}&to=${TO}&group_by=day`,
  )
  expect(daily.status).toBe(200)
  const expected = expectedSummary('day')
  expect(daily.body.data).toHaveLength(76)
  expect(daily.body.data).toEqual(expected)
  // The generator exercised every figure.
  expect(
    expected.some((r) => r.sla.first_response_met_pct !== null && r.sla.first_response_met_pct < 100),
  ).toBe(true)
  expect(expected.reduce((n, r) => n + r.satisfaction.bad, 0)).toBeGreaterThan(0)

  const weekly = await get(admin, `/api/reports/summary?from=${FROM}&to=${TO}&group_by=week`)
  expect(weekly.body.data).toEqual(expectedSummary('week'))
}

async function expectModeratorsMatch() {
  const groups = bruteForce((t) => (t.assignedTo ? [t.assignedTo] : []))
  const { status, body } = await get(admin, `/api/reports/moderators?from=${FROM}&to=${TO}`)
  expect(status).toBe(200)
  for (const moderator of moderators) {
    const a = groups.get(moderator.id) ?? acc()
    expect(body.data.find((r) => (r.user as { id: string }).id === moderator.id)).toEqual({
      user: { id: moderator.id, name: null, email: moderator.email },
      assigned: a.created,
      resolved: a.resolved,
      first_response_median_minutes: percentile(a.fr, 0.5),
      sla_met_pct: pct(a.frMet + a.resMet, a.frN + a.resN),
      satisfaction: { good: a.good, bad: a.bad },
    })
  }
  // Every active moderator and admin is listed, even with nothing to show.
  expect(body.data.some((r) => (r.user as { id: string }).id === admin.id)).toBe(true)
  expect(body.data.some((r) => (r.user as { id: string }).id === requester.id)).toBe(false)
}

async function expectSkillsMatch() {
  const groups = bruteForce((t) => t.skills)
  const { status, body } = await get(admin, `/api/reports/skills?from=${FROM}&to=${TO}`)
  expect(status).toBe(200)
  expect(body.data.map((r) => r.skill).sort()).toEqual([...SKILLS].sort())
  for (const skill of SKILLS) {
    const a = groups.get(skill) ?? acc()
    expect(body.data.find((r) => r.skill === skill)).toEqual({
      skill,
      created: a.created,
      resolved: a.resolved,
      first_response_median_minutes: percentile(a.fr, 0.5),
      resolution_median_minutes: percentile(a.res, 0.5),
      sla_met_pct: pct(a.frMet + a.resMet, a.frN + a.resN),
      satisfaction: { good: a.good, bad: a.bad },
    })
  }
}

/** The generated tickets' report columns as one JSON document, for statements over many rows. */
const asJson = (list: Generated[]) =>
  JSON.stringify(
    list.map((t, n) => ({
      n,
      id: t.id || null,
      assigned_to: t.assignedTo,
      status: t.status,
      priority: t.priority,
      created_at: iso(t.createdAt),
      first_responded_at: iso(t.firstRespondedAt),
      first_response_due_at: iso(t.firstResponseDueAt),
      resolved_at: iso(t.resolvedAt),
      resolution_due_at: iso(t.resolutionDueAt),
      sla_paused_since: iso(t.pausedSince),
      related_skills: t.skills,
      satisfaction_rating: t.rating,
      satisfaction_rated_at: iso(t.ratedAt),
    })),
  )
const RECORD = `(n int, id uuid, assigned_to uuid, status text, priority text, created_at timestamptz,
  first_responded_at timestamptz, first_response_due_at timestamptz, resolved_at timestamptz,
  resolution_due_at timestamptz, sla_paused_since timestamptz, related_skills text[],
  satisfaction_rating text, satisfaction_rated_at timestamptz)`

/** Writes the tickets' changed columns back in ONE UPDATE statement, however many there are. */
async function writeBack(list: Generated[]) {
  await ctx.database.executeSql(
    `UPDATE tickets t SET assigned_to = v.assigned_to, status = v.status, priority = v.priority,
       first_responded_at = v.first_responded_at, first_response_due_at = v.first_response_due_at,
       resolved_at = v.resolved_at, resolution_due_at = v.resolution_due_at,
       sla_paused_since = v.sla_paused_since, related_skills = v.related_skills,
       satisfaction_rating = v.satisfaction_rating, satisfaction_rated_at = v.satisfaction_rated_at
     FROM jsonb_to_recordset($1::jsonb) AS v${RECORD} WHERE t.id = v.id`,
    [asJson(list)],
  )
}

/** report_daily (slots summed) equals the counters recomputed from the tickets now. */
async function expectRollupExact() {
  const { rows } = await ctx.database.executeSql(
    `WITH kept AS (
       SELECT dim, day, key, sum(created) c, sum(resolved) r, sum(first_response_met) fm,
              sum(first_response_missed) fx, sum(resolution_met) rm, sum(resolution_missed) rx,
              sum(good) g, sum(bad) b
       FROM report_daily GROUP BY 1, 2, 3
       HAVING sum(created) <> 0 OR sum(resolved) <> 0 OR sum(first_response_met) <> 0
         OR sum(first_response_missed) <> 0 OR sum(resolution_met) <> 0
         OR sum(resolution_missed) <> 0 OR sum(good) <> 0 OR sum(bad) <> 0),
     fresh AS (
       SELECT dim, day, key, created c, resolved r, first_response_met fm, first_response_missed fx,
              resolution_met rm, resolution_missed rx, good g, bad b
       FROM report_daily_of_tickets(1))
     SELECT count(*)::int AS n FROM ((TABLE kept EXCEPT TABLE fresh) UNION ALL (TABLE fresh EXCEPT TABLE kept)) d`,
  )
  expect(rows[0]?.n).toBe(0)
}

describe('reports', () => {
  it('summary by day and by week matches the brute force', expectSummaryMatches)

  it('per moderator matches the brute force', expectModeratorsMatch)

  it('per skill matches the brute force', expectSkillsMatch)

  it('stays exact after bulk and single-row updates, deletes and a bulk insert (the rollup)', async () => {
    const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T
    const some = (n: number) => Array.from({ length: n }, () => pick(tickets))
    const changed = new Set<Generated>()
    const change = (list: Generated[], edit: (t: Generated) => void) => {
      for (const t of list) {
        edit(t)
        changed.add(t)
      }
    }
    // Reassignments, to another moderator and to nobody.
    change(some(40), (t) => {
      t.assignedTo = rnd() < 0.3 ? null : (pick(moderators).id as string)
    })
    change(some(20), (t) => {
      t.priority = pick(['low', 'high'] as const)
    })
    // Cancelled: an open target is no longer a breach.
    change(some(20), (t) => {
      if (t.resolvedAt === null) t.status = 'cancelled'
    })
    // Paused and resumed clocks.
    change(some(20), (t) => {
      t.pausedSince = t.pausedSince === null ? t.createdAt + MIN : null
    })
    // Reopened: the resolution is cleared.
    change(some(20), (t) => {
      if (t.resolvedAt === null) return
      t.resolvedAt = null
      t.status = 'in_progress'
      t.rating = null
      t.ratedAt = null
    })
    // Answered and resolved now, some late.
    change(some(20), (t) => {
      t.firstRespondedAt ??= t.createdAt + 30 * MIN
      if (t.resolvedAt !== null) return
      t.resolvedAt = t.firstRespondedAt + Math.floor(rnd() * 9 * 24 * 60) * MIN
      t.status = 'closed'
    })
    // Rated, re-rated, or the rating removed.
    change(some(25), (t) => {
      if (t.status !== 'closed' || t.resolvedAt === null) return
      if (t.rating !== null && rnd() < 0.3) {
        t.rating = null
        t.ratedAt = null
      } else {
        t.rating = pick(['good', 'bad'] as const)
        t.ratedAt = t.resolvedAt + 60 * MIN
      }
    })
    change(some(20), (t) => {
      t.skills = SKILLS.filter(() => rnd() < 0.5)
    })
    const edited = [...changed]
    // Most in one statement, the rest one ticket per statement.
    await writeBack(edited.slice(10))
    for (const t of edited.slice(0, 10)) await writeBack([t])
    // A statement that changes nothing a report counts nets to zero.
    await ctx.database.executeSql('UPDATE tickets SET updated_at = updated_at')

    // Deletes: many in one statement, then one.
    const doomed = [...new Set(some(16))]
    await ctx.database.executeSql('DELETE FROM tickets WHERE id = ANY($1::uuid[])', [
      doomed.slice(1).map((t) => t.id),
    ])
    await ctx.database.executeSql('DELETE FROM tickets WHERE id = $1', [doomed[0]?.id])
    for (const t of doomed) tickets.splice(tickets.indexOf(t), 1)

    // A bulk insert: one statement, more rows than the bulk threshold (500).
    const added = generate(600)
    const { rows } = await ctx.database.executeSql(
      `INSERT INTO tickets (title, description, created_by, assigned_to, status, priority, created_at,
         updated_at, first_responded_at, first_response_due_at, resolved_at, resolution_due_at,
         sla_paused_since, related_skills, satisfaction_rating, satisfaction_rated_at)
       SELECT 'Bulk ticket ' || v.n, 'Inserted in one statement', $2, v.assigned_to, v.status, v.priority,
              v.created_at, v.created_at, v.first_responded_at, v.first_response_due_at, v.resolved_at,
              v.resolution_due_at, v.sla_paused_since, v.related_skills, v.satisfaction_rating,
              v.satisfaction_rated_at
       FROM jsonb_to_recordset($1::jsonb) AS v${RECORD}
       RETURNING id, title`,
      [asJson(added), requester.id],
    )
    expect(rows).toHaveLength(600)
    const ids = new Map(rows.map((r) => [String(r.title), String(r.id)]))
    added.forEach((t, n) => {
      t.id = ids.get(`Bulk ticket ${n}`) ?? ''
    })
    tickets.push(...added)

    await expectRollupExact()
    await expectSummaryMatches()
    await expectModeratorsMatch()
    await expectSkillsMatch()
  })

  it("housekeeping's fold leaves one row per day and key for days past, and every figure as it was", async () => {
    // Spread the counters over two more slots without changing their sums: +v in one, -v in the
    // other (the rows may already sit in several slots: the pool's connections write to their own).
    const counters = [
      'created',
      'resolved',
      'first_response_met',
      'first_response_missed',
      'resolution_met',
      'resolution_missed',
      'good',
      'bad',
    ]
    await ctx.database.executeSql(
      `INSERT INTO report_daily AS r (dim, day, key, slot, ${counters.join(', ')})
       SELECT dim, day, key, s.slot, ${counters.map((c) => `s.sign * sum(${c})`).join(', ')}
       FROM report_daily CROSS JOIN (VALUES (14, 1), (15, -1)) AS s(slot, sign)
       GROUP BY dim, day, key, s.slot, s.sign
       ON CONFLICT (dim, day, key, slot) DO UPDATE SET
         ${counters.map((c) => `${c} = r.${c} + EXCLUDED.${c}`).join(', ')}`,
    )
    const rowsOf = async (days: 'past' | 'recent') =>
      Number(
        (
          await ctx.database.executeSql(
            `SELECT count(*)::int AS n FROM report_daily
             WHERE ${days === 'past' ? '' : 'NOT'} (day < (now() AT TIME ZONE 'UTC')::date - 1)`,
          )
        ).rows[0]?.n,
      )
    const recent = await rowsOf('recent')
    expect(await rowsOf('past')).toBeGreaterThan(0)

    expect(await foldReportSlots(ctx.database.db)).toBeGreaterThan(0)

    const { rows } = await ctx.database.executeSql(
      `SELECT count(*)::int AS n FROM report_daily
       WHERE day < (now() AT TIME ZONE 'UTC')::date - 1 GROUP BY dim, day, key HAVING count(*) > 1 OR min(slot) <> 0`,
    )
    expect(rows).toEqual([])
    expect(await rowsOf('recent')).toBe(recent)
    expect(await foldReportSlots(ctx.database.db)).toBe(0)
    await expectRollupExact()
    await expectSummaryMatches()
    await expectModeratorsMatch()
    await expectSkillsMatch()
  })

  it('backlog counts tickets by status and priority now', async () => {
    const { body } = await get(admin, '/api/reports/backlog')
    const expected = new Map<string, number>()
    for (const t of tickets)
      expected.set(`${t.status}/${t.priority}`, (expected.get(`${t.status}/${t.priority}`) ?? 0) + 1)
    for (const [key, n] of expected)
      expect(body.data.find((r) => `${r.status}/${r.priority}` === key)?.count).toBe(n)
  })

  it('answers CSV that parses back to the JSON figures, with quoting', async () => {
    const json = await get(admin, `/api/reports/summary?from=${FROM}&to=${TO}&group_by=week`)
    const raw = await ctx.app.inject({
      method: 'GET',
      url: `/api/reports/summary?from=${FROM}&to=${TO}&group_by=week&format=csv`,
      headers: { cookie: admin.cookie },
    })
    expect(raw.statusCode).toBe(200)
    expect(raw.headers['content-type']).toBe('text/csv; charset=utf-8')
    expect(raw.headers['content-disposition']).toBe(`attachment; filename="summary-${FROM}-${TO}.csv"`)
    const [header, ...records] = parseCsv(raw.body)
    expect(header?.[0]).toBe('period')
    expect(records).toHaveLength(json.body.data.length)
    const first = json.body.data.find((r) => Number(r.created) > 0)
    const record = records.find((r) => r[0] === first?.period)
    expect(record?.slice(0, 3)).toEqual([
      String(first?.period),
      String(first?.created),
      String(first?.resolved),
    ])

    // A moderator's name with a comma, a quote and a formula start survives the round trip, inert.
    await ctx.database.executeSql(`UPDATE users SET name = $1 WHERE id = $2`, [
      '=Doe, "JD" Jane',
      moderators[0]?.id,
    ])
    const people = await ctx.app.inject({
      method: 'GET',
      url: `/api/reports/moderators?from=${FROM}&to=${TO}&format=csv`,
      headers: { cookie: admin.cookie },
    })
    const rows = parseCsv(people.body)
    expect(rows[0]).toEqual([
      'user_id',
      'name',
      'email',
      'assigned',
      'resolved',
      'first_response_median_minutes',
      'sla_met_pct',
      'satisfaction_good',
      'satisfaction_bad',
    ])
    expect(rows.find((r) => r[0] === moderators[0]?.id)?.[1]).toBe(`'=Doe, "JD" Jane`)
    for (const row of rows) expect(row).toHaveLength(9)
  })

  it('counts a ticket worked through the API: the clocks the SLA module keeps feed the report', async () => {
    const day = new Date().toISOString().slice(0, 10)
    const today = async () =>
      (await get(admin, `/api/reports/summary?from=${day}&to=${day}`)).body.data[0] as unknown as {
        created: number
        resolved: number
      }
    const before = await today()
    const fresh = await signedInUser(ctx, 'moderator')
    const { body } = await call(ctx, requester, 'POST', '/api/tickets', {
      title: 'Printer on floor 3 is offline',
      description: 'Nobody on floor 3 can print since this morning.',
    })
    const id = String(body.data.id)
    await call(ctx, admin, 'PATCH', `/api/tickets/${id}`, { assigned_to: fresh.id, status: 'in_progress' })
    await call(ctx, fresh, 'POST', `/api/tickets/${id}/comments`, {
      body: 'Restarting the print server now.',
    })
    await call(ctx, fresh, 'PATCH', `/api/tickets/${id}`, { status: 'resolved' })

    expect(await today()).toMatchObject({ created: before.created + 1, resolved: before.resolved + 1 })
    const { rows } = await ctx.database.executeSql(
      `SELECT extract(epoch FROM first_responded_at - created_at) / 60 AS minutes FROM tickets WHERE id = $1`,
      [id],
    )
    const people = await get(admin, `/api/reports/moderators?from=${day}&to=${day}`)
    expect(people.body.data.find((r) => (r.user as { id: string }).id === fresh.id)).toMatchObject({
      assigned: 1,
      resolved: 1,
      first_response_median_minutes: Math.round(Number(rows[0]?.minutes) * 10) / 10,
      sla_met_pct: 100,
    })
  })

  it('is for moderators and admins only', async () => {
    for (const path of ['summary', 'moderators', 'skills', 'backlog']) {
      const { status, body } = await get(requester, `/api/reports/${path}`)
      expect(status).toBe(403)
      expect(body.message).toBe('Only moderators and admins can view reports')
      expect((await call(ctx, null, 'GET', `/api/reports/${path}`)).status).toBe(401)
    }
  })

  it('validates the range: real ISO dates, from ≤ to, at most 366 days; defaults to the last 30 days', async () => {
    for (const query of [
      'from=2026-02-30&to=2026-03-10',
      'from=2026-13-01&to=2026-12-31',
      'from=yesterday',
      'from=2026-03-10&to=2026-03-01',
      'from=2024-01-01&to=2025-01-02',
      'group_by=month',
      'format=xml',
      'tz=Europe/Berlin',
    ]) {
      const { status, body } = await get(admin, `/api/reports/summary?${query}`)
      expect(status, query).toBe(400)
      expect(body.success).toBe(false)
    }
    expect((await get(admin, '/api/reports/summary?from=2024-01-01&to=2024-12-31')).status).toBe(200)
    const defaults = await get(admin, '/api/reports/summary')
    expect(defaults.body.data).toHaveLength(30)
    expect(defaults.body.data.at(-1)?.period).toBe(new Date().toISOString().slice(0, 10))
  })
})
