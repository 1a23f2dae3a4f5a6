// One intake for every way mail comes in (SMTP listener, IMAP mailbox, HTTP relay): a raw message
// in, its outcome out. The message's outcome and its effect (ticket, comment, bounce) commit in
// one transaction, so a message is either filed and recorded, or not filed (and comes again, or
// waits `pending`). The relay files at once (`receiveMessage`: its answer carries the outcome);
// the SMTP listener and the mailbox accept first (`acceptMessage`: the raw message and its filing
// job commit together, then 250 / \Seen) and a worker files it (`fileAccepted`).
import { randomUUID } from 'node:crypto'
import type { Config } from '../../config.js'
import type { Db, Tx } from '../../db/client.js'
import type { InboundChannel, InboundOutcome, TicketRow, UserRow } from '../../db/schema.js'
import { inTransaction } from '../../db/transaction.js'
import { type JobQueue, QUEUES } from '../../jobs/queue.js'
import { bareAddress, parseOwnMessageId } from '../notifications/message-ids.js'
import type { Notifier } from '../notifications/notifier.js'
import { markBounced, ticketsOfSentMessages } from '../notifications/outbox.js'
import { type IncomingFile, storeAttachments } from '../tickets/attachment.service.js'
import { addParticipants } from '../tickets/participants.js'
import { belongsToTicket, commentFromEmail, fileTicket, lockTicket } from '../tickets/ticket.service.js'
import { isStaff } from '../users/roles.js'
import { createEmailUser, findOrCreateEmailUser, findUserByAddress } from '../users/user.service.js'
import * as repo from './inbound.repository.js'
import { loopVerdict } from './loop-rules.js'
import { type Address, type InboundMessage, parseMessage, rawHash } from './parse.js'
import { parseTicketToken } from './subject-token.js'
import { bodyFromText, titleFrom } from './text.js'

export interface IntakeDeps {
  db: Db
  queue: JobQueue
  notifier: Notifier
  config: Pick<Config, 'inbound' | 'mail' | 'appUrl' | 'attachmentMaxBytes'>
  /** The ticket a `[#number]` subject token names (the tickets service's ticketIdByNumber). */
  ticketIdByNumber: (tx: Tx, number: number) => Promise<string | undefined>
}

export interface IntakeResult {
  /** The inbound_messages row. */
  id: string
  outcome: InboundOutcome
  ticketId: string | null
  error: string | null
}

/** Cc'd addresses becoming participants, per message: enough for a real Cc line, not a mailing. */
const MAX_PARTICIPANTS_PER_MESSAGE = 20
const HOUR_MS = 3_600_000

type Effect = {
  outcome: InboundOutcome
  ticketId: string | null
  error: string | null
  /** The comment a reply became: staff open its original from there. */
  commentId?: string
}

/**
 * Files a message at once: its record and its effect commit together before this returns (the
 * HTTP relay, whose answer carries the outcome).
 */
export async function receiveMessage(
  deps: IntakeDeps,
  raw: Buffer,
  via: InboundChannel,
): Promise<IntakeResult> {
  let message: InboundMessage
  try {
    message = await parseMessage(raw)
  } catch (error) {
    return recordUnreadable(deps, raw, via, error)
  }
  const record = recordOf(message, raw, via)
  // Outside the try below: a failure there is the original's, not this message's (the relay is
  // answered 500 and sends again).
  await fileReferencedFirst(deps, message, new Set())
  try {
    const filed = await inTransaction(deps.db, async (tx) => {
      const claimed = await repo.claimMessage(tx, record)
      if (!claimed) return undefined
      return { id: claimed.id, ...(await fileIn(deps, tx, claimed.id, message)) }
    })
    return filed ?? (await recordDuplicate(deps.db, record))
  } catch (error) {
    // Something in filing failed (not a conflict: those are retried above). Keep the message,
    // with why, rather than lose it or have the sender retry it forever.
    return inTransaction(deps.db, async (tx) => {
      const row = await repo.claimMessage(tx, record)
      if (!row) return undefined
      const effect: Effect = { outcome: 'rejected', ticketId: null, error: errorText(error) }
      await repo.finishMessage(tx, row.id, effect)
      return { id: row.id, ...effect }
    }).then((result) => result ?? recordDuplicate(deps.db, record))
  }
}

