// Slow and silent clients: the server cuts them off instead of holding connections for minutes,
// while a live stream (quiet between heartbeats by design) stays open past the idle timeout.
import http from 'node:http'
import net, { type AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../src/config.js'
import { createTestContext, signedInUser, type TestContext } from './helpers/app.js'

let ctx: TestContext
let port: number

beforeAll(async () => {
  ctx = await createTestContext({
    REQUEST_TIMEOUT_MS: '1000',
    HEADERS_TIMEOUT_MS: '500',
    IDLE_TIMEOUT_MS: '2500',
    KEEP_ALIVE_TIMEOUT_MS: '500',
  })
  await ctx.app.listen({ port: 0, host: '127.0.0.1' })
  port = (ctx.app.server.address() as AddressInfo).port
})
afterAll(() => ctx.close())

/** Sends `head` (and nothing more) on a raw socket; resolves with what came back and when the socket closed. */
function rawExchange(head: string): Promise<{ reply: string; closedAfterMs: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now()
    const socket = net.connect(port, '127.0.0.1', () => socket.write(head))
    let reply = ''
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => {
      reply += chunk
    })
    socket.on('error', reject)
    socket.on('close', () => resolve({ reply, closedAfterMs: Date.now() - started }))
    // The test's own guard: a server without limits would keep this open for minutes.
    setTimeout(() => socket.destroy(), 8000).unref()
  })
}

describe('slow clients', () => {
  it('answers 408 to a request whose body never finishes arriving', async () => {
    const { reply, closedAfterMs } = await rawExchange(
      'POST /api/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n' +
        'Content-Length: 1000\r\n\r\n{"em',
    )
    expect(reply).toMatch(/^HTTP\/1\.1 408 /)
    expect(JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4))).toMatchObject({
      success: false,
      statusCode: 408,
      message: 'Request timeout',
    })
    expect(closedAfterMs).toBeLessThan(4000)
  })

  it('cuts off a client that never finishes its headers', async () => {
    const { closedAfterMs } = await rawExchange('GET /health/live HTTP/1.1\r\nHost: localhost\r\nX-Slow: 1')
    expect(closedAfterMs).toBeLessThan(4000)
  })

  it('closes a connection that says nothing at all', async () => {
    const { closedAfterMs } = await rawExchange('')
    expect(closedAfterMs).toBeLessThan(4000)
  })

  it('keeps a live stream open past the idle timeout', async () => {
    const user = await signedInUser(ctx, 'user')
    const request = http.get(`http://127.0.0.1:${port}/api/events`, { headers: { cookie: user.cookie } })
    const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
      request.on('response', resolve)
      request.on('error', reject)
    })
    expect(response.statusCode).toBe(200)
    let closed = false
    response.on('close', () => {
      closed = true
    })
    response.resume()
    // Longer than the idle timeout, with nothing sent (the next heartbeat is 25 s away).
    await new Promise((resolve) => setTimeout(resolve, 4000))
    expect(closed).toBe(false)
    request.destroy()
  })
})

describe('timeout configuration', () => {
  it('refuses a headers timeout that is not below the request timeout', () => {
    expect(() => loadConfig({ REQUEST_TIMEOUT_MS: '1000', HEADERS_TIMEOUT_MS: '1000' })).toThrow(
      /HEADERS_TIMEOUT_MS must be less than REQUEST_TIMEOUT_MS/,
    )
  })

  it('defaults to limits well under a minute for a request', () => {
    const { http: timeouts } = loadConfig({})
    expect(timeouts.requestTimeoutMs).toBeLessThanOrEqual(30_000)
    expect(timeouts.headersTimeoutMs).toBeLessThan(timeouts.requestTimeoutMs)
  })
})
