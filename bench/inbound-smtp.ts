// `npx tsx bench/inbound-smtp.ts [-- --keep]`: inbound mail through the built-in SMTP listener of
// the real server (`src/server.ts` in a child process, embedded workers, the local analyser) on a
// fresh PostgreSQL database (BENCH_DB_NAME, default sts_bench_mail). Measures:
// - messages per second accepted (250: the message and its filing job committed), filed (its
//   outcome recorded: ticket or comment committed, by a worker) and done end to end (the ticket's
//   workflow done: analysed, prioritised, assigned), sent by nodemailer over several connections;
// - the time to 250 per message (p50/p99);
// - the server's RSS while a 25 MB message arrives, while it is accepted (dot → 250) and until a
//   worker filed it, and while 30 MB (over INBOUND_MAX_BYTES) streams in and is refused.
// Yardstick, same run and client: a bare smtp-server that answers 250 without doing anything.
// BENCH_MAIL_MESSAGES sets how many (default 1,000); BENCH_CPU_PROF=<dir> profiles the server.
// BENCH_MAIL_WORKERS=<n>: the server with WORKER=off and n worker processes (`src/worker.ts`), the
// layout README recommends on PostgreSQL, instead of the embedded worker (n = 0, the default).
import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import net from 'node:net'
import { fileURLToPath } from 'node:url'
import nodemailer from 'nodemailer'
import pg from 'pg'
import { SMTPServer } from 'smtp-server'
import { BENCH_DB, databaseUrl } from './config.js'
import { dropDatabase, recreateDatabase } from './db-admin.js'
import { fmt, heading, table } from './report.js'
import { spawnWorkers } from './workflow/workers.js'

const MESSAGES = Number(process.env.BENCH_MAIL_MESSAGES ?? 1000)
const WARMUP = 50
const CONNECTIONS = 8
const SENDERS = 200
const ADDRESS = 'support@helpdesk.test'
const MB = 1024 * 1024
const keep = process.argv.includes('--keep')
const WORKERS = Number(process.env.BENCH_MAIL_WORKERS ?? 0)
const root = fileURLToPath(new URL('..', import.meta.url))

async function freePort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (!address || typeof address === 'string') throw new Error('no port')
  return address.port
}

async function startServer(env: Record<string, string>): Promise<ChildProcess> {
  // BENCH_CPU_PROF=<dir>: the server's V8 CPU profile, written when it exits (as in `npm run bench`).
  const profile = process.env.BENCH_CPU_PROF
  const flags = profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : []
  const child = spawn(process.execPath, [...flags, '--import', 'tsx', 'src/server.ts'], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  await new Promise<void>((resolve, reject) => {
    let buffered = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8')
      if (buffered.includes('Smart Ticket System on http')) resolve()
      // Keep only the tail: the ready line may straddle two chunks, the rest is not needed.
      buffered = buffered.slice(-200)
    })
    child.once('exit', (code) => reject(new Error(`server exited (${code}) before it listened`)))
  })
  return child
}

const rssOf = (pid: number) =>
  Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0

/** Sends `count` messages over CONNECTIONS connections; returns the wall time and each time to 250. */
async function sendMany(port: number, count: number, offset: number) {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    secure: false,
    ignoreTLS: true,
    pool: true,
    maxConnections: CONNECTIONS,
    maxMessages: Number.POSITIVE_INFINITY,
    // Nagle off on the client's sockets. nodemailer writes a message in several chunks and the
    // final dot on its own; with Nagle on, that dot waits for the server's delayed ACK (~40 ms on
    // Linux), which capped even the bare yardstick at 8 connections / ~50 ms: the figure measured
    // the client's socket, not the server. Production MTAs send the data differently; the server
    // cannot change the client's setting (it has no TCP_QUICKACK in Node).
    getSocket: (_options, callback) => {
      const socket = net.connect(port, '127.0.0.1', () => callback(null, { connection: socket }))
      socket.setNoDelay(true)
      socket.once('error', (error) => callback(error, undefined))
    },
  })
  const times: number[] = []
  let next = 0
  const started = performance.now()
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (next < count) {
        const i = offset + next++
        const sent = performance.now()
        const info = await transport.sendMail({
          from: `customer${i % SENDERS}@example.org`,
          to: ADDRESS,
          subject: `Printer on floor ${i} jams on every page`,
          text: `The printer on floor ${i} jams on every page since this morning. Restarting it did not help.`,
          html: `<p>The printer on floor ${i} <b>jams</b> on every page since this morning.</p>`,
        })
        if (!info.response.startsWith('250')) throw new Error(`not accepted: ${info.response}`)
        times.push(performance.now() - sent)
      }
    }),
  )
  const seconds = (performance.now() - started) / 1000
  transport.close()
  return { seconds, times: times.sort((a, b) => a - b) }
}

