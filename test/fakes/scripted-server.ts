// A local HTTP server that plays back scripted replies and records every request, for faking model APIs.
// Only 127.0.0.1 on a random port: tests never reach a real provider.
import http from 'node:http'
import type { AddressInfo } from 'node:net'

export interface RecordedRequest {
  method: string
  path: string
  headers: http.IncomingHttpHeaders
  /** The parsed JSON body (undefined when it was not JSON). */
  body: unknown
}

export type Reply =
  | { status?: number; headers?: Record<string, string>; json: unknown }
  /** Accept the request and never answer, to exercise client timeouts. */
  | { hang: true }

export interface ScriptedServer {
  /** http://127.0.0.1:port, no trailing slash. */
  url: string
  requests: RecordedRequest[]
  /** Queues replies, served in order. */
  reply(...replies: Reply[]): void
  /** The reply once the queue is empty (by default a 500 saying nothing was scripted). */
  replyAlways(reply: Reply): void
  close(): Promise<void>
}

const unscripted: Reply = { status: 500, json: { error: { message: 'fake server: no reply scripted' } } }

/** `route` says which method and path the faked API serves; anything else gets a 404. */
export async function startScriptedServer(
  route: (method: string, path: string) => boolean,
): Promise<ScriptedServer> {
  const requests: RecordedRequest[] = []
  const queue: Reply[] = []
  let fallback = unscripted

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8')
      let body: unknown
      try {
        body = text ? JSON.parse(text) : undefined
      } catch {
        body = undefined
      }
      const method = req.method ?? ''
      const path = req.url ?? ''
      requests.push({ method, path, headers: req.headers, body })
      if (!route(method, path)) {
        send(res, { status: 404, json: { error: { message: `fake server: no route ${method} ${path}` } } })
        return
      }
      send(res, queue.shift() ?? fallback)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    reply: (...replies) => queue.push(...replies),
    replyAlways: (reply) => {
      fallback = reply
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        // Hanging requests keep their sockets open; close() alone would wait for them forever.
        server.closeAllConnections()
        server.close((error) => (error ? reject(error) : resolve()))
      }),
  }
}

function send(res: http.ServerResponse, reply: Reply) {
  if ('hang' in reply) return
  res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers })
  res.end(JSON.stringify(reply.json))
}
