// Priority from impact and urgency, following the spec: high for outages, wide impact,
// production, security breaches, data loss, money and legal deadlines; low for cosmetic issues,
// questions, feature requests and things the reporter says can wait; medium otherwise.
import type { TicketPriority } from '../../../db/schema.js'
import type { AreaScore } from './areas.js'
import type { Token } from './nlp.js'
import { CueSet, type CueSpec } from './patterns.js'

/** Kinds of high-impact evidence; notes open with a first step that fits the kind. */
export type Impact = 'wide' | 'outage' | 'security' | 'data' | 'money' | 'legal' | 'urgent'
type CueKind = Impact | 'low' | 'ask' | 'visual' | 'problem'

const IMPACTS: ReadonlySet<CueKind> = new Set<Impact>([
  'wide',
  'outage',
  'security',
  'data',
  'money',
  'legal',
  'urgent',
])
const isImpact = (k: CueKind): k is Impact => IMPACTS.has(k)

const WIDE_NOUNS =
  'user|customer|people|staff|employee|colleague|team|company|office|floor|department|site|branch|' +
  'building|organisation|organization|request|payment|transaction|order|integration|instance|server|' +
  'admin|client|store|region|outgoing|incoming|inbound|location'

// Impact cues add up: one strong cue (2) or two weaker ones make a ticket high. Low cues only
// apply when nothing says high. "=word" matches that exact word, not its stem ("product" and
// "production" share a stem; so do "drops" and "dropped").
const CUES: readonly CueSpec<CueKind>[] = [
  // Wide impact: everyone, all users, the whole company, "nobody can ...".
  {
    pattern: 'everyone|everybody|company-wide|company wide|organisation-wide|all of us',
    kind: 'wide',
    weight: 2,
  },
  { pattern: `all|every|entire|whole ... ${WIDE_NOUNS}`, kind: 'wide', weight: 2 },
  { pattern: 'nobody|no one|none of us ... can|could|able|get|receive|work|access', kind: 'wide', weight: 2 },
  {
    pattern: 'many|multiple|lots of|hundreds of|dozens of ... user|customer|people|staff|employee|colleague',
    kind: 'wide',
    weight: 2,
  },
  { pattern: 'several ... user|customer|people|staff|employee|colleague|of us', kind: 'wide', weight: 1 },
  // Outages and production.
  { pattern: 'outage|service unavailable|standstill|halted', kind: 'outage', weight: 2, negatable: true },
  {
    pattern: 'down',
    kind: 'outage',
    weight: 1.5,
    negatable: true,
    notAfter: [
      'shut',
      'slow',
      'calm',
      'turn',
      'scroll',
      'break',
      'narrow',
      'count',
      'step',
      'look',
      'write',
      'put',
    ],
  },
  {
    pattern: 'unavailable|unreachable|bad gateway|502|503|crashloopbackoff|blocked',
    kind: 'outage',
    weight: 1,
    negatable: true,
  },
  {
    pattern: '=production|=prod|live site|customer-facing|customer facing',
    kind: 'outage',
    weight: 1,
    negatable: true,
  },
  // Imminent failure ("writes will start failing soon") is an outage that has not happened yet.
  { pattern: 'will ... fail|stop|crash|break ... soon', kind: 'outage', weight: 2, negatable: true },
  // Security breaches.
  {
    pattern:
      'breach|compromised|hacked|ransomware|ransom|stolen|data leak|leaked|intrusion|unauthorized access|unauthorised access',
    kind: 'security',
    weight: 2,
    negatable: true,
  },
  { pattern: "wasn't me|was not me|someone else's|another customer's", kind: 'security', weight: 2 },
  {
    pattern: 'decrypt|ransom note|files renamed|encrypted files|files encrypted',
    kind: 'security',
    weight: 2,
    negatable: true,
  },
  { pattern: 'clicked|opened ... link|attachment', kind: 'security', weight: 1.5, negatable: true },
  // Typing a password is only alarming together with a link or fake page ("clicked" above).
  {
    pattern: 'entered|typed|gave ... my password|my credentials',
    kind: 'security',
    weight: 1,
    negatable: true,
  },
  {
    pattern: 'exposed|infected|still has access|still have access|secret key|private key',
    kind: 'security',
    weight: 1.5,
    negatable: true,
  },
  // Data loss.
  {
    pattern: 'data loss|lost data|wiped|unrecoverable|overwritten',
    kind: 'data',
    weight: 2,
    negatable: true,
  },
  {
    pattern: 'data|rows|records|files|table ... lost|gone|missing|deleted|corrupt|corrupted|wiped',
    kind: 'data',
    weight: 2,
    negatable: true,
  },
  { pattern: '=deleted|=dropped|drop table|=corrupted', kind: 'data', weight: 1.5, negatable: true },
  // Money.
  {
    pattern:
      'charged twice|double charged|double-charged|double charge|duplicate charge|billed twice|charged two times',
    kind: 'money',
    weight: 2,
    negatable: true,
  },
  {
    pattern: 'losing|lost ... sales|money|revenue|orders|customers',
    kind: 'money',
    weight: 2,
    negatable: true,
  },
  {
    pattern: 'payment|payments|transactions ... fail|failing|failed|declined|error',
    kind: 'money',
    weight: 1.5,
    negatable: true,
  },
  {
    pattern: 'can not|cannot|unable to ... pay|checkout|book|buy|purchase|order|finish checkout',
    kind: 'money',
    weight: 2,
  },
  // Legal and compliance deadlines.
  {
    pattern: 'legal|lawsuit|court|regulator|regulatory|subpoena|compliance deadline|legal deadline',
    kind: 'legal',
    weight: 2,
    negatable: true,
  },
  // Stated urgency counts, but a reporter's word alone does not make a ticket high.
  {
    pattern:
      'urgent|urgently|asap|as soon as possible|emergency|critical|immediately|right away|top priority|sev1|p1',
    kind: 'urgent',
    weight: 1,
    negatable: true,
  },

  // Explicitly minor: cosmetic, typos, feature requests, "not urgent".
  {
    pattern: 'cosmetic|purely visual|just visual|visual only|typo|misspelled|spelling mistake',
    kind: 'low',
    weight: 2,
  },
  {
    pattern:
      'feature request|enhancement|suggestion|nice to have|nice-to-have|would be nice|would be great|would love|it would help|would help',
    kind: 'low',
    weight: 2,
  },
  {
    pattern:
      'not urgent|no rush|no hurry|not a priority|low priority|when you have time|whenever|not blocking|not critical|nothing critical|no big deal',
    kind: 'low',
    weight: 2,
  },
  { pattern: 'minor|next quarter|next month', kind: 'low', weight: 2, negatable: true },
  { pattern: 'just annoying|a bit|slightly', kind: 'low', weight: 1.5, negatable: true },
  // Visual defects are cosmetic unless something is also broken.
  {
    pattern:
      'blurry|misaligned|alignment|overlap|overlaps|font|spacing|padding|cut off|colour|color|pixelated|truncated|looks off',
    kind: 'visual',
    weight: 1,
  },
  // Information questions and requests for something: low only when nothing is broken. "Can
  // someone check?" asks for work on a problem, so it is not one of these.
  { pattern: 'could|can|may ... i|we ... get|have', kind: 'ask', weight: 1 },
  {
    pattern:
      'how do|how can|how to|how long|where can|where do|where is|where in|what is|what are|which|is there|is it possible|when is|when will|do you|does it|would it',
    kind: 'ask',
    weight: 1,
  },

  // Something is broken: a question that also reports a failure is not a mere question.
  {
    pattern:
      'not work|not load|not open|not turn|not connect|not receive|not send|not arrive|not sort|not print|not power|' +
      'can not|could not|cannot|unable|fail|failing|failed|failure|error|broken|crash|crashes|freeze|freezes|' +
      'stuck|timeout|time out|reject|rejected|denied|bounce|missing|disappeared|locked|expired|declined|' +
      'suspended|flicker|jam|dead|wrong|spins|never arrives|disconnect|drops|exhausted|overheating|lag|slow',
    kind: 'problem',
    weight: 1,
  },
]

