// The mailbox poller against a real Dovecot, disrupted while it works through a full mailbox: the
// connection dropped by the server mid fetch (`doveadm kick`), and Dovecot restarted mid fetch.
// Every message is filed exactly once (a re-fetch is recorded as a duplicate, never a second
// ticket), and every message ends up \Seen, none copied.
import { randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Worker } from '../src/jobs/worker.js'
import { createIntakeDeps } from '../src/modules/inbound/channels.js'
import { type ImapPoller, parseImapUrl, startImapPoller } from '../src/modules/inbound/imap-poller.js'
import { call, createTestContext, signedInUser, type TestContext, type TestUser } from './helpers/app.js'
import { DOVECOT, type Dovecot, startDovecot } from './helpers/dovecot.js'
import { startFilingWorker } from './helpers/filing.js'
import { composeMail } from './helpers/mail.js'

const N = 40
let ctx: TestContext
let admin: TestUser
let dovecot: Dovecot
let worker: Worker | undefined
let poller: ImapPoller | undefined

/** What the poller warned about: the disruption must have reached it. */
const warnings: string[] = []
const log = { info() {}, warn: (_: object, msg: string) => void warnings.push(msg), error() {} }

beforeAll(async () => {
  if (!existsSync(DOVECOT))
    throw new Error(`${DOVECOT} is missing: apt-get install dovecot-imapd (see .ci/run)`)
  dovecot = await startDovecot()
  ctx = await createTestContext({ INBOUND_ADDRESS: 'support@helpdesk.test' })
  admin = await signedInUser(ctx, 'admin')
  // Files what the poller accepts, as the server's workers would.
  worker = await startFilingWorker(ctx)
})
afterAll(async () => {
  await poller?.stop()
  await worker?.stop()
  await ctx?.close()
  await dovecot?.close()
})

interface Record {
  message_id: string
  outcome: string
}

async function records(ids: Set<string>): Promise<Record[]> {
  const response = await call(ctx, admin, 'GET', '/api/admin/inbound?limit=100')
  return (response.body.data as unknown as Record[]).filter((r) => ids.has(r.message_id))
}
const filed = async (ids: Set<string>) =>
  (await records(ids)).filter((r) => r.outcome === 'ticket_created').length
/** Taken from the mailbox (pending or filed): how far the poller got. */
const accepted = async (ids: Set<string>) =>
  (await records(ids)).filter((r) => r.outcome === 'ticket_created' || r.outcome === 'pending').length

async function eventually(check: () => Promise<boolean>, what: string, ms = 60_000) {
  const deadline = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

async function mailboxCount(): Promise<number> {
  const imap = await dovecot.client()
  try {
    const status = await imap.status('INBOX', { messages: true })
    return status === false ? -1 : (status.messages ?? -1)
  } finally {
    await imap.logout()
  }
}

/**
 * Fills the mailbox with N messages (each its own sender: the per-sender rate stays out of it),
 * starts the poller, disrupts it once a few are filed and before all are, then checks the end.
 */
async function disruptMidFetch(disrupt: () => Promise<void>, expectFailedFetch: boolean) {
  const ids = new Set<string>()
  for (let i = 0; i < N; i++) {
    const messageId = `<${randomUUID()}@mail.example.org>`
    ids.add(messageId)
    await dovecot.append(
      await composeMail({ messageId, from: `customer${i}-${randomUUID().slice(0, 6)}@example.org` }),
    )
  }
  const before = await mailboxCount()
  warnings.length = 0
  poller = startImapPoller({
    intake: createIntakeDeps(ctx.config, ctx.database, ctx.queue),
    source: parseImapUrl(dovecot.url),
    pollSeconds: 600,
    maxBytes: ctx.config.inbound.maxBytes,
    log,
  })
  await eventually(async () => (await accepted(ids)) >= 2, 'the first messages to be accepted')
  const acceptedWhenDisrupted = await accepted(ids)
  await disrupt()
  // The disruption came mid fetch: some of the mail was still waiting.
  expect(acceptedWhenDisrupted).toBeLessThan(N)
  // The drop reached the poller in the middle of a command (a restart may land between two).
  if (expectFailedFetch)
    await eventually(async () => warnings.includes('IMAP fetch failed; reconnecting'), 'the poller to notice')

  await eventually(async () => (await filed(ids)) >= N, 'every message to be filed')
  await eventually(async () => (await dovecot.unseen()).length === 0, 'every message to be \\Seen')
  await poller.stop()
  poller = undefined
  const all = await records(ids)
  const created = all.filter((r) => r.outcome === 'ticket_created').map((r) => r.message_id)
  expect(new Set(created)).toEqual(ids)
  expect(created).toHaveLength(N)
  // Anything fetched again after the disruption was recognised, never filed a second time.
  expect(all.filter((r) => r.outcome !== 'ticket_created' && r.outcome !== 'duplicate')).toEqual([])
  expect(await mailboxCount()).toBe(before)
}

describe('IMAP mailbox disrupted mid fetch', () => {
  it('a connection dropped by the server: nothing lost or filed twice', async () => {
    await disruptMidFetch(() => dovecot.kick(), true)
  }, 120_000)

  it('a Dovecot restart: nothing lost or filed twice', async () => {
    await disruptMidFetch(async () => {
      await dovecot.stop()
      await dovecot.start()
    }, false)
  }, 120_000)
})
