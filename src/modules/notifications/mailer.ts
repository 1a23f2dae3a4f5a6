// SMTP delivery through nodemailer, configured by SMTP_URL (e.g. smtp://user:pass@host:587).
import nodemailer from 'nodemailer'
import type { EmailRow } from '../../db/schema.js'

/** A file sent with an email (a staff reply's attachment). */
export interface MailAttachment {
  filename: string
  contentType: string
  content: Uint8Array
}

export interface Mailer {
  send(email: EmailRow, attachments?: MailAttachment[]): Promise<void>
  close(): void
}

export function createMailer(
  smtpUrl: string,
  from: string,
  options: { replyTo?: string | undefined } = {},
): Mailer {
  const transport = nodemailer.createTransport(smtpUrl)
  return {
    async send(email, attachments = []) {
      const references = email.references ?? []
      await transport.sendMail({
        from,
        to: email.to,
        subject: email.subject,
        text: email.text,
        html: email.html,
        // Stable across retries, so a receiving server can drop a duplicate if a worker died
        // after the SMTP server accepted the message but before we recorded it as sent; and what
        // a reply's In-Reply-To names, so the reply finds its ticket. (Rows recorded before the
        // column existed fall back to the id-derived form they were always sent with.)
        messageId: email.messageId ?? `<${email.id}@smart-ticket-system>`,
        ...(references.length > 0 ? { inReplyTo: references.at(-1), references: references.join(' ') } : {}),
        ...(options.replyTo ? { replyTo: options.replyTo } : {}),
        ...(attachments.length > 0
          ? {
              attachments: attachments.map((a) => ({
                filename: a.filename,
                contentType: a.contentType,
                content: Buffer.from(a.content.buffer, a.content.byteOffset, a.content.byteLength),
              })),
            }
          : {}),
        ...(email.autoSubmitted ? { headers: { 'Auto-Submitted': 'auto-generated' } } : {}),
      })
    },
    close: () => transport.close(),
  }
}
