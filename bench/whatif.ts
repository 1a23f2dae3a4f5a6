// The page queries again under the changes the baseline EXPLAINs suggest, each tried inside a
// transaction that is rolled back: the database ends as it was, and the recommendation in the
// report rests on measured plans rather than on reasoning alone.
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { RESULTS_DIR } from './config.js'
import { withClient } from './db-admin.js'
import { type ExplainResult, explainOne } from './explain.js'
import { planFlags, ticketAccess } from './plan.js'

interface Variant {
  label: string
  /** Run after BEGIN, before the EXPLAINs; undone by ROLLBACK. */
  setup: string[]
}

// The app already runs with random_page_cost 1.1 and an (assigned_to, created_at, id) index —
// both came out of this comparison. What is left to try: the unfiltered list in page order with
// the id tie-break, which would drop the Incremental Sort on top of idx_tickets_created_at.
const VARIANTS: Variant[] = [
  {
    label: '+ (created_at, id) index',
    setup: ['CREATE INDEX bench_whatif_created_at_id ON tickets (created_at DESC, id DESC)'],
  },
]
export const WHAT_IF_LABELS = VARIANTS.map((v) => v.label)
export const WHAT_IF_SQL = VARIANTS.flatMap((v) => v.setup).filter((s, i, all) => all.indexOf(s) === i)

export interface WhatIfRow {
  endpoint: string
  baseline: ExplainResult
  /** One per variant, in WHAT_IF_LABELS order. */
  variants: { executionMs: number; access: string; flags: string[] }[]
}

export async function explainWhatIfs(databaseUrl: string, baseline: ExplainResult[]): Promise<WhatIfRow[]> {
  const pages = baseline.filter((r) => r.query === 'page')
  const rows: WhatIfRow[] = pages.map((p) => ({ endpoint: p.endpoint, baseline: p, variants: [] }))
  const file: string[] = ['Page queries under each what-if variant (each in a rolled-back transaction)']
  await withClient(databaseUrl, async (client) => {
    for (const variant of VARIANTS) {
      file.push('', '#'.repeat(100), `# ${variant.label}: ${variant.setup.join('; ')}`)
      await client.query('BEGIN')
      try {
        for (const statement of variant.setup) await client.query(statement)
        for (const row of rows) {
          const { root, plan, executionMs } = await explainOne(client, row.baseline.captured)
          row.variants.push({ executionMs, access: ticketAccess(root), flags: planFlags(root, executionMs) })
          file.push('', '='.repeat(100), row.endpoint, '', plan)
        }
      } finally {
        await client.query('ROLLBACK')
      }
    }
  })
  await writeFile(join(RESULTS_DIR, 'explain-whatif.txt'), `${file.join('\n')}\n`)
  return rows
}
