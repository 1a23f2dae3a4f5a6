// A 30 MB message to the SMTP listener at the default INBOUND_MAX_BYTES (25 MB): refused with 552
// after the data, nothing filed, and the data not kept in memory as it streams in. (The bench
// prints the precise memory figures; the bound here is generous, it only catches buffering.)
import net from 'node:net'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createIntakeDeps } from '../src/modules/inbound/channels.js'
import { type SmtpListener, startSmtpListener } from '../src/modules/inbound/smtp-listener.js'
import { call, createTestContext, signedInUser, type TestContext, type TestUser } from './helpers/app.js'

let ctx: TestContext
let admin: TestUser
let listener: SmtpListener
const quiet = { info() {}, warn() {}, error() {} }

beforeAll(async () => {
  ctx = await createTestContext({ INBOUND_ADDRESS: 'support@helpdesk.test' })
  admin = await signedInUser(ctx, 'admin')
  listener = await startSmtpListener({
    intake: createIntakeDeps(ctx.config, ctx.database, ctx.queue),
    address: 'support@helpdesk.test',
    host: '127.0.0.1',
    port: 0,
    maxBytes: ctx.config.inbound.maxBytes,
    log: quiet,
  })
})
afterAll(async () => {
  await listener?.close()
  await ctx?.close()
})

// What the process holds on to (garbage collected first: the chunks passing through are garbage).
setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void
const retained = () => {
  gc()
  const usage = process.memoryUsage()
  return usage.heapUsed + usage.arrayBuffers
}

/**
 * Streams `bytes` of message data without announcing SIZE (as a plain client would), writing only
 * when the socket drains, so the client side holds next to nothing. Returns the final reply.
 */
function streamMessage(bytes: number, sample: () => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(listener.port, '127.0.0.1')
    const commands = [
      'EHLO client.example',
      'MAIL FROM:<big@example.org>',
      'RCPT TO:<support@helpdesk.test>',
      'DATA',
    ]
    const line = `${'x'.repeat(998)}\r\n`
    const block = Buffer.from(line.repeat(64))
    let buffer = ''
    let sentData = false
    const sendData = () => {
      let sent = 0
      const header = Buffer.from('Subject: a very large message\r\n\r\n')
      socket.write(header)
      sent += header.length
      let nextSample = 0
      const pump = () => {
        while (sent < bytes) {
          if (sent >= nextSample) {
            // Every 2 MB: let the listener catch up, then see what it keeps.
            nextSample += 2 * 1024 * 1024
            return void setTimeout(() => {
              sample()
              pump()
            }, 50)
          }
          sent += block.length
          if (!socket.write(block)) return void socket.once('drain', pump)
        }
        socket.write('.\r\n')
      }
      pump()
    }
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8')
      let index = buffer.indexOf('\r\n')
      while (index >= 0) {
        const reply = buffer.slice(0, index)
        buffer = buffer.slice(index + 2)
        index = buffer.indexOf('\r\n')
        if (!/^\d{3} /.test(reply)) continue
        if (sentData) {
          socket.end('QUIT\r\n')
          return resolve(reply)
        }
        const next = commands.shift()
        if (next) socket.write(`${next}\r\n`)
        else if (reply.startsWith('354')) {
          sentData = true
          sendData()
        } else return reject(new Error(`unexpected reply ${reply}`))
      }
    })
    socket.on('error', reject)
  })
}

describe('SMTP listener and a message over INBOUND_MAX_BYTES', () => {
  it('refuses 30 MB with 552 without keeping it in memory', async () => {
    expect(ctx.config.inbound.maxBytes).toBe(25 * 1024 * 1024)
    const before = (await call(ctx, admin, 'GET', '/api/admin/inbound?limit=1')).body.meta?.total
    const baseline = retained()
    let peak = baseline
    const reply = await streamMessage(30 * 1024 * 1024, () => {
      peak = Math.max(peak, retained())
    })
    expect(reply).toMatch(/^552 /)
    // Holding the data would retain up to 25 MB; the socket and parser buffers are far below 10.
    expect((peak - baseline) / 1024 / 1024).toBeLessThan(10)
    expect((await call(ctx, admin, 'GET', '/api/admin/inbound?limit=1')).body.meta?.total).toBe(before)
  }, 120_000)
})