/**
 * Streams one message of about `bytes` (a base64 attachment) over a raw connection, with
 * backpressure, sampling the server's RSS; returns the reply and RSS peaks while the data arrived
 * and between the final dot and the reply.
 */
async function streamLarge(port: number, pid: number, bytes: number) {
  const base64Line = () => `${randomBytes(57).toString('base64')}\r\n`
  // A 1 MB block of random base64 lines, repeated: the content does not matter, the size does.
  const block = Buffer.from(Array.from({ length: Math.ceil(MB / 78) }, base64Line).join(''))
  const head = Buffer.from(
    [
      'From: big@example.org',
      `To: ${ADDRESS}`,
      'Subject: Screen recording of the crash',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      'The recording shows the crash.',
      '--b',
      'Content-Type: video/mp4; name="crash.mp4"',
      'Content-Disposition: attachment; filename="crash.mp4"',
      'Content-Transfer-Encoding: base64',
      '',
      '',
    ].join('\r\n'),
  )
  const tail = Buffer.from('--b--\r\n.\r\n')
  const before = rssOf(pid)
  let phase: 'arriving' | 'filing' | 'afterwards' | 'done' = 'arriving'
  const peak = { arriving: before, filing: before, afterwards: before }
  const sampler = setInterval(() => {
    if (phase !== 'done') peak[phase] = Math.max(peak[phase], rssOf(pid))
  }, 10)
  const reply = await new Promise<string>((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1')
    const commands = ['EHLO bench.example', 'MAIL FROM:<big@example.org>', `RCPT TO:<${ADDRESS}>`, 'DATA']
    let buffered = ''
    let inData = false
    const sendData = () => {
      let sent = head.length
      socket.write(head)
      const pump = () => {
        while (sent + block.length + tail.length <= bytes) {
          sent += block.length
          if (!socket.write(block)) return void socket.once('drain', pump)
        }
        socket.write(tail, () => {
          phase = 'filing'
        })
      }
      pump()
    }
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8')
      let index = buffered.indexOf('\r\n')
      while (index >= 0) {
        const line = buffered.slice(0, index)
        buffered = buffered.slice(index + 2)
        index = buffered.indexOf('\r\n')
        if (!/^\d{3} /.test(line)) continue
        if (inData) {
          socket.end('QUIT\r\n')
          return resolve(line)
        }
        const command = commands.shift()
        if (command) socket.write(`${command}\r\n`)
        else if (line.startsWith('354')) {
          inData = true
          sendData()
        } else return reject(new Error(`unexpected reply: ${line}`))
      }
    })
    socket.on('error', reject)
  })
  // After the 250 a worker files the message (in this process with the embedded worker): sample
  // until nothing is pending, a second at least.
  phase = 'afterwards'
  const until = performance.now() + 60_000
  await new Promise((r) => setTimeout(r, 1000))
  while ((await pending()) > 0 && performance.now() < until) await new Promise((r) => setTimeout(r, 100))
  phase = 'done'
  clearInterval(sampler)
  return { reply, before, peak, after: rssOf(pid) }
}

async function bareYardstick() {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      stream.on('data', () => {})
      stream.on('end', () => callback(null, '2.0.0 ok'))
    },
  })
  const port = await freePort()
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  await sendMany(port, WARMUP, 0)
  const result = await sendMany(port, MESSAGES, WARMUP)
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return result
}

