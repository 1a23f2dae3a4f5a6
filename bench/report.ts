// Console output: headings and aligned tables, so a run can be read (and pasted) as it is.

export function elapsedSeconds(from: bigint, to: bigint = process.hrtime.bigint()): number {
  return Number(to - from) / 1e9
}

export function heading(title: string): void {
  console.log(`\n== ${title} ${'='.repeat(Math.max(0, 96 - title.length))}`)
}

export const fmt = {
  int: (n: number) => Math.round(n).toLocaleString('en-US'),
  ms: (n: number) => `${n.toFixed(n < 10 ? 2 : 1)} ms`,
  /** autocannon's latency histogram records whole milliseconds. */
  latency: (n: number) => (n < 1 ? '<1 ms' : `${Math.round(n)} ms`),
  s: (n: number) => `${n.toFixed(1)} s`,
  pct: (n: number) => `${(n * 100).toFixed(0)}%`,
  ratio: (n: number) => `${n.toFixed(2)}×`,
}

/** Prints rows as a table; numbers-looking cells are right-aligned. */
export function table(headers: string[], rows: string[][]): void {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const numeric = /^[-\d.,]+( ?(ms|s|%|×))?$/
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => {
        const width = widths[i] ?? 0
        return numeric.test(cell) ? cell.padStart(width) : cell.padEnd(width)
      })
      .join('  ')
      .trimEnd()
  console.log(line(headers))
  console.log(widths.map((w) => '-'.repeat(w)).join('  '))
  for (const row of rows) console.log(line(row))
}
