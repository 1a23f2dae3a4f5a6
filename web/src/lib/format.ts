// Dates in the viewer's own locale and time zone: Intl picks both up from the browser.
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' })
const numbers = new Intl.NumberFormat()

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
]

export function formatDateTime(iso: string): string {
  return dateTime.format(new Date(iso))
}

export function formatRelative(iso: string, now: number = Date.now()): string {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000)
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return relative.format(Math.trunc(seconds / size), unit)
  }
  return relative.format(0, 'second')
}

export function formatNumber(n: number): string {
  return numbers.format(n)
}

/** "Alex Morgan" or the email when there is no name. */
export function personName(person: { name?: string | null; email: string }): string {
  return person.name?.trim() || person.email
}