/**
 * Accepts a message for filing by a worker (the SMTP listener, the mailbox): stores it `pending`
 * with its `inbound-filing` job in one statement, so once this returns the message survives a
 * crash and will be filed. A copy of a message already recorded (pending or filed) is recorded
 * `duplicate` here; an unreadable one `rejected` (there is nothing to file).
 */
export async function acceptMessage(
  deps: Pick<IntakeDeps, 'db' | 'queue'>,
  raw: Buffer,
  via: InboundChannel,
): Promise<IntakeResult> {
  let message: InboundMessage
  try {
    message = await parseMessage(raw)
  } catch (error) {
    return recordUnreadable(deps, raw, via, error)
  }
  const record = recordOf(message, raw, via)
  // The row and its job in one statement, committed on its own: one round trip, no transaction
  // to open and commit. A copy (no row written) still leaves a job, which finds nothing pending
  // under this id.
  const id = randomUUID()
  const written = await deps.queue.enqueueWith(
    QUEUES.inboundFiling,
    { inboundId: id },
    repo.acceptStatement(id, record),
  )
  if (written.length === 0) return recordDuplicate(deps.db, record)
  return { id, outcome: 'pending', ticketId: null, error: null }
}

/** How many pending originals a reply may file ahead of itself (a chain of replies, all waiting). */
const MAX_FILED_AHEAD = 10

/**
 * Files an accepted (`pending`) message: the `inbound-filing` job. Idempotent: undefined when the
 * message is no longer pending (filed by an earlier attempt, or by a reply that needed it first).
 * Throws when filing failed; the job is retried, and its last attempt records the message
 * `rejected` with why (`rejectAccepted`).
 */
export async function fileAccepted(
  deps: IntakeDeps,
  inboundId: string,
  seen: Set<string> = new Set(),
): Promise<IntakeResult | undefined> {
  seen.add(inboundId)
  // Read once, at the first attempt below: the bytes of a pending message never change.
  let message: InboundMessage | undefined
  for (;;) {
    const step = await inTransaction(deps.db, async (tx): Promise<FilingStep> => {
      // The message's bytes and its lock in one statement: a worker filing it at the same moment
      // holds the lock, this waits for its commit and then finds it filed.
      const row = await repo.lockPendingForFiling(tx, inboundId)
      if (!row) return { filed: undefined }
      try {
        message ??= await parseMessage(Buffer.from(row.raw))
      } catch (error) {
        // Read once already when it was accepted; a parser that changed since cannot read it now.
        const effect: Effect = {
          outcome: 'rejected',
          ticketId: null,
          error: `unreadable message: ${errorText(error)}`,
        }
        await repo.finishMessage(tx, inboundId, effect)
        return { filed: { id: inboundId, ...effect } }
      }
      const ahead = await originalsToFileFirst(tx, message, seen)
      // Filed each in its own transaction, not inside this one: this lock is let go first, so
      // two workers filing each other's originals never wait on each other.
      if (ahead.length > 0) return { ahead }
      return { filed: { id: inboundId, ...(await fileIn(deps, tx, inboundId, message)) } }
    })
    if ('filed' in step) return step.filed
    for (const id of step.ahead) await fileAccepted(deps, id, seen)
  }
}

/** One pass of `fileAccepted`: the message filed (undefined: no longer pending), or originals to file first. */
type FilingStep = { filed: IntakeResult | undefined } | { ahead: string[] }

/**
 * A reply whose original is still pending (both accepted within moments, filed by parallel
 * workers) files the original first, so it threads onto the original's ticket instead of opening
 * one of its own: the pending originals it names that this filing has not met yet (`seen`
 * grows with every message filed ahead, so a chain ends), oldest first.
 */
async function originalsToFileFirst(tx: Tx, message: InboundMessage, seen: Set<string>): Promise<string[]> {
  const referenced = [...new Set([...message.inReplyTo, ...message.references])]
  if (referenced.length === 0) return []
  const pending = (await repo.pendingWithMessageIds(tx, referenced)).filter((id) => !seen.has(id))
  return pending.slice(0, Math.max(0, MAX_FILED_AHEAD - seen.size))
}

