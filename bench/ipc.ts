// The few messages between run.ts and a server child (app-server.ts, bare-server.ts), and the
// child's side of the exchange. The server runs in its own process so the load generator does
// not share its event loop.

export type ToChild = { type: 'stop' }
export type FromChild = { type: 'ready'; port: number }

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}

export function isFromChild(value: unknown): value is FromChild {
  if (!isRecord(value)) return false
  return value.type === 'ready' && typeof value.port === 'number'
}

function isToChild(value: unknown): value is ToChild {
  return isRecord(value) && value.type === 'stop'
}

interface Listenable {
  listen(options: { port: number; host: string }): Promise<string>
  /** Fastify's: AddressInfo objects, or strings for pipes and sockets. */
  addresses(): (string | { port: number })[]
}

/**
 * Child side: listen on a free port, tell the parent which, and run `close` then exit when told
 * to stop (or when the parent goes away).
 */
export async function serveOverIpc(app: Listenable, close: () => Promise<void>): Promise<void> {
  const send = (message: FromChild) => process.send?.(message)
  if (!process.send) throw new Error('run me through bench/run.ts (I need an IPC channel)')
  let closing = false
  const stop = async () => {
    if (closing) return
    closing = true
    await close()
    process.exit(0)
  }
  process.on('message', (message: unknown) => {
    if (isToChild(message)) void stop()
  })
  process.on('disconnect', () => void stop())
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.addresses()[0]
  if (address === undefined || typeof address === 'string') throw new Error('server has no TCP address')
  const { port } = address
  send({ type: 'ready', port })
}
