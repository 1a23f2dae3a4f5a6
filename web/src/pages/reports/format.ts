/** Minutes as people read a wait: "45 min", "3.5 h", "2.1 d"; "—" when there is nothing to measure. */
export function formatMinutes(minutes: number | null | undefined): string {
  if (minutes === null || minutes === undefined) return '—'
  if (minutes < 60) return `${Math.round(minutes)} min`
  if (minutes < 48 * 60) return `${(minutes / 60).toFixed(1)} h`
  return `${(minutes / 1440).toFixed(1)} d`
}

export const formatPct = (value: number | null | undefined) =>
  value === null || value === undefined ? '—' : `${value.toFixed(1)} %`

/** "12 good · 3 bad (80 % good)". */
export function formatSatisfaction(s: { good: number; bad: number }): string {
  const total = s.good + s.bad
  if (total === 0) return '—'
  return `${s.good} good · ${s.bad} bad (${Math.round((s.good / total) * 100)} % good)`
}

const DAY = 86_400_000
export const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10)
export const todayUtc = () => isoDay(Date.now())
export const daysBefore = (day: string, days: number) => isoDay(Date.parse(`${day}T00:00:00Z`) - days * DAY)
