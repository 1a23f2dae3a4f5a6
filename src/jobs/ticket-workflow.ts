// The ticket workflow of tickets-module.md ("Background Processing"), as memoised steps:
// fetch-ticket → update-ticket-status → ai-processing → assign-moderator → send-email-notification
// (→ finish). A failed step throws and pg-boss retries the job with backoff; finished steps are not
// repeated. After the last attempt the spec's degradation rules apply: AI fails → default priority
// and null AI fields, assignment still attempted; assignment fails → unassigned, analysis kept;
// email fails → assignment kept, the error recorded.
import Type, { type TSchema } from 'typebox'
import type { Db, Tx } from '../db/client.js'
import type { TicketRow } from '../db/schema.js'
import { defaultLogger, type Logger } from '../logger.js'
import { type AssignmentResult, autoAssign } from '../modules/assignment/assignment.service.js'
import type { Notifier } from '../modules/notifications/notifier.js'
import {
  closestResolved,
  keepSimilarList,
  lexemeStatistics,
  type SimilarMatch,
  type Stats,
} from '../modules/similar/similar.service.js'
import {
  findTicket,
  insertEvents,
  type NewTicketEvent,
  type RecordHistory,
  setProcessingStatus,
} from '../modules/tickets/ticket.repository.js'
import { withSimilarNote } from '../modules/triage/similar-note.js'
import { applyAnalysis, loadCatalog } from '../modules/triage/triage.service.js'
import {
  type CatalogSkill,
  type TicketAnalysis,
  TicketAnalysisSchema,
  type TicketText,
  TriageError,
  type TriageProvider,
} from '../modules/triage/triage.types.js'
import { defineJob, isLastAttempt } from './job.js'
import { JOB_PAYLOADS } from './payloads.js'
import { QUEUES } from './queue.js'
import { createStepRunner, type StepRunner, type StepTiming } from './steps.js'

export interface WorkflowDeps {
  db: Db
  triage: TriageProvider
  notifier: Notifier
  /** The skills catalog for analysis; read fresh each time unless a cache is given. */
  catalog?: () => Promise<CatalogSkill[]>
  onStepTiming?: StepTiming
  /** `db` commits without waiting for the disk already (Database.asyncCommit). */
  asyncCommit?: boolean
  /** Where a step's non-fatal trouble is reported (the similar-ticket lookup). */
  log?: Logger
}

/** The closest resolved ticket analysis found (its note is in the analysis), for assignment. */
interface SimilarResolved {
  ticketId: string
  number: number
  similarity: number
  resolvedBy: string | null
}
type Analysed =
  | { ok: true; analysis: TicketAnalysis; similar?: SimilarResolved }
  | { ok: false; error: string }
type Assigned = AssignmentResult | { assignedTo: null; reason: 'failed'; error: string }
type Outcome = { outcome: 'ticket deleted' } | { outcome: 'done' | 'failed'; assignedTo: string | null }

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])

/**
 * What each step stores, as a retry reads it back (steps.ts checks it). A record that does not
 * match fails the attempt with a StepRecordError naming the step, rather than feeding the next
 * step a value of the wrong shape.
 */
const STEP_RESULTS = {
  'fetch-ticket': Nullable(Type.Object({ title: Type.String(), description: Type.String() })),
  'update-ticket-status': Type.Null(),
  'ai-processing': Type.Union([
    Type.Object({
      ok: Type.Literal(true),
      analysis: TicketAnalysisSchema,
      similar: Type.Optional(
        Type.Object({
          ticketId: Type.String(),
          number: Type.Integer(),
          similarity: Type.Number(),
          resolvedBy: Nullable(Type.String()),
        }),
      ),
    }),
    Type.Object({ ok: Type.Literal(false), error: Type.String() }),
  ]),
  'assign-moderator': Type.Union([
    Type.Object({
      assignedTo: Type.String(),
      email: Type.String(),
      reason: Type.Union([Type.Literal('skills'), Type.Literal('workload')]),
    }),
    Type.Object({
      assignedTo: Type.Null(),
      reason: Type.String(),
      error: Type.Optional(Type.String()),
    }),
  ]),
  'send-email-notification': Type.Object({
    emailId: Nullable(Type.String()),
    error: Type.Optional(Type.String()),
  }),
  finish: Type.Null(),
} as const

