// A mailbox over IMAP (IMAP_URL): new mail is fetched when the server says it arrived (IDLE, which
// imapflow keeps open between commands) and at least every IMAP_POLL_SECONDS. A message is
// flagged \Seen only after it committed, stored with its filing job (a worker files it: the job
// is as durable as the row) or with its outcome: a crash in between fetches it again, and the
// intake's dedupe files it once. Connection failures are retried with backoff; the last fetch and
// the last error go to inbound_fetch_state for admins.
import { ImapFlow } from 'imapflow'
import { recordFetch } from './inbound.repository.js'
import { acceptMessage, type IntakeDeps, recordOversized } from './intake.js'
import type { ListenerLogger } from './smtp-listener.js'

export interface ImapSource {
  host: string
  port: number
  secure: boolean
  user: string
  pass: string
  mailbox: string
  /** How admins see it: the URL without the password. */
  name: string
}

export function parseImapUrl(value: string): ImapSource {
  const url = new URL(value)
  const secure = url.protocol === 'imaps:'
  const port = url.port ? Number(url.port) : secure ? 993 : 143
  const user = decodeURIComponent(url.username)
  const mailbox = decodeURIComponent(url.pathname.replace(/^\/+/, '')) || 'INBOX'
  return {
    host: url.hostname,
    port,
    secure,
    user,
    pass: decodeURIComponent(url.password),
    mailbox,
    name: `${url.protocol}//${encodeURIComponent(user)}@${url.hostname}:${port}/${mailbox}`,
  }
}

export interface ImapPoller {
  stop(): Promise<void>
}

const MIN_BACKOFF_MS = 1000
const MAX_BACKOFF_MS = 60_000

export function startImapPoller(options: {
  intake: IntakeDeps
  source: ImapSource
  pollSeconds: number
  maxBytes: number
  log: ListenerLogger
}): ImapPoller {
  const { intake, source, log } = options
  let stopped = false
  let client: ImapFlow | undefined
  let wake: (() => void) | undefined
  // New mail announced while we were busy fetching: look again before sleeping.
  let announced = false
  const nap = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms)
      function done() {
        clearTimeout(timer)
        wake = undefined
        resolve()
      }
      wake = done
    })

  async function fetchNew(imap: ImapFlow) {
    const lock = await imap.getMailboxLock(source.mailbox)
    try {
      const uids = (await imap.search({ seen: false }, { uid: true })) || []
      for (const uid of uids) {
        if (stopped) return
        const meta = await imap.fetchOne(String(uid), { size: true }, { uid: true })
        if (!meta) continue
        if ((meta.size ?? 0) > options.maxBytes) {
          const head = await imap.fetchOne(String(uid), { headers: true }, { uid: true })
          await recordOversized(
            intake,
            head ? (head.headers ?? Buffer.alloc(0)) : Buffer.alloc(0),
            'imap',
            options.maxBytes,
          )
        } else {
          const message = await imap.fetchOne(String(uid), { source: true }, { uid: true })
          if (message === false || !message.source) continue
          const result = await acceptMessage(intake, message.source, 'imap')
          log.info({ inbound: result.id, outcome: result.outcome, uid }, 'mail fetched')
        }
        // Only now: the message and its filing job (or its outcome) have committed.
        await imap.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true })
      }
    } finally {
      lock.release()
    }
  }

  async function run() {
    let backoff = MIN_BACKOFF_MS
    while (!stopped) {
      const imap = new ImapFlow({
        host: source.host,
        port: source.port,
        secure: source.secure,
        auth: { user: source.user, pass: source.pass },
        logger: false,
        // IDLE a second after our last command (imapflow's default waits 15 s): mail that arrives
        // meanwhile is announced at once, not at the next poll.
        autoIdleDelay: 1000,
      })
      client = imap
      let closed = false
      imap.on('exists', () => {
        announced = true
        wake?.()
      })
      imap.on('close', () => {
        closed = true
        wake?.()
      })
      imap.on('error', (error: Error) => log.warn({ err: error }, 'IMAP connection error'))
      try {
        await imap.connect()
        backoff = MIN_BACKOFF_MS
        while (!stopped && !closed) {
          announced = false
          await fetchNew(imap)
          await recordFetch(intake.db, source.name, null)
          // Mailbox stays selected: imapflow IDLEs now, and 'exists' wakes us on new mail.
          if (!stopped && !closed && !announced) await nap(options.pollSeconds * 1000)
        }
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error)
        if (!stopped) {
          log.warn({ err: error, mailbox: source.name }, 'IMAP fetch failed; reconnecting')
          // The database may be what failed: the warning above already tells, so go on to retry.
          await recordFetch(intake.db, source.name, message).catch((recordError: unknown) =>
            log.warn({ err: recordError, mailbox: source.name }, 'IMAP: could not record the fetch error'),
          )
        }
      } finally {
        imap.close()
      }
      if (!stopped) {
        await nap(backoff)
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS)
      }
    }
  }

  const running = run()
  log.info({ mailbox: source.name }, 'IMAP mailbox poller started')
  return {
    async stop() {
      stopped = true
      wake?.()
      client?.close()
      await running
    },
  }
}