/** A pending message that could not be filed: recorded `rejected` with why, if still pending. */
export async function rejectAccepted(
  deps: Pick<IntakeDeps, 'db'>,
  inboundId: string,
  error: unknown,
): Promise<IntakeResult | undefined> {
  return inTransaction(deps.db, async (tx) => {
    if (!(await repo.lockPending(tx, inboundId))) return undefined
    const effect: Effect = {
      outcome: 'rejected',
      ticketId: null,
      error: typeof error === 'string' ? error : errorText(error),
    }
    await repo.finishMessage(tx, inboundId, effect)
    return { id: inboundId, ...effect }
  })
}

/**
 * The relay's message, filed at once, may answer one still pending (accepted by the SMTP listener
 * or the mailbox moments before): that one is filed first, so the reply threads onto its ticket.
 * When a worker is filing it right now, its lock makes this wait for that commit.
 */
async function fileReferencedFirst(deps: IntakeDeps, message: InboundMessage, seen: Set<string>) {
  const referenced = [...new Set([...message.inReplyTo, ...message.references])]
  if (referenced.length === 0) return
  for (const id of await repo.pendingWithMessageIds(deps.db, referenced)) {
    if (seen.has(id) || seen.size >= MAX_FILED_AHEAD) continue
    await fileAccepted(deps, id, seen)
  }
}

const recordOf = (message: InboundMessage, raw: Buffer, via: InboundChannel): repo.NewInboundMessage => ({
  messageId: message.messageId?.slice(0, 998) ?? null,
  fromAddress: message.from?.address.slice(0, 254) ?? null,
  subject: message.subject || null,
  receivedVia: via,
  contentHash: message.contentHash,
  raw,
})

/** Decides what the message does and records it on its row, inside the transaction of its effect. */
async function fileIn(deps: IntakeDeps, tx: Tx, inboundId: string, message: InboundMessage): Promise<Effect> {
  // The record names its ticket before the emails its effect causes are written: they continue
  // the thread from this message (References).
  let marked: Effect | undefined
  const mark = async (effect: Effect) => {
    await repo.finishMessage(tx, inboundId, effect)
    marked = effect
  }
  const effect = await decide(deps, tx, message, mark)
  if (!marked || !sameEffect(marked, effect)) await repo.finishMessage(tx, inboundId, effect)
  return effect
}

const sameEffect = (a: Effect, b: Effect) =>
  a.outcome === b.outcome && a.ticketId === b.ticketId && a.error === b.error && a.commentId === b.commentId

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 1000)

async function recordUnreadable(
  deps: Pick<IntakeDeps, 'db'>,
  raw: Buffer,
  via: InboundChannel,
  error: unknown,
) {
  const record = {
    messageId: null,
    fromAddress: null,
    subject: null,
    receivedVia: via,
    contentHash: rawHash(raw),
    raw,
  }
  const row = await repo.claimMessage(deps.db, record)
  if (!row) return recordDuplicate(deps.db, record)
  const effect: Effect = {
    outcome: 'rejected',
    ticketId: null,
    error: `unreadable message: ${errorText(error)}`,
  }
  await repo.finishMessage(deps.db, row.id, effect)
  return { id: row.id, ...effect }
}

/** A message already recorded: noted as a duplicate (without its bytes: the first copy has them). */
async function recordDuplicate(db: Db, record: repo.NewInboundMessage): Promise<IntakeResult> {
  const original = await repo.findOriginal(db, record.messageId, record.contentHash)
  const row = await repo.recordMessage(db, {
    ...record,
    raw: Buffer.alloc(0),
    outcome: 'duplicate',
    ticketId: original?.ticketId ?? null,
    error: null,
  })
  return { id: row.id, outcome: 'duplicate', ticketId: row.ticketId, error: null }
}

function ownAddresses(config: IntakeDeps['config']): string[] {
  return [bareAddress(config.mail.from), ...(config.inbound.address ? [config.inbound.address] : [])]
}