heading('Inbound SMTP')
const url = databaseUrl(BENCH_DB)
await recreateDatabase(BENCH_DB)
const smtpPort = await freePort()
const common = { DATABASE_URL: url, AI_PROVIDER: 'local', LOG_LEVEL: 'info', INBOUND_ADDRESS: ADDRESS }
const server = await startServer({
  ...common,
  PORT: String(await freePort()),
  HOST: '127.0.0.1',
  INBOUND_SMTP_PORT: String(smtpPort),
  INBOUND_SENDER_RATE: '1000000',
  WORKER: WORKERS > 0 ? 'off' : 'embedded',
})
const workers = spawnWorkers(WORKERS, common)
await workers.ready
const pid = server.pid
if (pid === undefined) throw new Error('server has no pid')
const db = new pg.Client({ connectionString: url })
await db.connect()
const count = async (where: string) =>
  Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM tickets ${where}`)).rows[0]?.n ?? 0)
/** Messages whose outcome is recorded (a worker filed them), and those still waiting. */
const countMessages = async (where: string) =>
  Number(
    (await db.query<{ n: string }>(`SELECT count(*) AS n FROM inbound_messages ${where}`)).rows[0]?.n ?? 0,
  )
const filedMessages = () => countMessages(`WHERE outcome <> 'pending'`)
const pending = () => countMessages(`WHERE outcome = 'pending'`)

try {
  console.log(
    `database ${BENCH_DB}; server: src/server.ts in a child process, ${WORKERS > 0 ? `WORKER=off + ${WORKERS} worker process(es)` : 'embedded workers'}, local analyser;` +
      ` client: nodemailer, ${CONNECTIONS} connections, ${SENDERS} senders, ${WARMUP} warm-up + ${fmt.int(MESSAGES)} messages`,
  )
  const yardstick = await bareYardstick()

  await sendMany(smtpPort, WARMUP, 0)
  while ((await pending()) > 0 || (await count(`WHERE processing_status <> 'done'`)) > 0)
    await new Promise((r) => setTimeout(r, 200))
  const doneBefore = await count(`WHERE processing_status = 'done'`)
  const filedBefore = await filedMessages()
  const started = performance.now()
  // Filed and done are watched while the messages go in: filing runs beside the accepting.
  let filedSeconds: number | undefined
  let watching = true
  const watcher = (async () => {
    while (watching) {
      if (filedSeconds === undefined && (await filedMessages()) >= filedBefore + MESSAGES)
        filedSeconds = (performance.now() - started) / 1000
      if (
        filedSeconds !== undefined &&
        (await count(`WHERE processing_status = 'done'`)) >= doneBefore + MESSAGES
      )
        return (performance.now() - started) / 1000
      await new Promise((r) => setTimeout(r, 50))
    }
    return Number.NaN
  })()
  const accepted = await sendMany(smtpPort, MESSAGES, WARMUP)
  const endToEnd = await watcher
  watching = false
  const filedAt = filedSeconds ?? Number.NaN
  const filed = (await count('')) - doneBefore
  const outcomes = await db.query<{ outcome: string; n: string }>(
    'SELECT outcome, count(*) AS n FROM inbound_messages GROUP BY outcome ORDER BY outcome',
  )

  const limit = 25 * MB
  const large = await streamLarge(smtpPort, pid, limit - 64 * 1024)
  const over = await streamLarge(smtpPort, pid, 30 * MB)

  const rate = (n: number, s: number) => `${fmt.int(n / s)}/s`
  const mb = (n: number) => `${(n / MB).toFixed(1)} MB`
  table(
    ['measure', 'figure', 'target', 'yardstick: bare smtp-server'],
    [
      [
        'accepted (250 = message and filing job committed)',
        rate(MESSAGES, accepted.seconds),
        '≥ 100/s',
        rate(MESSAGES, yardstick.seconds),
      ],
      ['filed (outcome recorded, ticket committed)', rate(MESSAGES, filedAt), '≥ 100/s', ''],
      ['done end to end (analysed, assigned)', rate(MESSAGES, endToEnd), '', ''],
      ['tickets filed', fmt.int(filed), fmt.int(MESSAGES), ''],
      [
        'time to 250, p50',
        fmt.ms(percentile(accepted.times, 50)),
        '',
        fmt.ms(percentile(yardstick.times, 50)),
      ],
      [
        'time to 250, p99',
        fmt.ms(percentile(accepted.times, 99)),
        '',
        fmt.ms(percentile(yardstick.times, 99)),
      ],
    ],
  )
  console.log(`outcomes: ${outcomes.rows.map((r) => `${r.outcome} ${r.n}`).join(', ')}`)
  console.log('')
  table(
    [
      'server RSS',
      'before',
      'peak while arriving',
      'peak dot → reply',
      'peak after the reply, until filed',
      'after',
      'reply',
    ],
    [large, over].map((m, i) => [
      i === 0 ? `${mb(limit - 64 * 1024)} message` : '30 MB (over the limit)',
      mb(m.before),
      `${mb(m.peak.arriving)} (+${mb(m.peak.arriving - m.before)})`,
      `${mb(m.peak.filing)} (+${mb(m.peak.filing - m.before)})`,
      `${mb(m.peak.afterwards)} (+${mb(m.peak.afterwards - m.before)})`,
      mb(m.after),
      m.reply.slice(0, 3),
    ]),
  )
  console.log('target: RSS flat while the data arrives (growth well under the message size)')
} finally {
  await db.end()
  const exited = new Promise((resolve) => server.once('exit', resolve))
  server.kill('SIGTERM')
  await Promise.all([exited, workers.stop()])
  if (!keep) await dropDatabase(BENCH_DB)
}
