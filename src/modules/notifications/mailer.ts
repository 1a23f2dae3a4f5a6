// SMTP delivery through nodemailer, configured by SMTP_URL (e.g. smtp://user:pass@host:587).
import nodemailer from 'nodemailer'
import type { EmailRow } from '../../db/schema.js'

export interface Mailer {
  send(email: EmailRow): Promise<void>
  close(): void
}

export function createMailer(smtpUrl: string, from: string): Mailer {
  const transport = nodemailer.createTransport(smtpUrl)
  return {
    async send(email) {
      await transport.sendMail({
        from,
        to: email.to,
        subject: email.subject,
        text: email.text,
        html: email.html,
        // Stable across retries, so a receiving server can drop a duplicate if a worker died
        // after the SMTP server accepted the message but before we recorded it as sent.
        messageId: `<${email.id}@smart-ticket-system>`,
      })
    },
    close: () => transport.close(),
  }
}