/** What the message does, inside the transaction that records it. */
async function decide(
  deps: IntakeDeps,
  tx: Tx,
  message: InboundMessage,
  mark: (effect: Effect) => Promise<void>,
): Promise<Effect> {
  if (message.isDeliveryReport) {
    const found = await markBounced(
      tx,
      message.reportedMessageIds,
      `bounced: ${message.subject || 'delivery report'}`,
    )
    return {
      outcome: 'bounce',
      ticketId: null,
      error: found === 0 ? 'no email of ours named in the report' : null,
    }
  }
  const loop = loopVerdict(message, ownAddresses(deps.config))
  if (loop) return { outcome: loop.outcome, ticketId: null, error: loop.reason }
  const from = message.from
  if (!from) return { outcome: 'rejected', ticketId: null, error: 'no sender address (From)' }

  const existing = await findUserByAddress(tx, from.address)
  if (existing && !existing.isActive)
    return { outcome: 'rejected', ticketId: null, error: 'the sender’s account is deactivated' }
  if (!existing || !isStaff(existing)) {
    const limit = deps.config.inbound.senderRatePerHour
    const recent = await repo.countFiledSince(tx, from.address, new Date(Date.now() - HOUR_MS))
    if (recent >= limit)
      return {
        outcome: 'rejected',
        ticketId: null,
        error: `sender over the rate of ${limit} messages per hour`,
      }
  }
  const sender = existing ?? (await createEmailUser(tx, from.address, from.name))

  const answered = await threadTicket(deps, tx, message, sender)
  if (answered && !(isClosed(answered) && !isStaff(sender))) {
    const files = keptFiles(deps, message)
    const body = `${bodyFromText(message.text, '(The email had no text.)')}${files.note}`
    await mark({ outcome: 'comment_added', ticketId: answered.id, error: null })
    const comment = await commentFromEmail(tx, deps.notifier, sender, answered.id, body, files.kept)
    await addParticipants(
      tx,
      answered.id,
      await participantIds(deps, tx, message, sender, answered.createdBy),
    )
    return { outcome: 'comment_added', ticketId: answered.id, error: null, commentId: comment.id }
  }
  return fileNewTicket(deps, tx, message, sender, answered, mark)
}

/**
 * The message's files within ATTACHMENT_MAX_BYTES each; larger ones are left out, and a note in
 * the text says which, so staff know to ask for them another way.
 */
function keptFiles(deps: IntakeDeps, message: InboundMessage): { kept: IncomingFile[]; note: string } {
  const max = deps.config.attachmentMaxBytes
  const kept = message.attachments.filter((a) => a.content.byteLength <= max)
  const skipped = message.attachments.filter((a) => a.content.byteLength > max)
  const note = skipped
    .map(
      (a) =>
        `\n\n[Attachment "${a.filename ?? 'unnamed'}" (${a.content.byteLength} bytes) was not kept: larger than ${max} bytes.]`,
    )
    .join('')
  return { kept, note }
}

const isClosed = (ticket: TicketRow) => ticket.status === 'closed' || ticket.status === 'cancelled'

async function fileNewTicket(
  deps: IntakeDeps,
  tx: Tx,
  message: InboundMessage,
  sender: UserRow,
  followsUp: TicketRow | undefined,
  mark: (effect: Effect) => Promise<void>,
): Promise<Effect> {
  const text = bodyFromText(message.text, '')
  const link = followsUp
    ? `Follow-up to the ${followsUp.status} ticket "${followsUp.title}": ${deps.config.appUrl}/tickets/${followsUp.id}\n\n`
    : ''
  const files = keptFiles(deps, message)
  const description = `${link}${text === '' ? '(The email had no text.)' : text}${files.note}`
  const title = titleFrom(message.subject, text, sender.email)
  const ticket = await fileTicket(
    tx,
    deps.queue,
    sender,
    { title, description },
    { channel: 'email', ...(followsUp ? { follows_up: followsUp.id } : {}) },
  )
  await storeAttachments(tx, { ticketId: ticket.id, commentId: null, uploadedBy: sender.id }, files.kept)
  await addParticipants(tx, ticket.id, await participantIds(deps, tx, message, sender, sender.id))
  await mark({ outcome: 'ticket_created', ticketId: ticket.id, error: null })
  await deps.notifier.ticketAcknowledged(
    tx,
    { id: ticket.id, number: ticket.number, title: ticket.title },
    sender,
  )
  return { outcome: 'ticket_created', ticketId: ticket.id, error: null }
}

