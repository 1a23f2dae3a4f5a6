// Business-time arithmetic: how many minutes of opening hours lie between two instants, and which
// instant lies N opening-hour minutes after another. Pure functions; luxon supplies every time-zone
// fact (offsets, local dates, daylight-saving changes).
//
// The definition, which the brute-force counter in test/sla-business-time.test.ts spells out minute
// by minute: an instant is business time when its local date (in the calendar's zone) is not a
// holiday and its local wall-clock time lies in one of that weekday's ranges [start, end); with no
// ranges at all the calendar is open around the clock (holidays still closed). So on the night
// clocks go forward a range loses the skipped hour, and on the night they go back it counts the
// repeated hour twice: business time is real elapsed time, never wall-clock difference.
import { DateTime } from 'luxon'

export type OpeningRange = { day: number; start: string; end: string }
export type BusinessCalendar = {
  timezone: string
  hours: readonly OpeningRange[]
  holidays: readonly string[]
}

const MINUTE = 60_000
// A calendar with opening hours has at least one open weekday, so ten years of days without one
// can only mean holidays cover everything: answered with an error, never an endless loop.
const MAX_DAYS = 3660

/** "HH:MM" as minutes after midnight ("24:00" is 1440, the end of the day). */
export function minuteOfDay(hhmm: string): number {
  const [h, m] = hhmm.split(':')
  return Number(h) * 60 + Number(m)
}

/** A calendar prepared once: ranges per weekday in minutes, holidays as a set. */
type Prepared = {
  zone: string
  aroundTheClock: boolean
  byWeekday: Array<Array<[number, number]>>
  holidays: Set<string>
}

const preparedCache = new WeakMap<BusinessCalendar, Prepared>()

function prepare(calendar: BusinessCalendar): Prepared {
  const cached = preparedCache.get(calendar)
  if (cached) return cached
  const byWeekday: Array<Array<[number, number]>> = [[], [], [], [], [], [], []]
  for (const range of calendar.hours)
    byWeekday[range.day]?.push([minuteOfDay(range.start), minuteOfDay(range.end)])
  for (const ranges of byWeekday) ranges.sort((a, b) => a[0] - b[0])
  const prepared: Prepared = {
    zone: calendar.timezone,
    aroundTheClock: calendar.hours.length === 0,
    byWeekday,
    holidays: new Set(calendar.holidays),
  }
  preparedCache.set(calendar, prepared)
  return prepared
}

/** Minutes after local midnight shown by the wall clock at `ms` (fractional below a minute). */
function wallMinute(ms: number, zone: string): number {
  const local = DateTime.fromMillis(ms, { zone })
  return local.hour * 60 + local.minute + (local.second * 1000 + local.millisecond) / MINUTE
}

/**
 * The open intervals [from, to) in epoch ms of one local day. The day is cut where its UTC offset
 * changes (luxon tells the offset; the change is found by bisection to the minute), so that within
 * each piece wall-clock time advances exactly with real time.
 */
function openIntervalsOfDay(day: DateTime, cal: Prepared): Array<[number, number]> {
  if (cal.holidays.has(day.toISODate() ?? '')) return []
  const dayStart = day.startOf('day').toMillis()
  const dayEnd = day.plus({ days: 1 }).startOf('day').toMillis()
  if (cal.aroundTheClock) return [[dayStart, dayEnd]]
  const ranges = cal.byWeekday[day.weekday % 7] ?? []
  if (ranges.length === 0) return []
  const pieces: Array<[number, number]> = []
  const offsetAt = (ms: number) => DateTime.fromMillis(ms, { zone: cal.zone }).offset
  if (offsetAt(dayStart) === offsetAt(dayEnd - 1)) {
    pieces.push([dayStart, dayEnd])
  } else {
    // First instant with the new offset: zones change offset on whole minutes.
    const before = offsetAt(dayStart)
    let lo = dayStart
    let hi = dayEnd - 1
    while (hi - lo > MINUTE) {
      const mid = lo + Math.floor((hi - lo) / 2 / MINUTE) * MINUTE
      if (offsetAt(mid) === before) lo = mid
      else hi = mid
    }
    const change = offsetAt(lo + MINUTE) === before ? hi : lo + MINUTE
    pieces.push([dayStart, change], [change, dayEnd])
  }
  const open: Array<[number, number]> = []
  for (const [pieceStart, pieceEnd] of pieces) {
    const wallAtStart = wallMinute(pieceStart, cal.zone)
    for (const [start, end] of ranges) {
      const from = Math.max(pieceStart, pieceStart + (start - wallAtStart) * MINUTE)
      const to = Math.min(pieceEnd, pieceStart + (end - wallAtStart) * MINUTE)
      if (to > from) open.push([from, to])
    }
  }
  return open.sort((a, b) => a[0] - b[0])
}

/** Open intervals from the local day containing `fromMs` onwards, day by day. */
function* openIntervalsFrom(fromMs: number, cal: Prepared): Generator<[number, number]> {
  let day = DateTime.fromMillis(fromMs, { zone: cal.zone }).startOf('day')
  for (let i = 0; i < MAX_DAYS; i++) {
    yield* openIntervalsOfDay(day, cal)
    day = day.plus({ days: 1 })
  }
  throw new Error('calendar has no open time within ten years')
}

/** Business milliseconds in [from, to); 0 when to <= from. */
export function businessMillisBetween(calendar: BusinessCalendar, from: Date, to: Date): number {
  const fromMs = from.getTime()
  const toMs = to.getTime()
  if (toMs <= fromMs) return 0
  let total = 0
  for (const [start, end] of openIntervalsFrom(fromMs, prepare(calendar))) {
    if (start >= toMs) break
    const a = Math.max(start, fromMs)
    const b = Math.min(end, toMs)
    if (b > a) total += b - a
  }
  return total
}

/** Business minutes in [from, to) (fractional below a minute). */
export function businessMinutesBetween(calendar: BusinessCalendar, from: Date, to: Date): number {
  return businessMillisBetween(calendar, from, to) / MINUTE
}

/** The earliest instant t with businessMinutesBetween(from, t) = minutes (from itself for 0). */
export function addBusinessMinutes(calendar: BusinessCalendar, from: Date, minutes: number): Date {
  const fromMs = from.getTime()
  let left = Math.round(minutes * MINUTE)
  if (left <= 0) return new Date(fromMs)
  for (const [start, end] of openIntervalsFrom(fromMs, prepare(calendar))) {
    const a = Math.max(start, fromMs)
    if (end <= a) continue
    if (end - a >= left) return new Date(a + left)
    left -= end - a
  }
  throw new Error('unreachable: openIntervalsFrom ends by throwing')
}

/** Whether the calendar is open at `at`. */
export function isOpenAt(calendar: BusinessCalendar, at: Date): boolean {
  return businessMillisBetween(calendar, at, new Date(at.getTime() + 1)) > 0
}
