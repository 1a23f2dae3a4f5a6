import type { ComponentChildren } from 'preact'

export interface Column<T> {
  label: string
  cell: (row: T) => ComponentChildren
  /** The row's main cell: a card's heading on narrow screens. */
  primary?: boolean
  className?: string
}

interface Props<T> {
  caption: string
  columns: Column<T>[]
  rows: T[] | undefined
  /** A reload is on its way while rows are shown. */
  busy?: boolean
  /** Rows of placeholder while the first answer is on its way: the table keeps its size. */
  placeholderRows?: number
  empty: ComponentChildren
}

/**
 * A real <table> (headers, caption, keyboard-reachable links) that becomes a list of cards
 * below 720px: each cell shows its column's label from data-label (see styles.css).
 */
export function DataTable<T extends { id: string }>(props: Props<T>) {
  const { columns, rows } = props
  if (rows && rows.length === 0) return <div class="card">{props.empty}</div>
  return (
    <div class={`table-wrap${props.busy ? ' is-busy' : ''}`} aria-busy={props.busy || !rows}>
      <table class="table">
        <caption class="visually-hidden">{props.caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.label} scope="col" class={c.className}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows
            ? rows.map((row) => (
                <tr key={row.id}>
                  {columns.map((c) => (
                    <td
                      key={c.label}
                      data-label={c.label}
                      class={
                        [c.primary ? 'cell-primary' : '', c.className ?? ''].join(' ').trim() || undefined
                      }
                    >
                      {c.cell(row)}
                    </td>
                  ))}
                </tr>
              ))
            : Array.from({ length: props.placeholderRows ?? 5 }, (_, i) => (
                <tr key={i} class="row-placeholder">
                  {columns.map((c) => (
                    <td key={c.label} class={`placeholder-cell${c.primary ? ' cell-primary' : ''}`}>
                      <span class="skeleton-line" />
                    </td>
                  ))}
                </tr>
              ))}
        </tbody>
      </table>
      {!rows && (
        <span class="visually-hidden" role="status">
          Loading…
        </span>
      )}
    </div>
  )
}