const message = (error: unknown) => (error instanceof Error ? error.message : String(error))

/**
 * The closest resolved ticket with its resolution, if close enough (similar.service.ts). In a
 * savepoint: a failing lookup must not abort the workflow's transaction; the analysis goes on
 * without the note.
 */
async function resolvedMatch(
  tx: Tx,
  ticket: TicketRow,
  log: Logger,
  stats: Stats | undefined,
  onList: (list: SimilarMatch[]) => void,
): Promise<(SimilarResolved & { resolution: string }) | undefined> {
  try {
    const { match, list } = await tx.transaction((savepoint) => closestResolved(savepoint, ticket, stats))
    onList(list)
    if (!match?.resolution) return undefined
    return {
      ticketId: match.ticket.id,
      number: match.ticket.number,
      similarity: match.similarity,
      resolvedBy: match.resolvedBy,
      resolution: match.resolution,
    }
  } catch (error) {
    log.warn({ err: error, ticketId: ticket.id }, 'similar resolved ticket lookup failed')
    return undefined
  }
}

export const ticketWorkflow = defineJob({
  queue: QUEUES.ticketWorkflow,
  payload: JOB_PAYLOADS[QUEUES.ticketWorkflow],
  async handle(deps: WorkflowDeps, job): Promise<Outcome> {
    const lastAttempt = isLastAttempt(job)
    const work = stepsOf(deps, job.payload.ticketId, lastAttempt)
    const steps = createStepRunner(deps.db, job, job.payload.ticketId, STEP_RESULTS, {
      onTiming: deps.onStepTiming,
      asyncCommit: deps.asyncCommit,
      beforeCommit: work.writeHistory,
    })
    // An analyser that runs in this process calls nothing outside: there is no reason to commit
    // before it, so the whole workflow is one transaction (one BEGIN/COMMIT instead of three, and
    // no step re-reads the ticket). The last attempt goes step by step, so that one failing step
    // cannot undo the others.
    const outcome =
      deps.triage.inProcess && !lastAttempt
        ? await inOneTransaction(steps, work)
        : await inPhases(steps, work, lastAttempt)
    await work.keepSimilarList()
    return outcome
  },
})

