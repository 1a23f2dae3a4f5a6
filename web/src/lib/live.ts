// One EventSource on GET /api/events for the whole app. Pages subscribe and refetch what they
// show through the API; an event only says which ticket changed. EventSource reconnects by
// itself (the server asks for 3 s); when it gives up (the answer was not a stream, e.g. 401),
// we retry more slowly while someone is signed in.
import { useEffect, useRef, useState } from 'preact/hooks'
import { reportUnauthorized } from '../api/client'
import type { ProcessingStatus, TicketStatus } from '../api/types'

export type TicketEventKind = 'ticket.created' | 'ticket.updated' | 'ticket.comment' | 'ticket.deleted'

export interface LiveEvent {
  /** resync: we were disconnected; bulk: one statement changed many tickets. Both: refetch all. */
  kind: TicketEventKind | 'resync' | 'bulk'
  ticket_id?: string
  status?: TicketStatus
  processing_status?: ProcessingStatus
  assigned_to?: string | null
}

export type LiveState = 'off' | 'connecting' | 'live'

const KINDS: TicketEventKind[] = ['ticket.created', 'ticket.updated', 'ticket.comment', 'ticket.deleted']
const RETRY_MS = 10_000

let source: EventSource | undefined
let retryTimer: ReturnType<typeof setTimeout> | undefined
let wanted = false
let everReady = false
let state: LiveState = 'off'
const listeners = new Set<(event: LiveEvent) => void>()
const stateListeners = new Set<(state: LiveState) => void>()

function setState(next: LiveState): void {
  state = next
  for (const listener of stateListeners) listener(next)
}

function dispatch(event: LiveEvent): void {
  for (const listener of listeners) listener(event)
}

function open(): void {
  const es = new EventSource('/api/events')
  source = es
  setState('connecting')
  es.addEventListener('ready', () => {
    setState('live')
    // Events sent while we were disconnected are gone: have every page refetch once.
    if (everReady) dispatch({ kind: 'resync' })
    everReady = true
  })
  for (const kind of KINDS) {
    es.addEventListener(kind, (message) => {
      try {
        const data = JSON.parse((message as MessageEvent<string>).data) as Omit<LiveEvent, 'kind'>
        dispatch({ ...data, kind })
      } catch {
        // A malformed event carries nothing we could act on.
      }
    })
  }
  // Sent instead of one event per ticket when one statement changed hundreds (an import, a mass
  // close): every page refetches what it shows.
  es.addEventListener('ticket.bulk', () => dispatch({ kind: 'bulk' }))
  es.onerror = () => {
    if (es.readyState === EventSource.CLOSED) {
      es.close()
      source = undefined
      setState('connecting')
      if (!wanted) return
      retryTimer = setTimeout(open, RETRY_MS)
      // Refused for good usually means the session ended (signed out elsewhere, deactivated).
      void fetch('/api/auth/me', { credentials: 'same-origin' })
        .then((response) => {
          if (response.status === 401) reportUnauthorized()
        })
        .catch(() => undefined)
    } else {
      setState('connecting')
    }
  }
}

export function startLive(): void {
  wanted = true
  if (!source) open()
}

export function stopLive(): void {
  wanted = false
  everReady = false
  clearTimeout(retryTimer)
  source?.close()
  source = undefined
  setState('off')
}

export function useLiveState(): LiveState {
  const [current, setCurrent] = useState(state)
  useEffect(() => {
    stateListeners.add(setCurrent)
    return () => {
      stateListeners.delete(setCurrent)
    }
  }, [])
  return current
}

/**
 * Calls `refetch` after live events that `relevant` accepts (and after a reconnect), debounced:
 * a burst of changes (analysis, then assignment) costs one refetch.
 */
export function useLiveRefetch(
  relevant: (event: LiveEvent) => boolean,
  refetch: (event: LiveEvent) => void,
  delayMs = 300,
): void {
  const latest = useRef({ relevant, refetch })
  latest.current = { relevant, refetch }
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined
    const listener = (event: LiveEvent) => {
      const everything = event.kind === 'resync' || event.kind === 'bulk'
      if (!everything && !latest.current.relevant(event)) return
      clearTimeout(timer)
      timer = setTimeout(() => latest.current.refetch(event), delayMs)
    }
    listeners.add(listener)
    return () => {
      clearTimeout(timer)
      listeners.delete(listener)
    }
  }, [delayMs])
}
