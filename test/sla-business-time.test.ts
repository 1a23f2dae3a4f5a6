// Business-time arithmetic: hand-computed cases (weekend, holiday, daylight-saving changes in
// Europe/Berlin and America/New_York, a pause across closing time, several ranges a day) and a
// seeded property test against a brute-force counter that looks at every minute's wall clock.
import { DateTime } from 'luxon'
import { describe, expect, it } from 'vitest'
import {
  addBusinessMinutes,
  type BusinessCalendar,
  businessMinutesBetween,
  minuteOfDay,
  type OpeningRange,
} from '../src/modules/sla/business-time.js'

const weekdays = (start: string, end: string): OpeningRange[] =>
  [1, 2, 3, 4, 5].map((day) => ({ day, start, end }))
const everyDay = (start: string, end: string): OpeningRange[] =>
  [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day, start, end }))
const at = (iso: string) => new Date(iso)

describe('business time by hand', () => {
  const officeUtc: BusinessCalendar = { timezone: 'UTC', hours: weekdays('09:00', '17:00'), holidays: [] }

  it('carries a target over a weekend', () => {
    // Friday 16:00 + 2 h: one hour on Friday, one on Monday.
    expect(addBusinessMinutes(officeUtc, at('2026-11-27T16:00:00Z'), 120)).toEqual(at('2026-11-30T10:00:00Z'))
    expect(businessMinutesBetween(officeUtc, at('2026-11-27T16:00:00Z'), at('2026-11-30T10:00:00Z'))).toBe(
      120,
    )
    // Started on Saturday: the clock starts Monday 09:00.
    expect(addBusinessMinutes(officeUtc, at('2026-11-28T12:00:00Z'), 30)).toEqual(at('2026-11-30T09:30:00Z'))
  })

  it('skips a holiday (local date) and the weekend after it', () => {
    const berlin: BusinessCalendar = {
      timezone: 'Europe/Berlin',
      hours: weekdays('09:00', '17:00'),
      holidays: ['2026-12-25'],
    }
    // Thursday 24 Dec 16:00 CET + 2 h: one hour Thursday, Friday is a holiday, Monday 10:00 CET.
    expect(addBusinessMinutes(berlin, at('2026-12-24T15:00:00Z'), 120)).toEqual(at('2026-12-28T09:00:00Z'))
    expect(businessMinutesBetween(berlin, at('2026-12-24T00:00:00Z'), at('2026-12-29T00:00:00Z'))).toBe(
      16 * 60,
    )
  })

  it('counts real time across the Berlin clock changes', () => {
    const nights: BusinessCalendar = {
      timezone: 'Europe/Berlin',
      hours: everyDay('01:00', '04:00'),
      holidays: [],
    }
    // 29 March 2026: 02:00 CET becomes 03:00 CEST, the range holds two real hours.
    expect(businessMinutesBetween(nights, at('2026-03-28T23:00:00Z'), at('2026-03-29T22:00:00Z'))).toBe(120)
    // 25 October 2026: 03:00 CEST becomes 02:00 CET, the range holds four real hours.
    expect(businessMinutesBetween(nights, at('2026-10-24T22:00:00Z'), at('2026-10-25T23:00:00Z'))).toBe(240)
    // 01:00 CEST (23:00Z) + 200 min: 02:00 and 02:xx happen twice, so 04:20 UTC... is 03:20 CET.
    expect(addBusinessMinutes(nights, at('2026-10-24T23:00:00Z'), 200)).toEqual(at('2026-10-25T02:20:00Z'))
    // Friday 16:00 CEST + 2 h lands on Monday 10:00 CET: the offset changed over the weekend.
    const office: BusinessCalendar = {
      timezone: 'Europe/Berlin',
      hours: weekdays('09:00', '17:00'),
      holidays: [],
    }
    expect(addBusinessMinutes(office, at('2026-10-23T14:00:00Z'), 120)).toEqual(at('2026-10-26T09:00:00Z'))
  })

  it('counts real time across the New York clock changes', () => {
    const allDay: BusinessCalendar = { timezone: 'America/New_York', hours: [], holidays: [] }
    // 8 March 2026 has 23 hours in New York, 1 November 2026 has 25.
    expect(businessMinutesBetween(allDay, at('2026-03-08T05:00:00Z'), at('2026-03-09T04:00:00Z'))).toBe(
      23 * 60,
    )
    expect(businessMinutesBetween(allDay, at('2026-11-01T04:00:00Z'), at('2026-11-02T05:00:00Z'))).toBe(
      25 * 60,
    )
    // A holiday closes a 24/7 calendar for that local day.
    const withHoliday: BusinessCalendar = { ...allDay, holidays: ['2026-03-08'] }
    expect(addBusinessMinutes(withHoliday, at('2026-03-07T23:00:00-05:00'), 120)).toEqual(
      at('2026-03-09T05:00:00Z'),
    )
    const office: BusinessCalendar = {
      timezone: 'America/New_York',
      hours: weekdays('09:00', '17:00'),
      holidays: [],
    }
    // Saturday 16:00 EST + 2 h: Monday 11:00 EDT = 15:00Z.
    expect(addBusinessMinutes(office, at('2026-03-07T21:00:00Z'), 120)).toEqual(at('2026-03-09T15:00:00Z'))
  })

  it('counts a pause across closing time in business minutes only', () => {
    // Paused Friday 16:30, resumed Monday 10:00: 30 min on Friday + 60 on Monday.
    expect(businessMinutesBetween(officeUtc, at('2026-11-27T16:30:00Z'), at('2026-11-30T10:00:00Z'))).toBe(90)
  })

  it('uses several ranges a day and an end of 24:00', () => {
    const split: BusinessCalendar = {
      timezone: 'UTC',
      hours: [
        { day: 2, start: '09:00', end: '12:00' },
        { day: 2, start: '13:00', end: '24:00' },
      ],
      holidays: [],
    }
    expect(addBusinessMinutes(split, at('2026-12-01T11:30:00Z'), 60)).toEqual(at('2026-12-01T13:30:00Z'))
    expect(businessMinutesBetween(split, at('2026-12-01T00:00:00Z'), at('2026-12-02T00:00:00Z'))).toBe(
      14 * 60,
    )
    // Past Tuesday's close the next open minute is a week later.
    expect(addBusinessMinutes(split, at('2026-12-01T23:59:00Z'), 2)).toEqual(at('2026-12-08T09:01:00Z'))
  })

  it('keeps seconds exact', () => {
    expect(addBusinessMinutes(officeUtc, at('2026-11-27T16:59:30Z'), 1)).toEqual(at('2026-11-30T09:00:30Z'))
    expect(businessMinutesBetween(officeUtc, at('2026-11-27T16:59:30Z'), at('2026-11-30T09:00:30Z'))).toBe(1)
  })
})

