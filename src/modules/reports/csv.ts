// RFC 4180 CSV: every field quoted when it holds a comma, quote or line break, quotes doubled,
// CRLF between records. A field starting with = + - @ (a formula to a spreadsheet) is prefixed
// with ' so that opening the file never runs a ticket title or a user's name.
export type CsvValue = string | number | null

const FORMULA_START = /^[=+\-@\t\r]/

function field(value: CsvValue): string {
  if (value === null) return ''
  if (typeof value === 'number') return String(value)
  const safe = FORMULA_START.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe
}

export function toCsv(header: string[], records: CsvValue[][]): string {
  return `${[header, ...records].map((record) => record.map(field).join(',')).join('\r\n')}\r\n`
}
