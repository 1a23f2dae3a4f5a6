// Reading EXPLAIN (FORMAT JSON) output: what the plan does, and what about it deserves a flag.
import { EXPLAIN_FLAGS } from './config.js'
import { fmt } from './report.js'

export interface PlanNode {
  'Node Type': string
  'Relation Name'?: string
  'Index Name'?: string
  'Actual Rows': number
  'Actual Loops': number
  'Rows Removed by Filter'?: number
  'Rows Removed by Index Recheck'?: number
  'Lossy Heap Blocks'?: number
  'Sort Method'?: string
  Plans?: PlanNode[]
}

function isPlanNode(value: unknown): value is PlanNode {
  if (typeof value !== 'object' || value === null) return false
  const node = value as Record<string, unknown>
  return (
    typeof node['Node Type'] === 'string' &&
    typeof node['Actual Rows'] === 'number' &&
    typeof node['Actual Loops'] === 'number' &&
    (node.Plans === undefined || (Array.isArray(node.Plans) && node.Plans.every(isPlanNode)))
  )
}

/** The root node of `EXPLAIN (ANALYZE, FORMAT JSON)`'s single result value. */
export function rootOf(explainJson: unknown): PlanNode {
  const first: unknown = Array.isArray(explainJson) ? explainJson[0] : undefined
  const plan = typeof first === 'object' && first !== null && 'Plan' in first ? first.Plan : undefined
  if (!isPlanNode(plan))
    throw new Error(`unexpected EXPLAIN JSON: ${JSON.stringify(explainJson).slice(0, 200)}`)
  return plan
}

/** 'Execution Time' of the same JSON, in ms. */
export function executionMsOf(explainJson: unknown): number {
  const first: unknown = Array.isArray(explainJson) ? explainJson[0] : undefined
  const ms =
    typeof first === 'object' && first !== null && 'Execution Time' in first
      ? first['Execution Time']
      : undefined
  if (typeof ms !== 'number') throw new Error('EXPLAIN JSON without Execution Time')
  return ms
}

function* walk(node: PlanNode): Generator<PlanNode> {
  yield node
  for (const child of node.Plans ?? []) yield* walk(child)
}

const SCANS = new Set(['Seq Scan', 'Index Scan', 'Index Only Scan', 'Bitmap Heap Scan'])
const SORTS = new Set(['Sort', 'Incremental Sort'])
const total = (node: PlanNode) => node['Actual Rows'] * node['Actual Loops']

/** How the plan reaches the tickets table, e.g. "Index Scan using tickets_status_created_at_idx". */
export function ticketAccess(root: PlanNode): string {
  const paths = [...walk(root)]
    .filter(
      (n) =>
        SCANS.has(n['Node Type']) &&
        (n['Relation Name'] === 'tickets' || n['Relation Name'] === 'ticket_counts'),
    )
    .map(
      (n) =>
        `${n['Node Type']}${n['Index Name'] ? ` using ${n['Index Name']}` : ` on ${n['Relation Name']}`}`,
    )
  return [...new Set(paths)].join(' + ') || '(no table scan)'
}

/** What makes a plan cost more than a page should: full scans, big sorts, big filters. */
export function planFlags(root: PlanNode, executionMs: number): string[] {
  const flags: string[] = []
  if (executionMs > EXPLAIN_FLAGS.slowMs) flags.push(`SLOW (>${EXPLAIN_FLAGS.slowMs} ms)`)
  for (const node of walk(root)) {
    const type = node['Node Type']
    const relation = node['Relation Name'] ?? ''
    const removed = (node['Rows Removed by Filter'] ?? 0) * node['Actual Loops']
    if (type === 'Seq Scan' && total(node) + removed > EXPLAIN_FLAGS.scannedRows) {
      flags.push(`Seq Scan on ${relation} (${fmt.int(total(node) + removed)} rows)`)
    } else if (SCANS.has(type) && relation === 'tickets' && total(node) > EXPLAIN_FLAGS.scannedRows) {
      flags.push(`${type} reads ${fmt.int(total(node))} tickets`)
    }
    if (removed > EXPLAIN_FLAGS.scannedRows)
      flags.push(`filter discards ${fmt.int(removed)} rows of ${relation}`)
    // A bitmap past work_mem: every row of its lossy pages is read and tested again.
    if ((node['Lossy Heap Blocks'] ?? 0) > 0)
      flags.push(
        `lossy bitmap: ${fmt.int(node['Lossy Heap Blocks'] ?? 0)} pages, ${fmt.int((node['Rows Removed by Index Recheck'] ?? 0) * node['Actual Loops'])} rows re-tested`,
      )
    if (SORTS.has(type)) {
      const input = (node.Plans ?? []).reduce((sum, child) => sum + total(child), 0)
      if (input > EXPLAIN_FLAGS.sortInputRows) {
        flags.push(
          `${type} of ${fmt.int(input)} rows (${node['Sort Method'] ?? 'by groups of the presorted key'})`,
        )
      }
    }
  }
  return flags
}
