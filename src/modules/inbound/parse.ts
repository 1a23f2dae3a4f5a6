// A raw RFC 5322 message → what the intake needs to decide, through mailparser (any charset,
// encoded-word subjects, HTML-only mail turned into text by mailparser's html-to-text).
import { createHash } from 'node:crypto'
import { type AddressObject, type ParsedMail, simpleParser } from 'mailparser'

export interface Address {
  address: string
  name: string
}

export interface InboundMessage {
  messageId: string | undefined
  from: Address | undefined
  to: Address[]
  cc: Address[]
  subject: string
  text: string
  inReplyTo: string[]
  references: string[]
  /** Lower-case header names → the header's raw text, for the loop rules. */
  header(name: string): string | undefined
  /** A delivery status notification (RFC 3464): multipart/report; report-type=delivery-status. */
  isDeliveryReport: boolean
  /** Message-IDs a delivery report names (its In-Reply-To/References and the returned headers). */
  reportedMessageIds: string[]
  /** Attachments and inline images, as sent (the intake stores them, within ATTACHMENT_MAX_BYTES). */
  attachments: MessageAttachment[]
  /** Same message → same hash, however often and by whichever way it arrives. */
  contentHash: string
}

export interface MessageAttachment {
  filename: string | undefined
  content: Buffer
}

const MESSAGE_ID = /<[^<>\s]+>/g
const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex')

const addresses = (value: AddressObject | AddressObject[] | undefined): Address[] =>
  (Array.isArray(value) ? value : value ? [value] : [])
    .flatMap((group) => group.value)
    .flatMap((a) => (a.group ? a.group : [a]))
    .filter((a) => typeof a.address === 'string' && a.address.includes('@'))
    .map((a) => ({ address: (a.address ?? '').trim().toLowerCase(), name: (a.name ?? '').trim() }))

const idsIn = (value: string | string[] | undefined) =>
  (Array.isArray(value) ? value.join(' ') : (value ?? '')).match(MESSAGE_ID) ?? []

/** Message-IDs in the parts a delivery report returns (message/rfc822, text/rfc822-headers). */
function returnedMessageIds(parsed: ParsedMail): string[] {
  const ids: string[] = []
  for (const part of parsed.attachments) {
    if (!/^(message\/rfc822|text\/rfc822-headers|message\/global(-headers)?)$/i.test(part.contentType))
      continue
    const headers = part.content.toString('utf8').split(/\r?\n\r?\n/)[0] ?? ''
    const match = /^message-id:\s*(<[^<>\s]+>)/im.exec(headers)
    if (match?.[1]) ids.push(match[1])
  }
  return ids
}

/** Parses a message; throws on input mailparser cannot read at all (the intake records it rejected). */
export async function parseMessage(raw: Buffer): Promise<InboundMessage> {
  const parsed = await simpleParser(raw, { skipImageLinks: true, skipTextLinks: true })
  // The headers as sent (unfolded), not mailparser's decoded forms: the rules compare raw tokens.
  const header = (name: string) => {
    const line = parsed.headerLines.find((h) => h.key === name.toLowerCase())?.line
    return line
      ?.slice(line.indexOf(':') + 1)
      .replace(/\r?\n[ \t]+/g, ' ')
      .trim()
  }
  const contentType = header('content-type') ?? ''
  const isDeliveryReport =
    /^multipart\/report\b/i.test(contentType) && /report-type\s*=\s*"?delivery-status\b/i.test(contentType)
  const from = addresses(parsed.from)[0]
  const to = addresses(parsed.to)
  const cc = addresses(parsed.cc)
  const subject = (parsed.subject ?? '').replace(/\s+/g, ' ').trim()
  const text = (parsed.text ?? '').replace(/\r\n?/g, '\n')
  const inReplyTo = idsIn(parsed.inReplyTo)
  const references = idsIn(parsed.references)
  const messageId = parsed.messageId?.match(MESSAGE_ID)?.[0]
  const contentHash = sha256(
    JSON.stringify([
      from?.address ?? null,
      to.map((a) => a.address),
      cc.map((a) => a.address),
      parsed.date?.toISOString() ?? null,
      subject,
      text,
      parsed.attachments.map((a) => a.checksum),
    ]),
  )
  return {
    messageId,
    from,
    to,
    cc,
    subject,
    text,
    inReplyTo,
    references,
    header,
    isDeliveryReport,
    reportedMessageIds: isDeliveryReport
      ? [...new Set([...returnedMessageIds(parsed), ...inReplyTo, ...references])]
      : [],
    // A delivery report's returned message is evidence for the bounce, not a file for anyone.
    attachments: isDeliveryReport
      ? []
      : parsed.attachments.map((a) => ({ filename: a.filename, content: a.content })),
    contentHash,
  }
}

/** The hash of a message mailparser could not read: its bytes. */
export const rawHash = (raw: Buffer) => sha256(raw)