let cues: CueSet<CueKind> | undefined
const cueSet = (): CueSet<CueKind> => {
  cues ??= new CueSet(CUES)
  return cues
}

/** At least this much impact evidence makes a ticket high. */
const HIGH_THRESHOLD = 2
/** "40 people", "team of 30": a head count this large is wide impact. */
const WIDE_HEADCOUNT = 10

export interface PriorityDecision {
  priority: TicketPriority
  high: number
  low: number
  /** Human-readable evidence, for diagnostics. */
  reasons: string[]
  /** Kinds of high-impact evidence found, strongest first. */
  impact: Impact[]
}

export function decidePriority(
  tokens: readonly Token[],
  text: string,
  areas: readonly AreaScore[],
): PriorityDecision {
  const live = cueSet()
    .match(tokens)
    .filter((h) => !h.negated)
  const byKind = new Map<CueKind, number>()
  for (const h of live) byKind.set(h.kind, (byKind.get(h.kind) ?? 0) + h.weight)
  const headcount = wideHeadcount(text)
  if (headcount) byKind.set('wide', (byKind.get('wide') ?? 0) + 2)
  const sum = (kind: CueKind) => byKind.get(kind) ?? 0

  const impact = [...byKind.entries()]
    .filter((e): e is [Impact, number] => isImpact(e[0]))
    .sort((a, b) => b[1] - a[1])
  const high = impact.reduce((acc, [, w]) => acc + w, 0)
  const low = sum('low')
  const reasons = [
    ...live.filter((h) => h.kind !== 'problem').map((h) => `${h.kind}: ${h.pattern.split('|')[0] ?? ''}`),
    ...(headcount ? [`wide: ${headcount}`] : []),
  ]
  const decision = (priority: TicketPriority): PriorityDecision => ({
    priority,
    high,
    low,
    reasons,
    impact: impact.map(([k]) => k),
  })

  if (high >= HIGH_THRESHOLD) return decision('high')
  if (low >= 2) return decision('low')
  // Security concerns are never downgraded just because they are phrased as a question.
  const problems = sum('problem')
  if (sum('ask') >= 1 && problems === 0 && areas[0]?.area.id !== 'security') return decision('low')
  if (sum('visual') >= 1 && problems === 0) return decision('low')
  return decision('medium')
}

function wideHeadcount(text: string): string | undefined {
  const lower = text.toLowerCase()
  const m =
    /\b(\d[\d,]*)\s+(?:people|users|staff|employees|customers|colleagues|persons|members|agents|technicians|stores|sites)\b/.exec(
      lower,
    ) ?? /\b(?:team|department|group|office) of (\d[\d,]*)\b/.exec(lower)
  const n = m?.[1] ? Number(m[1].replace(/,/g, '')) : 0
  return n >= WIDE_HEADCOUNT ? `${n} affected` : undefined
}
