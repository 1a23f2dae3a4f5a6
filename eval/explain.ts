// Shows why the local provider analysed a ticket the way it did: area scores, catalog ranking
// and priority evidence. Usage: tsx eval/explain.ts "<title>" "<description>"
//                          or: tsx eval/explain.ts --find "<part of a title in the eval sets>"
import { scoreAreas, vocabularyHits } from '../src/modules/triage/local/areas.js'
import { analyseTicket } from '../src/modules/triage/local/local-provider.js'
import { analyse } from '../src/modules/triage/local/nlp.js'
import { decidePriority } from '../src/modules/triage/local/priority.js'
import { chooseSkills } from '../src/modules/triage/local/skills.js'
import { loadCatalog, loadTickets } from './evaluate.js'

const catalog = loadCatalog()
const [flag, a = ''] = process.argv.slice(2)
const tickets =
  flag === '--find'
    ? [...loadTickets('tickets.json'), ...loadTickets('holdout.json')].filter((t) =>
        t.title.toLowerCase().includes(a.toLowerCase()),
      )
    : [{ title: flag ?? '', description: a, expected_skill: '?', expected_priority: '?' }]

for (const t of tickets) {
  const title = analyse(t.title, true)
  const desc = analyse(t.description, false)
  const doc = { tokens: [...title.tokens, ...desc.tokens], isOov: desc.isOov }
  const hits = vocabularyHits(doc)
  const areas = scoreAreas(doc, hits)
  const choice = chooseSkills(doc, areas, catalog, hits)
  const prio = decidePriority(doc.tokens, `${t.title}\n${t.description}`, areas)
  const result = analyseTicket(t, catalog)
  console.log(`\n# ${t.title}  (expected ${t.expected_skill} / ${t.expected_priority})`)
  console.log(
    'tokens:',
    doc.tokens
      .map((x) => `${x.brk ? '|' : ''}${x.keys[0]}${x.keys[1] !== x.keys[0] ? `/${x.keys[1]}` : ''}`)
      .join(' '),
  )
  for (const s of areas.slice(0, 4))
    console.log(`area ${s.area.id} ${s.score.toFixed(1)}: ${s.terms.join(', ')}`)
  console.log(
    'catalog:',
    choice.ranked
      .slice(0, 4)
      .map((r) => `${r.name} ${r.score.toFixed(1)}`)
      .join(' | '),
  )
  console.log(`priority ${prio.priority} (high ${prio.high}, low ${prio.low}): ${prio.reasons.join(', ')}`)
  console.log('summary:', result.summary)
  console.log(`skills: ${result.relatedSkills.join(', ')}\nnotes:\n${result.helpfulNotes}`)
}
