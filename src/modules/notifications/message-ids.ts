// The Message-IDs we put on outgoing mail, and how to recognise them when a reply (or our own
// message, looping back) comes in. Two kinds: `sts-e-<email id>` names one email we sent,
// `sts-t-<ticket id>` the ticket's thread root, which every email about a ticket references.
import type { Config } from '../../config.js'

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'
const OWN_ID = new RegExp(`^<?sts-([et])-(${UUID})@[^>\\s]+>?$`, 'i')

/** The address part of "Name <addr>" or a bare address, lower-case. */
export function bareAddress(value: string): string {
  const angled = /<([^>]+)>/.exec(value)
  return (angled?.[1] ?? value).trim().toLowerCase()
}

/** The domain our Message-IDs use: the support address's, else MAIL_FROM's. */
export function messageIdDomain(config: Pick<Config, 'inbound' | 'mail'>): string {
  const address = config.inbound.address ?? bareAddress(config.mail.from)
  const domain = address.split('@')[1]?.replace(/[^a-z0-9.-]/gi, '')
  return domain || 'smart-ticket-system.invalid'
}

export const emailMessageId = (emailId: string, domain: string) => `<sts-e-${emailId}@${domain}>`
export const ticketRootMessageId = (ticketId: string, domain: string) => `<sts-t-${ticketId}@${domain}>`

/** Which of our ids this is (any domain: the id's UUID is looked up before anything trusts it). */
export function parseOwnMessageId(id: string): { kind: 'email' | 'ticket'; id: string } | undefined {
  const match = OWN_ID.exec(id.trim())
  if (!match?.[1] || !match[2]) return undefined
  return { kind: match[1].toLowerCase() === 'e' ? 'email' : 'ticket', id: match[2].toLowerCase() }
}
