// The ticket workflow of tickets-module.md ("Background Processing"), one memoised step at a time:
// fetch-ticket → update-ticket-status → ai-processing → assign-moderator → send-email-notification.
// A failed step throws and pg-boss retries the job with backoff; finished steps are not repeated.
// After the last attempt the spec's degradation rules apply: AI fails → default priority and null
// AI fields, assignment still attempted; assignment fails → unassigned, analysis kept; email fails
// → assignment kept, the error recorded.
import Type from 'typebox'
import type { Db, Tx } from '../db/client.js'
import { type AssignmentResult, autoAssign } from '../modules/assignment/assignment.service.js'
import type { Notifier } from '../modules/notifications/notifier.js'
import { findTicket, setProcessingStatus } from '../modules/tickets/ticket.repository.js'
import { applyAnalysis, loadCatalog } from '../modules/triage/triage.service.js'
import {
  type CatalogSkill,
  type TicketAnalysis,
  TriageError,
  type TriageProvider,
} from '../modules/triage/triage.types.js'
import { defineJob, isLastAttempt } from './job.js'
import { QUEUES } from './queue.js'
import { createStepRunner, type StepTiming } from './steps.js'

export interface WorkflowDeps {
  db: Db
  triage: TriageProvider
  notifier: Notifier
  /** The skills catalog for analysis; read fresh each time unless a cache is given. */
  catalog?: () => Promise<CatalogSkill[]>
  onStepTiming?: StepTiming
}

type Analysed = { ok: true; analysis: TicketAnalysis } | { ok: false; error: string }
type Assigned = AssignmentResult | { assignedTo: null; reason: 'failed'; error: string }

const message = (error: unknown) => (error instanceof Error ? error.message : String(error))

async function markProcessing(tx: Tx, ticketId: string, status: 'running' | 'done' | 'failed') {
  await setProcessingStatus(tx, ticketId, status)
  return null
}

export const ticketWorkflow = defineJob({
  queue: QUEUES.ticketWorkflow,
  payload: Type.Object({ ticketId: Type.String({ format: 'uuid' }) }),
  async handle({ db, triage, notifier, catalog = () => loadCatalog(db), onStepTiming }: WorkflowDeps, job) {
    const { ticketId } = job.payload
    const lastAttempt = isLastAttempt(job)
    const steps = createStepRunner(db, job.id, ticketId, onStepTiming)

    const ticket = await steps.together(async (step) => {
      const found = await step.run('fetch-ticket', async (tx) => {
        const row = await findTicket(tx, ticketId)
        return row ? { id: row.id, title: row.title, description: row.description } : null
      })
      if (found) await step.run('update-ticket-status', (tx) => markProcessing(tx, ticketId, 'running'))
      return found
    })
    if (!ticket) return { outcome: 'ticket deleted' }

    const analysed = await steps.runExternal<Analysed, Analysed>(
      'ai-processing',
      async () => {
        try {
          return { ok: true, analysis: await triage.analyse(ticket, await catalog()) }
        } catch (error) {
          // A refusal will not change on retry; anything else gets the job's retries first.
          const final = lastAttempt || (error instanceof TriageError && !error.retryable)
          if (!final) throw error
          return { ok: false, error: message(error) }
        }
      },
      async (tx, result) => {
        if (result.ok) await applyAnalysis(tx, ticketId, result.analysis, triage.name)
        return result
      },
    )

    const assign = (tx: Tx) => autoAssign(tx, ticketId)
    const notify = async (tx: Tx, assigned: Assigned) => {
      if (!assigned.assignedTo) return { emailId: null }
      const row = await findTicket(tx, ticketId)
      return { emailId: row ? ((await notifier.ticketAssigned(tx, row, assigned.assignedTo)) ?? null) : null }
    }
    const finish = (tx: Tx, assigned: Assigned) =>
      markProcessing(tx, ticketId, !analysed.ok || assigned.reason === 'failed' ? 'failed' : 'done')

    let assigned: Assigned
    if (!lastAttempt) {
      // The last three steps share one commit; a failure in any rolls all three back for the retry.
      assigned = await steps.together(async (step) => {
        const result = await step.run<Assigned>('assign-moderator', assign)
        await step.run('send-email-notification', (tx) => notify(tx, result))
        await step.run('finish', (tx) => finish(tx, result))
        return result
      })
    } else {
      // Last attempt: each step alone, so one that fails cannot undo the others (degradation).
      try {
        assigned = await steps.run<Assigned>('assign-moderator', assign)
      } catch (error) {
        const failure = { assignedTo: null, reason: 'failed', error: message(error) } as const
        assigned = await steps.run<Assigned>('assign-moderator', async () => failure)
      }
      const result = assigned
      try {
        await steps.run('send-email-notification', (tx) => notify(tx, result))
      } catch (error) {
        await steps.run('send-email-notification', async () => ({ emailId: null, error: message(error) }))
      }
      await steps.run('finish', (tx) => finish(tx, result))
    }
    const failed = !analysed.ok || assigned.reason === 'failed'
    return { outcome: failed ? 'failed' : 'done', assignedTo: assigned.assignedTo }
  },
})
