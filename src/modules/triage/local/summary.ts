// Extractive summary: the one or two most informative sentences of the ticket (title
// included), word for word, so nothing is invented.
import { vocabularyIndex } from './areas.js'
import type { Sentence } from './nlp.js'

export const MAX_SUMMARY_CHARS = 300
/** Said when the ticket has no text a summary could quote; states a fact about the ticket. */
const NO_PROBLEM_STATED = 'The ticket does not describe a problem.'

// Greetings carry no facts: stripped from the front of a sentence ("Hi team, the VPN is down").
const GREETING = /^(?:hi|hello|hey|dear|good (?:morning|afternoon|evening))\b[^,.!?]{0,30}[,.!:]\s*/i
// Sign-offs that are all a sentence says.
const SIGN_OFF = /^(?:thanks?|thank you|many thanks|cheers|regards|best|kind regards|br)\b/i
const PLEA = /^(?:please help|help|any help|any ideas|asap|urgent)[.!?]*$/i
// Requests to the helpdesk ("Please refund...", "Can someone check?") say what is wanted, not
// what is wrong; a summary prefers the sentences stating facts.
const REQUEST =
  /^(?:please|pls|can|could|would|will) (?:you|someone|somebody|anyone|u|we|i)?\b|^please\b|\?$/i
// Text addressed to an AI rather than describing a problem: never worth repeating.
const INJECTION = new RegExp(
  `\\b(?:${[
    'ignore (?:all |any |the )?(?:previous|prior|above|earlier) (?:instructions|prompts?|messages?)',
    'disregard (?:all |the )?(?:above|previous|prior|instructions)',
    'system prompt',
    'new instructions',
    'you are (?:now )?(?:an? )?(?:ai|assistant|language model|llm|chatbot)',
    '(?:must |only )?respond (?:only )?with',
    'act as an?',
  ].join('|')})\\b`,
  'i',
)

// Who and how much is affected is what a moderator reads a summary for.
const IMPACT =
  /\b(?:everyone|everybody|nobody|no one|all (?:users|customers|staff)|whole|entire|customers|production|outage|data|charged|payments?)\b/i

interface Candidate {
  text: string
  order: number
  score: number
  stems: Set<string>
}

function clean(text: string): string {
  return text
    .replace(/\p{Cc}/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(GREETING, '')
}

function score(s: Sentence, text: string, isTitle: boolean, lead: boolean): number {
  const words = s.tokens.length
  if (words === 0 || INJECTION.test(text)) return -10
  if (PLEA.test(text) || (SIGN_OFF.test(text) && words <= 6)) return -5
  let value = 0
  for (const hit of vocabularyIndex().match(s.tokens)) value += Math.max(...hit.payloads.map((p) => p.weight))
  // Concrete details (codes, numbers, quoted errors) are what a moderator needs first.
  value += s.tokens.filter((t) => t.numeric).length * 0.5
  if (/['"“].{4,}['"”]/.test(text)) value += 2
  if (IMPACT.test(text)) value += 2
  // Titles are written to say what is wrong; very short or very long sentences say less.
  if (isTitle) value += 2
  if (!isTitle && REQUEST.test(text)) value -= 2
  if (words < 4) value -= 2
  if (words > 40) value -= (words - 40) / 10
  // Reporters usually state the problem first.
  return value / Math.sqrt(Math.max(words, 4)) + (isTitle ? 1 : 0) + (lead ? 0.5 : 0)
}

function truncate(text: string, max: number): string {
  if (text.length <= max) return text
  const cut = text.slice(0, max - 1)
  const space = cut.lastIndexOf(' ')
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.-]+$/, '')}…`
}

function endSentence(text: string): string {
  return /[.!?…]$/.test(text) ? text : `${text}.`
}

export function summarise(titleText: string, title: Sentence[], description: Sentence[]): string {
  const candidates: Candidate[] = []
  const add = (s: Sentence, isTitle: boolean, lead = false) => {
    const text = clean(s.text)
    if (!text) return
    candidates.push({
      text,
      order: candidates.length,
      score: score(s, text, isTitle, lead),
      stems: new Set(s.tokens.map((t) => t.keys[0])),
    })
  }
  // The title is one headline even when wink splits it (".locked", "v3.2 down. urgent").
  if (title.length > 0) add({ text: titleText, tokens: title.flatMap((s) => s.tokens) }, true)
  description.forEach((s, i) => {
    add(s, false, i === 0)
  })
  const usable = candidates.filter((c) => c.score > -5)
  if (usable.length === 0) {
    // Nothing informative: fall back to any text that is not addressed to an AI.
    const any = candidates.find((c) => c.score > -10)
    return truncate(any ? endSentence(any.text) : NO_PROBLEM_STATED, MAX_SUMMARY_CHARS)
  }

  const first = [...usable].sort((a, b) => b.score - a.score || a.order - b.order)[0]
  if (!first) return NO_PROBLEM_STATED
  const chosen = [first]
  // Second sentence: the best one that adds new information and still fits.
  let second: Candidate | undefined
  let bestValue = 0
  for (const c of usable) {
    if (c === first || c.score <= 0) continue
    const overlap = [...c.stems].filter((k) => first.stems.has(k)).length / Math.max(c.stems.size, 1)
    const value = c.score * (1 - overlap)
    const length = first.text.length + c.text.length + 2
    if (overlap < 0.6 && value > bestValue && length <= MAX_SUMMARY_CHARS) {
      bestValue = value
      second = c
    }
  }
  if (second) chosen.push(second)
  chosen.sort((a, b) => a.order - b.order)
  if (chosen.length === 1) return truncate(endSentence(first.text), MAX_SUMMARY_CHARS)
  return truncate(chosen.map((c) => endSentence(c.text)).join(' '), MAX_SUMMARY_CHARS)
}
