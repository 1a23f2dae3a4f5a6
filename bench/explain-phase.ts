// Step 5: EXPLAIN every list query at full size, then the page queries under the what-if
// changes, and print both as tables (the full plans go to bench/results/).
import { RESULTS_DIR } from './config.js'
import { type ExplainPeople, type ExplainResult, explainListQueries } from './explain.js'
import { fmt, heading, table } from './report.js'
import { explainWhatIfs, WHAT_IF_LABELS, WHAT_IF_SQL } from './whatif.js'

export async function runExplainPhase(databaseUrl: string, people: ExplainPeople): Promise<ExplainResult[]> {
  heading('EXPLAIN (ANALYZE, BUFFERS) of the list queries')
  const plans = await explainListQueries(databaseUrl, people)
  table(
    ['endpoint', 'query', 'plan top / tickets access', 'time', 'flags'],
    plans.map((p) => [
      p.endpoint,
      p.query,
      `${p.topLine.split('  (')[0]} / ${p.access}`,
      fmt.ms(p.executionMs),
      p.flags.join('; '),
    ]),
  )
  console.log(
    `<mod> = ${people.moderator.email}, the busiest moderator; full plans: ${RESULTS_DIR}explain.txt`,
  )

  heading('What if: the page queries again, each change in a rolled-back transaction')
  console.log(WHAT_IF_SQL.map((statement) => `  ${statement}`).join('\n'))
  const whatIfs = await explainWhatIfs(databaseUrl, plans)
  table(
    ['endpoint', 'now', ...WHAT_IF_LABELS, `access with ${WHAT_IF_LABELS.at(-1)}`, 'flags left'],
    whatIfs.map((w) => [
      w.endpoint,
      fmt.ms(w.baseline.executionMs),
      ...w.variants.map((v) => fmt.ms(v.executionMs)),
      w.variants.at(-1)?.access ?? '',
      w.variants.at(-1)?.flags.join('; ') ?? '',
    ]),
  )
  console.log(`full plans: ${RESULTS_DIR}explain-whatif.txt`)
  return plans
}