/** The ticket this message answers, if the sender belongs to it. */
async function threadTicket(
  deps: IntakeDeps,
  tx: Tx,
  message: InboundMessage,
  sender: UserRow,
): Promise<TicketRow | undefined> {
  const ticketId = (await ticketByReferences(tx, message)) ?? (await ticketByToken(deps, tx, message))
  if (!ticketId) return undefined
  const found = await lockTicket(tx, ticketId)
  // A reply to a merged duplicate continues the ticket it was merged into (whose participant the
  // duplicate's requester became).
  const ticket = found?.mergedInto ? await lockTicket(tx, found.mergedInto) : found
  // Never onto someone else's ticket: a stranger's reply (a forwarded notice, a guessed token)
  // becomes a ticket of their own.
  if (!ticket || !(await belongsToTicket(tx, ticket, sender))) return undefined
  return ticket
}

/** By In-Reply-To first, then References from the newest: against every id we sent or received. */
async function ticketByReferences(tx: Tx, message: InboundMessage): Promise<string | undefined> {
  const candidates = [...new Set([...message.inReplyTo, ...[...message.references].reverse()])]
  if (candidates.length === 0) return undefined
  const sent = await ticketsOfSentMessages(tx, candidates)
  const received = await repo.ticketsOfReceivedMessages(tx, candidates)
  for (const id of candidates) {
    const own = parseOwnMessageId(id)
    const ticketId = sent.get(id) ?? received.get(id) ?? (own?.kind === 'ticket' ? own.id : undefined)
    if (ticketId) return ticketId
  }
  return undefined
}

async function ticketByToken(deps: IntakeDeps, tx: Tx, message: InboundMessage): Promise<string | undefined> {
  const number = parseTicketToken(message.subject)
  if (number === undefined) return undefined
  return deps.ticketIdByNumber(tx, number)
}

/**
 * Cc → participants: accounts for them, never us, the sender, the requester or staff. Only Cc: the
 * To line names the mailbox itself, under whatever address the mail reached it.
 */
async function participantIds(
  deps: IntakeDeps,
  tx: Tx,
  message: InboundMessage,
  sender: UserRow,
  requesterId: string,
): Promise<string[]> {
  const skip = new Set([...ownAddresses(deps.config), sender.email.toLowerCase()])
  const people = new Map<string, Address>()
  for (const person of message.cc) {
    if (!skip.has(person.address) && !people.has(person.address)) people.set(person.address, person)
  }
  const ids: string[] = []
  for (const person of [...people.values()].slice(0, MAX_PARTICIPANTS_PER_MESSAGE)) {
    const user = await findOrCreateEmailUser(tx, person.address, person.name)
    if (user.id !== requesterId && !isStaff(user)) ids.push(user.id)
  }
  return ids
}

/**
 * A message too large to take (the mailbox has it; we fetched only its headers): recorded as
 * rejected, with the headers, so admins see it came and why it was not filed.
 */
export async function recordOversized(
  deps: IntakeDeps,
  headers: Buffer,
  via: InboundChannel,
  maxBytes: number,
): Promise<IntakeResult> {
  // Headers that do not even parse are still recorded (by their hash), and say why.
  let unreadable = ''
  const message = await parseMessage(headers).catch((error: unknown) => {
    unreadable = `; headers unreadable: ${errorText(error)}`
    return undefined
  })
  const record: repo.NewInboundMessage = {
    messageId: message?.messageId?.slice(0, 998) ?? null,
    fromAddress: message?.from?.address.slice(0, 254) ?? null,
    subject: message?.subject || null,
    receivedVia: via,
    contentHash: message?.contentHash ?? rawHash(headers),
    raw: headers,
  }
  const row = await repo.claimMessage(deps.db, record)
  if (!row) return recordDuplicate(deps.db, record)
  const effect: Effect = {
    outcome: 'rejected',
    ticketId: null,
    error: `larger than INBOUND_MAX_BYTES (${maxBytes} bytes)${unreadable}`,
  }
  await repo.finishMessage(deps.db, row.id, effect)
  return { id: row.id, ...effect }
}