/** What each step does, given the transaction it runs in. */
function stepsOf(deps: WorkflowDeps, ticketId: string, lastAttempt: boolean) {
  const { db, triage, notifier, catalog = () => loadCatalog(db) } = deps
  const markProcessing = async (tx: Tx, status: 'running' | 'done' | 'failed') => {
    await setProcessingStatus(tx, ticketId, status)
    return null
  }
  // The ticket as a transaction last read or wrote it, holding its row lock: later steps in that
  // same transaction use it instead of reading it again (its processing_status aside, which no
  // step reads). A step in another transaction finds nothing here and reads afresh.
  let held: { tx: Tx; row: TicketRow } | undefined
  const hold = (tx: Tx, row: TicketRow | undefined) => {
    held = row ? { tx, row } : undefined
  }
  const heldIn = (tx: Tx) => (held?.tx === tx ? held.row : undefined)
  // The lexeme statistics of the similar-ticket lookup, read outside any transaction (where the
  // process-wide cache of lexemeStatistics applies: inside one they were read again for every
  // ticket, a pg_stats read of a thousand lexemes each time). Missing: the lookup reads them itself.
  let similarStats: Stats | undefined
  // The ticket's similar-ticket list, computed by the analysis and kept after its transaction
  // committed, in a short one of its own: adding this ticket to other tickets' lists waits for
  // whoever adds to the same entries, and must not hold the workflow's locks meanwhile (with
  // three workers analysing 200 like tickets, list inserts inside the workflow failed and jobs ran
  // past their timeout: 213 analyses for 200 tickets). Not computed (a retried
  // job whose analysis was memoised): the first GET of the ticket's similar tickets computes it.
  let similarList: SimilarMatch[] | undefined
  // History rows (analysis, assignment) wait for the end of their transaction and go in one
  // INSERT. Keyed by transaction: a rerun after a deadlock starts from none.
  const history = new WeakMap<Tx, NewTicketEvent[]>()
  const recordIn =
    (tx: Tx): RecordHistory =>
    async (events) => {
      history.set(tx, [...(history.get(tx) ?? []), ...events])
    }
  return {
    async fetchTicket(tx: Tx): Promise<TicketText | null> {
      const row = await findTicket(tx, ticketId, { forUpdate: true })
      hold(tx, row)
      return row ? { title: row.title, description: row.description } : null
    },
    markRunning: (tx: Tx) => markProcessing(tx, 'running'),
    /** Read outside any transaction: on PGlite, one connection, a read beside an open transaction would wait for it forever. */
    catalog,
    /** Likewise outside any transaction; a failure only means the lookup reads them itself. */
    async readSimilarStats(): Promise<void> {
      similarStats = await lexemeStatistics(db).catch((error: unknown) => {
        const log = deps.log ?? defaultLogger()
        log.warn({ err: error, ticketId }, 'similar-ticket statistics not read; the lookup reads them itself')
        return undefined
      })
    },
    async analyse(ticket: TicketText, skills: CatalogSkill[]): Promise<Analysed> {
      try {
        return { ok: true, analysis: await triage.analyse(ticket, skills) }
      } catch (error) {
        // A refusal will not change on retry; anything else gets the job's retries first.
        const final = lastAttempt || (error instanceof TriageError && !error.retryable)
        if (!final) throw error
        return { ok: false, error: message(error) }
      }
    },
    async recordAnalysis(tx: Tx, analysed: Analysed): Promise<Analysed> {
      if (!analysed.ok) return analysed
      const ticket = heldIn(tx) ?? (await findTicket(tx, ticketId))
      const similar = ticket
        ? await resolvedMatch(tx, ticket, deps.log ?? defaultLogger(), similarStats, (list) => {
            similarList = list
          })
        : undefined
      const analysis = similar ? withSimilarNote(analysed.analysis, similar) : analysed.analysis
      hold(tx, await applyAnalysis(tx, ticketId, analysis, triage.name, recordIn(tx)))
      return similar
        ? {
            ok: true,
            analysis,
            similar: {
              ticketId: similar.ticketId,
              number: similar.number,
              similarity: similar.similarity,
              resolvedBy: similar.resolvedBy,
            },
          }
        : { ok: true, analysis }
    },
    async assign(tx: Tx, analysed: Analysed): Promise<Assigned> {
      const similar = analysed.ok ? analysed.similar : undefined
      const resolver =
        similar?.resolvedBy != null
          ? { userId: similar.resolvedBy, similarity: similar.similarity, ticketNumber: similar.number }
          : undefined
      const { result, ticket } = await autoAssign(tx, ticketId, {
        locked: heldIn(tx),
        record: recordIn(tx),
        resolver,
      })
      hold(tx, ticket)
      return result
    },
    async notify(tx: Tx, assigned: Assigned) {
      if (!assigned.assignedTo) return { emailId: null }
      const row = heldIn(tx) ?? (await findTicket(tx, ticketId))
      const assignee = { id: assigned.assignedTo, email: assigned.email }
      return { emailId: row ? await notifier.ticketAssigned(tx, row, assignee) : null }
    },
    finish: (tx: Tx, analysed: Analysed, assigned: Assigned) =>
      markProcessing(tx, failed(analysed, assigned) ? 'failed' : 'done'),
    writeHistory: (tx: Tx) => insertEvents(tx, history.get(tx) ?? []),
    /** After the workflow committed; a failure only leaves the list to its first GET. */
    async keepSimilarList(): Promise<void> {
      if (!similarList) return
      const list = similarList
      similarList = undefined
      await keepSimilarList(db, ticketId, list).catch((error: unknown) => {
        const log = deps.log ?? defaultLogger()
        log.warn({ err: error, ticketId }, 'similar-ticket list not kept; its first lookup computes it')
      })
    },
  }
}
type WorkflowSteps = ReturnType<typeof stepsOf>