// --- property test ------------------------------------------------------------------------------

/** mulberry32: a small seeded generator, so every run checks the same cases. */
function seeded(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const MINUTE = 60_000
const ZONES = [
  'UTC',
  'Europe/Berlin',
  'America/New_York',
  'Asia/Kolkata',
  'Australia/Lord_Howe', // a 30-minute daylight-saving shift
  'America/Santiago',
  'Pacific/Chatham',
]
// Days with clock changes in some of the zones above, so that random instants meet them often.
const AROUND = [
  '2026-03-08',
  '2026-03-29',
  '2026-04-05',
  '2026-09-06',
  '2026-10-04',
  '2026-10-25',
  '2026-11-01',
]

/** The definition itself: is the minute starting at `ms` business time? */
function openMinute(cal: BusinessCalendar, ms: number): boolean {
  const local = DateTime.fromMillis(ms, { zone: cal.timezone })
  if (cal.holidays.includes(local.toISODate() ?? '')) return false
  if (cal.hours.length === 0) return true
  const m = local.hour * 60 + local.minute
  return cal.hours.some(
    (r) => r.day === local.weekday % 7 && minuteOfDay(r.start) <= m && m < minuteOfDay(r.end),
  )
}

function randomCalendar(rand: () => number): BusinessCalendar {
  const timezone = ZONES[Math.floor(rand() * ZONES.length)] ?? 'UTC'
  const hours: OpeningRange[] = []
  if (rand() > 0.15) {
    for (let day = 0; day < 7; day++) {
      if (rand() < 0.35) continue
      let cursor = Math.floor(rand() * 8) * 30
      const ranges = 1 + Math.floor(rand() * 3)
      for (let i = 0; i < ranges && cursor < 1440; i++) {
        const start = cursor + Math.floor(rand() * 12) * 15
        const end = Math.min(1440, start + 15 + Math.floor(rand() * 40) * 15)
        if (start >= end) break
        const hhmm = (n: number) =>
          `${String(Math.floor(n / 60)).padStart(2, '0')}:${String(n % 60).padStart(2, '0')}`
        hours.push({ day, start: hhmm(start), end: hhmm(end) })
        cursor = end + 15
      }
    }
  }
  const holidays = AROUND.filter(() => rand() < 0.2)
  return { timezone, hours, holidays }
}

describe('business time against a minute-by-minute count', () => {
  it('agrees on random calendars and instants (seeded)', () => {
    const rand = seeded(20261201)
    let checkedAdds = 0
    for (let run = 0; run < 150; run++) {
      const cal = randomCalendar(rand)
      const base = Date.parse(`${AROUND[Math.floor(rand() * AROUND.length)]}T00:00:00Z`)
      const from = base + Math.floor((rand() - 0.5) * 3 * 1440) * MINUTE
      const to = from + Math.floor(rand() * 2 * 1440) * MINUTE
      const openMinutes: number[] = []
      for (let ms = from; ms < to; ms += MINUTE) if (openMinute(cal, ms)) openMinutes.push(ms)
      const context = JSON.stringify({ cal, from: new Date(from), to: new Date(to) })
      expect(businessMinutesBetween(cal, new Date(from), new Date(to)), context).toBe(openMinutes.length)
      if (openMinutes.length > 0) {
        const n = 1 + Math.floor(rand() * openMinutes.length)
        const nth = openMinutes[n - 1] ?? 0
        expect(addBusinessMinutes(cal, new Date(from), n).getTime(), `${context} n=${n}`).toBe(nth + MINUTE)
        checkedAdds++
      }
    }
    expect(checkedAdds).toBeGreaterThan(50)
  })
})
