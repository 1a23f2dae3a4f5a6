// The contract every triage provider (local, gemini, openai) fulfils. The analysis schema is
// declared once here: remote providers validate model output against it, and its JSON Schema
// is what they send as the structured-output schema.
import Type, { type Static } from 'typebox'
import { TICKET_PRIORITIES } from '../../db/schema.js'

export const TicketAnalysisSchema = Type.Object(
  {
    summary: Type.String({
      minLength: 1,
      maxLength: 1000,
      description: 'One or two sentences saying what is wrong',
    }),
    priority: Type.Enum(TICKET_PRIORITIES, {
      description:
        'high: outage, many affected, security, data loss, money; low: cosmetic, question, feature request',
    }),
    helpfulNotes: Type.String({
      maxLength: 2000,
      description: 'Concrete troubleshooting steps for the moderator',
    }),
    relatedSkills: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
      maxItems: 8,
      description: 'Skills needed, most relevant first; names from the catalog where one fits',
    }),
  },
  { additionalProperties: false },
)
export type TicketAnalysis = Static<typeof TicketAnalysisSchema>

export interface TicketText {
  title: string
  description: string
}

/** A catalog skill as triage sees it. */
export interface CatalogSkill {
  name: string
  description: string | null
  keywords: string[]
}

export interface TriageProvider {
  readonly name: 'local' | 'gemini' | 'openai'
  /**
   * True when analyse() computes in this process, with no network call: the workflow then has no
   * reason to commit before it and runs as one transaction. False for remote APIs, whose calls
   * must not hold a transaction (and its row locks) open while they wait.
   */
  readonly inProcess: boolean
  /** Analyses a ticket. Throws TriageError when it cannot. */
  analyse(ticket: TicketText, catalog: CatalogSkill[], signal?: AbortSignal): Promise<TicketAnalysis>
}

export class TriageError extends Error {
  constructor(
    message: string,
    /** Worth trying again later (timeouts, 429, 5xx); false for refusals and malformed output after retries. */
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options)
    this.name = 'TriageError'
  }
}

/**
 * The model answered, but not with a usable analysis (not JSON, the wrong shape, empty, cut off).
 * Another request within the same analysis may do better, so the provider's own attempts retry
 * it; once they are spent it is final: a model that keeps answering nonsense is not a passing
 * outage, and the job's retries (tens of seconds of backoff) would only delay the fallback.
 */
export class InvalidOutputError extends TriageError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, true, options)
    this.name = 'InvalidOutputError'
  }
}