const failed = (analysed: Analysed, assigned: Assigned) => !analysed.ok || assigned.reason === 'failed'
const outcomeOf = (analysed: Analysed, assigned: Assigned): Outcome => ({
  outcome: failed(analysed, assigned) ? 'failed' : 'done',
  assignedTo: assigned.assignedTo,
})

/**
 * Every step in one transaction, each still recorded: all of it commits, or none of it and the
 * retry starts over (repeating only in-process work: nothing was sent anywhere).
 */
async function inOneTransaction(steps: StepRunner, work: WorkflowSteps): Promise<Outcome> {
  const skills = await work.catalog()
  await work.readSimilarStats()
  return steps.together(async (step) => {
    const ticket = await step.run('fetch-ticket', work.fetchTicket)
    if (!ticket) return { outcome: 'ticket deleted' }
    // `running` would be replaced by done/failed before this transaction commits: nobody could
    // ever see it, so the step is recorded without writing it.
    await step.run('update-ticket-status', async () => null)
    const analysed = await step.run('ai-processing', async (tx) =>
      work.recordAnalysis(tx, await work.analyse(ticket, skills)),
    )
    const assigned = await step.run('assign-moderator', (tx) => work.assign(tx, analysed))
    await step.run('send-email-notification', (tx) => work.notify(tx, assigned))
    await step.run('finish', (tx) => work.finish(tx, analysed, assigned))
    return outcomeOf(analysed, assigned)
  })
}

/**
 * For a remote analyser: `running` commits first (visible while the AI call is in flight), the
 * call runs outside any transaction, then assignment, email and finish commit together.
 */
async function inPhases(steps: StepRunner, work: WorkflowSteps, lastAttempt: boolean): Promise<Outcome> {
  const ticket = await steps.together(async (step) => {
    const found = await step.run('fetch-ticket', work.fetchTicket)
    if (found) await step.run('update-ticket-status', work.markRunning)
    return found
  })
  if (!ticket) return { outcome: 'ticket deleted' }

  const analysed = await steps.runExternal(
    'ai-processing',
    async () => {
      await work.readSimilarStats()
      return work.analyse(ticket, await work.catalog())
    },
    (tx, result) => work.recordAnalysis(tx, result),
  )

  if (!lastAttempt) {
    // A failure in any of the three rolls all three back for the retry.
    const assigned = await steps.together(async (step) => {
      const result = await step.run('assign-moderator', (tx) => work.assign(tx, analysed))
      await step.run('send-email-notification', (tx) => work.notify(tx, result))
      await step.run('finish', (tx) => work.finish(tx, analysed, result))
      return result
    })
    return outcomeOf(analysed, assigned)
  }

  // Last attempt: each step alone, so one that fails cannot undo the others (degradation).
  let assigned: Assigned
  try {
    assigned = await steps.run('assign-moderator', (tx) => work.assign(tx, analysed))
  } catch (error) {
    const failure = { assignedTo: null, reason: 'failed', error: message(error) } as const
    assigned = await steps.run<Assigned>('assign-moderator', async () => failure)
  }
  const result = assigned
  try {
    await steps.run('send-email-notification', (tx) => work.notify(tx, result))
  } catch (error) {
    await steps.run('send-email-notification', async () => ({ emailId: null, error: message(error) }))
  }
  await steps.run('finish', (tx) => work.finish(tx, analysed, result))
  return outcomeOf(analysed, result)
}
