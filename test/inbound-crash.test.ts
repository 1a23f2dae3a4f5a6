// The SMTP listener's promise: 250 only after the commit (of the message and its filing job), so a
// server killed (SIGKILL) the moment it answered 250 still has the message after a restart, and its
// worker files it, once. The real server runs as a child
// process on PGlite (a DATA_DIR in a temp dir, whose lock file the dead process leaves behind) or
// on this file's PostgreSQL database when TEST_DATABASE_URL is set.
import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestContext, type TestContext } from './helpers/app.js'
import { spawnServer, type WorkerProcess } from './helpers/processes.js'
import { testDatabaseUrl } from './helpers/template.js'

const ADMIN = { email: 'admin@helpdesk.test', password: 'crash-test-password' }
let ctx: TestContext | undefined
let dataDir: string | undefined
const servers: WorkerProcess[] = []

async function freePort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (!address || typeof address === 'string') throw new Error('no port')
  return address.port
}

let env: Record<string, string>

beforeAll(async () => {
  const [httpPort, smtpPort] = [await freePort(), await freePort()]
  let database: Record<string, string>
  if (testDatabaseUrl()) {
    ctx = await createTestContext()
    database = { DATABASE_URL: ctx.databaseUrl ?? '' }
  } else {
    dataDir = await mkdtemp(join(tmpdir(), 'sts-crash-'))
    database = { DATA_DIR: dataDir }
  }
  env = {
    ...database,
    PORT: String(httpPort),
    HOST: '127.0.0.1',
    INBOUND_SMTP_PORT: String(smtpPort),
    INBOUND_SMTP_HOST: '127.0.0.1',
    INBOUND_ADDRESS: 'support@helpdesk.test',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    AI_PROVIDER: 'local',
    COOKIE_SECURE: 'false',
    LOG_LEVEL: 'info',
    // The embedded worker may have taken the message's filing job when the SIGKILL came: that job
    // is retried once it expires (and pg-boss's maintenance, every half expiry, notices).
    JOB_TIMEOUT_SECONDS: '6',
  }
}, 60_000)
afterAll(async () => {
  for (const server of servers) if (server.child.exitCode === null) server.child.kill('SIGKILL')
  await Promise.all(servers.map((s) => s.exited))
  await ctx?.close()
  if (dataDir) await rm(dataDir, { recursive: true, force: true })
})

async function start(): Promise<WorkerProcess> {
  const server = spawnServer(env)
  servers.push(server)
  await Promise.race([
    server.ready,
    server.exited.then((code) => {
      throw new Error(`the server exited (${code}) before it was ready`)
    }),
  ])
  return server
}

/** Speaks SMTP to the listener and calls `onAccepted` in the same tick the 250 for DATA arrives. */
function sendAndKillOn250(port: number, message: string, onAccepted: () => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1')
    const commands = [
      'EHLO client.example',
      'MAIL FROM:<customer@example.org>',
      'RCPT TO:<support@helpdesk.test>',
      'DATA',
      `${message}\r\n.`,
    ]
    let buffer = ''
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8')
      let index = buffer.indexOf('\r\n')
      while (index >= 0) {
        const line = buffer.slice(0, index)
        buffer = buffer.slice(index + 2)
        index = buffer.indexOf('\r\n')
        if (!/^\d{3} /.test(line)) continue
        if (commands.length === 0) {
          if (line.startsWith('250 ')) onAccepted()
          socket.destroy()
          resolve(line)
          return
        }
        if (!/^[23]/.test(line)) {
          socket.destroy()
          reject(new Error(`SMTP refused: ${line}`))
          return
        }
        socket.write(`${commands.shift()}\r\n`)
      }
    })
    socket.on('error', reject)
  })
}

describe('a server killed right after answering 250', () => {
  it('has the ticket, once, after the restart', async () => {
    const first = await start()
    const messageId = `<${randomUUID()}@mail.example.org>`
    const subject = `Crash test ${randomUUID().slice(0, 8)}`
    const reply = await sendAndKillOn250(
      Number(env.INBOUND_SMTP_PORT),
      [
        'From: Customer <customer@example.org>',
        'To: support@helpdesk.test',
        `Subject: ${subject}`,
        `Message-ID: ${messageId}`,
        '',
        'The VPN drops every ten minutes since Monday.',
      ].join('\r\n'),
      () => first.child.kill('SIGKILL'),
    )
    expect(reply).toMatch(/^250 /)
    expect(await first.exited).toBeNull()
    expect(first.child.signalCode).toBe('SIGKILL')

    // Same database (and on PGlite the same DATA_DIR, with the dead process's lock file in it).
    await start()
    const base = `http://127.0.0.1:${env.PORT}`
    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    })
    expect(login.status).toBe(200)
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
    const get = async (path: string) =>
      (await (await fetch(`${base}${path}`, { headers: { cookie } })).json()) as {
        data: Record<string, unknown> & Record<string, unknown>[]
      }
    const records = async () =>
      (await get('/api/admin/inbound?limit=100')).data.filter((r) => r.message_id === messageId)
    // Recorded before the 250 (pending, or filed already if a worker was quick); filed after the restart.
    expect((await records()).length).toBe(1)
    await expect
      .poll(async () => (await records()).map((r) => r.outcome), { timeout: 45_000, interval: 100 })
      .toEqual(['ticket_created'])
    const [record] = await records()
    const ticket = (await get(`/api/tickets/${record?.ticket_id}`)).data
    expect(ticket).toMatchObject({ title: subject })
  }, 120_000)
})
