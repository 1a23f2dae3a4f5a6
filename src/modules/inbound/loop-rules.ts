// Mail that must never be filed nor answered: automatic replies and bulk mail (RFC 3834 and the
// headers mail systems actually send), and our own mail coming back to us.
import { parseOwnMessageId } from '../notifications/message-ids.js'
import type { InboundMessage } from './parse.js'

export type LoopVerdict =
  | { outcome: 'ignored_auto_reply'; reason: string }
  | { outcome: 'ignored_loop'; reason: string }
  | undefined

const BULK_PRECEDENCE = new Set(['bulk', 'list', 'junk', 'auto_reply'])
const SYSTEM_SENDERS = new Set(['mailer-daemon', 'postmaster'])

/** Why this automatic or bulk message is ignored, if it is one. */
export function autoReplyReason(message: InboundMessage): string | undefined {
  const autoSubmitted = message.header('auto-submitted')
  if (autoSubmitted !== undefined) {
    const value = autoSubmitted.split(';')[0]?.trim().toLowerCase()
    if (value !== 'no') return `Auto-Submitted: ${autoSubmitted}`
  }
  const precedence = message.header('precedence')?.trim().toLowerCase()
  if (precedence && BULK_PRECEDENCE.has(precedence)) return `Precedence: ${precedence}`
  for (const name of ['x-autoreply', 'x-auto-response-suppress']) {
    if (message.header(name) !== undefined) return `${name} header`
  }
  const local = message.from?.address.split('@')[0]
  if (local && SYSTEM_SENDERS.has(local)) return `sender ${message.from?.address}`
  return undefined
}

/**
 * Our own message coming back: it carries a Message-ID of the form we generate, or it is from the
 * address we send from or receive at (a forward loop between the mailbox and the listener).
 */
export function ownMessageReason(
  message: InboundMessage,
  ownAddresses: readonly string[],
): string | undefined {
  if (message.messageId && parseOwnMessageId(message.messageId))
    return `our own Message-ID ${message.messageId}`
  const sender = message.from?.address
  if (sender && ownAddresses.includes(sender)) return `sent from our own address ${sender}`
  return undefined
}

export function loopVerdict(message: InboundMessage, ownAddresses: readonly string[]): LoopVerdict {
  const own = ownMessageReason(message, ownAddresses)
  if (own) return { outcome: 'ignored_loop', reason: own }
  const auto = autoReplyReason(message)
  if (auto) return { outcome: 'ignored_auto_reply', reason: auto }
  return undefined
}
