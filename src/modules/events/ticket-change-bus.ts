// Fans committed ticket changes (NOTIFY sts_ticket_changes, sent by triggers) out to this
// process's live subscribers. One LISTEN per process, however many browsers are connected.
import Type, { type Static } from 'typebox'
import { Value } from 'typebox/value'
import type { Database } from '../../db/client.js'
import { type ListenLogger, listen } from '../../db/listen.js'
import { type AccessChange, AccessChangeSchema } from './access-changes.js'

export const TICKET_CHANGES_CHANNEL = 'sts_ticket_changes'

export const TicketRowChangeSchema = Type.Object({
  kind: Type.Enum(['created', 'updated', 'deleted', 'comment', 'sla']),
  ticket_id: Type.String(),
  created_by: Type.String(),
  assigned_to: Type.Union([Type.String(), Type.Null()]),
  status: Type.String(),
  processing_status: Type.String(),
  // Optional: a process still running the previous trigger sends neither.
  number: Type.Optional(Type.Integer()),
  /** A comment event for an internal note: staff only. */
  internal: Type.Optional(Type.Boolean()),
  /** An SLA escalation (kind `sla`, staff only): warning or breached, and which target. */
  sla_event: Type.Optional(Type.Enum(['warning', 'breached'])),
  target: Type.Optional(Type.Enum(['first_response', 'resolution'])),
})
export type TicketRowChange = Static<typeof TicketRowChangeSchema>

/**
 * One statement changed more than 500 tickets or comments (migration 0011): the transaction sends
 * this instead of one notification per row, which would flood every listening process (1M rows:
 * seconds of its event loop spent parsing, its readiness check timing out). Listeners refetch.
 */
export const BulkChangeSchema = Type.Object({ kind: Type.Literal('bulk') })

export const TicketChangeSchema = Type.Union([TicketRowChangeSchema, BulkChangeSchema])
export type TicketChange = Static<typeof TicketChangeSchema>

export interface TicketChangeBus {
  subscribe(listener: (change: TicketChange) => void): () => void
  /** Changes of a user's rights or sessions (see access-changes.ts), in order with the ticket changes. */
  subscribeAccess(listener: (change: AccessChange) => void): () => void
  stop(): Promise<void>
}

/**
 * `onLive` hears whether changes can arrive (see listen()): a cache kept fresh by the access
 * announcements must not be trusted while they could be missed.
 */
export async function startTicketChangeBus(
  database: Database,
  log: ListenLogger,
  onLive?: (live: boolean) => void,
): Promise<TicketChangeBus> {
  const listeners = new Set<(change: TicketChange) => void>()
  const accessListeners = new Set<(change: AccessChange) => void>()
  const unlisten = await listen(
    database,
    TICKET_CHANGES_CHANNEL,
    (payload) => {
      let change: unknown
      try {
        change = JSON.parse(payload)
      } catch {
        change = undefined
      }
      if (Value.Check(AccessChangeSchema, change)) {
        for (const listener of accessListeners) listener(change)
        return
      }
      if (!Value.Check(TicketChangeSchema, change)) {
        log.warn({ channel: TICKET_CHANGES_CHANNEL, payload }, 'ignoring a malformed ticket change')
        return
      }
      for (const listener of listeners) listener(change)
    },
    log,
    onLive,
  )
  return {
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    subscribeAccess(listener) {
      accessListeners.add(listener)
      return () => accessListeners.delete(listener)
    },
    stop: unlisten,
  }
}
