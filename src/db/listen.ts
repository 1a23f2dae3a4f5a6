// LISTEN on a channel, the same way on both drivers: PGlite delivers notifications within this
// process; on PostgreSQL a dedicated connection (a pooled one would be handed to other queries)
// receives them from every process, and reconnects if it drops.
import pg from 'pg'
import type { Database } from './client.js'

export interface ListenLogger {
  warn(obj: object, msg: string): void
  debug(obj: object, msg: string): void
}

/**
 * Calls `onPayload` for each notification on `channel`; resolves to the unsubscribe. `onLive`
 * hears whether notifications can arrive: false from the moment the connection is lost until it
 * is listening again (what was sent in between is gone), and at the unsubscribe.
 */
export async function listen(
  database: Database,
  channel: string,
  onPayload: (payload: string) => void,
  log: ListenLogger,
  onLive: (live: boolean) => void = () => undefined,
): Promise<() => Promise<void>> {
  const native = database.native
  if (native.driver === 'pglite') {
    const unlisten = await native.client.listen(channel, onPayload)
    onLive(true)
    // Unsubscribing from an already-closed database has nothing left to undo: worth a debug line only.
    return () => {
      onLive(false)
      return unlisten().catch((error: unknown) => log.debug({ err: error, channel }, 'UNLISTEN after close'))
    }
  }

  let client: pg.Client | undefined
  let stopped = false
  let retryTimer: NodeJS.Timeout | undefined
  const reconnectSoon = () => {
    if (!stopped) retryTimer = setTimeout(() => connect().catch(reconnectSoon), 1000)
  }
  const connect = async () => {
    const next = new pg.Client({ connectionString: native.url })
    next.on('notification', (message) => {
      if (message.channel === channel && message.payload) onPayload(message.payload)
    })
    next.on('error', (error) => {
      onLive(false)
      log.warn({ err: error, channel }, 'LISTEN connection lost; reconnecting')
      next.end().catch((err: unknown) => log.debug({ err, channel }, 'closing the lost LISTEN connection'))
      reconnectSoon()
    })
    await next.connect()
    await next.query(`LISTEN ${channel}`)
    client = next
    if (!stopped) onLive(true)
  }
  await connect()
  return async () => {
    stopped = true
    onLive(false)
    if (retryTimer) clearTimeout(retryTimer)
    await client
      ?.end()
      .catch((error: unknown) => log.warn({ err: error, channel }, 'closing the LISTEN connection failed'))
  }
}
