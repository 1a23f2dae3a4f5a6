// The clock of one ticket as pure functions (no database): due and warning instants in business
// time, priority change mid-way, pause and reopen, and the state at a given instant.
import { describe, expect, it } from 'vitest'
import type { TicketRow } from '../src/db/schema.js'
import { businessMinutesBetween } from '../src/modules/sla/business-time.js'
import { type ClockPolicy, type ClockRow, planClock, slaOf } from '../src/modules/sla/clock.js'

const weekdays = [1, 2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '17:00' }))
const policy: ClockPolicy = {
  id: '00000000-0000-4000-8000-000000000001',
  targets: {
    low: { first_response_minutes: 480, resolution_minutes: 2400 },
    medium: { first_response_minutes: 120, resolution_minutes: 960 },
    high: { first_response_minutes: 60, resolution_minutes: 480 },
  },
  calendar: { timezone: 'Europe/Berlin', hours: weekdays, holidays: ['2026-12-25'] },
}
const at = (iso: string) => new Date(iso)

function row(overrides: Partial<ClockRow> = {}): ClockRow & Pick<TicketRow, 'slaPolicyId'> {
  return {
    status: 'todo',
    priority: 'medium',
    // Thursday 24 December 2026, 15:00 in Berlin.
    createdAt: at('2026-12-24T14:00:00Z'),
    firstRespondedAt: null,
    resolvedAt: null,
    slaPausedSince: null,
    slaPausedMinutes: 0,
    firstResponseWarningSentAt: null,
    firstResponseBreachSentAt: null,
    resolutionWarningSentAt: null,
    resolutionBreachSentAt: null,
    slaPolicyId: null,
    ...overrides,
  }
}
const planned = (r: ClockRow) => ({ ...r, ...planClock(r, policy) })

describe('the ticket clock', () => {
  it('places due and warning instants in business time (holiday and weekend skipped)', () => {
    const ticket = planned(row())
    // 2 h from Thursday 15:00: 2 h that day (till 17:00) → due Thursday 17:00 Berlin.
    expect(ticket.firstResponseDueAt).toEqual(at('2026-12-24T16:00:00Z'))
    // 96 min (80 %) → Thursday 16:36.
    expect(ticket.firstResponseWarningAt).toEqual(at('2026-12-24T15:36:00Z'))
    // 16 h: 2 on Thursday, Friday holiday, weekend, 8 on Monday, 6 on Tuesday → Tuesday 15:00.
    expect(ticket.resolutionDueAt).toEqual(at('2026-12-29T14:00:00Z'))
    expect(ticket.slaDueAt).toEqual(ticket.firstResponseDueAt)
    expect(ticket.slaNextCheckAt).toEqual(ticket.firstResponseWarningAt)
  })

  it('re-targets from creation when the priority changes mid-way, keeping a met target', () => {
    const answered = planned(row({ firstRespondedAt: at('2026-12-24T15:00:00Z') }))
    const high = planned({ ...answered, priority: 'high' })
    // First response was met: its due time stays. Resolution: 8 h from creation → Monday 15:00.
    expect(high.firstResponseDueAt).toEqual(answered.firstResponseDueAt)
    expect(high.resolutionDueAt).toEqual(at('2026-12-28T14:00:00Z'))
    expect(high.slaDueAt).toEqual(high.resolutionDueAt)
  })

  it('pushes due times out by the business minutes of a pause across closing time', () => {
    const ticket = planned(row({ firstRespondedAt: at('2026-12-24T14:30:00Z') }))
    // Waiting from Thursday 16:30 to Monday 10:00 Berlin: 30 + 60 business minutes.
    const paused = businessMinutesBetween(
      policy.calendar,
      at('2026-12-24T15:30:00Z'),
      at('2026-12-28T09:00:00Z'),
    )
    expect(paused).toBe(90)
    const resumed = planned({ ...ticket, slaPausedMinutes: paused })
    // Tuesday 15:00 + 90 business minutes → Tuesday 16:30.
    expect(resumed.resolutionDueAt).toEqual(at('2026-12-29T15:30:00Z'))
  })

  it('reads its state at an instant, frozen while paused', () => {
    const ticket = planned(row({ slaPolicyId: policy.id }))
    expect(slaOf(ticket, at('2026-12-24T15:00:00Z'))?.state).toBe('ok')
    expect(slaOf(ticket, at('2026-12-24T15:36:00Z'))?.state).toBe('warning')
    expect(slaOf(ticket, at('2026-12-24T16:00:00Z'))?.state).toBe('breached')
    const waiting = { ...ticket, slaPausedSince: at('2026-12-24T15:00:00Z') }
    expect(slaOf(waiting, at('2027-01-10T12:00:00Z'))).toMatchObject({ state: 'ok', paused: true })
    const met = {
      ...ticket,
      firstRespondedAt: at('2026-12-24T15:59:00Z'),
      resolvedAt: at('2026-12-28T12:00:00Z'),
    }
    expect(slaOf(met, at('2027-01-10T12:00:00Z'))?.state).toBe('met')
    const late = { ...met, firstRespondedAt: at('2026-12-24T16:01:00Z') }
    expect(slaOf(late, at('2027-01-10T12:00:00Z'))?.state).toBe('breached')
    // Resolved without a public reply: resolving answered it.
    const quiet = { ...ticket, resolvedAt: at('2026-12-24T15:10:00Z') }
    expect(slaOf(quiet, at('2027-01-10T12:00:00Z'))?.state).toBe('met')
    expect(slaOf({ ...ticket, slaPolicyId: null })).toBeNull()
  })

  it('asks escalation to look at the next unannounced instant, never while paused', () => {
    const ticket = planned(row())
    const warned = planned({ ...ticket, firstResponseWarningSentAt: at('2026-12-24T15:36:00Z') })
    expect(warned.slaNextCheckAt).toEqual(ticket.firstResponseDueAt)
    const both = planned({ ...warned, firstResponseBreachSentAt: at('2026-12-24T16:00:00Z') })
    expect(both.slaNextCheckAt).toEqual(both.resolutionWarningAt)
    expect(planned({ ...ticket, slaPausedSince: at('2026-12-24T15:00:00Z') }).slaNextCheckAt).toBeNull()
    expect(planned({ ...ticket, resolvedAt: at('2026-12-24T15:00:00Z') }).slaDueAt).toBeNull()
  })
})
