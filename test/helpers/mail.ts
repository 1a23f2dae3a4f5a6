// Real MIME for the inbound tests: messages built by nodemailer's composer, or written by hand
// where a test needs bytes no composer would produce (broken MIME, legacy charsets).

import MailComposer from 'nodemailer/lib/mail-composer/index.js'
import type Mail from 'nodemailer/lib/mailer/index.js'

let counter = 0

/** A whole message; a unique Message-ID unless the options give one (or `messageId: ''` for none). */
export async function composeMail(options: Mail.Options): Promise<Buffer> {
  counter += 1
  const composed = new MailComposer({
    from: 'Customer <customer@example.org>',
    to: 'support@helpdesk.test',
    subject: `Printer on floor ${counter} is jammed`,
    text: 'The printer keeps jamming on every page since this morning.',
    ...options,
  })
  const built = await composed.compile().build()
  if (options.messageId === '') return Buffer.from(built.toString('utf8').replace(/^Message-ID:.*\r\n/im, ''))
  return built
}
