// What an email's text becomes on a ticket: the reply without quoted history or signature, and a
// title when the subject is missing or too short.
import EmailReplyParser from 'email-reply-parser'

export const TITLE_MIN = 5
export const TITLE_MAX = 200
/** The web form's limit; the whole original stays in inbound_messages.raw for staff. */
export const BODY_MAX = 5000
const SHORTENED = '\n\n[…] (shortened: the full message is kept with the original email)'

const clamp = (value: string, max: number, marker = '…') =>
  value.length > max ? `${value.slice(0, max - marker.length).trimEnd()}${marker}` : value

/**
 * The new part of a reply: the quoted history ("On … wrote:", "> …") and the signature below the
 * sender's last words cut off. Quotes between the sender's words stay (an answer written inline,
 * under each question, would otherwise lose its questions); the page folds them.
 */
export function visibleText(text: string): string {
  const full = text.replace(/\r\n?/g, '\n').trim()
  if (full === '') return ''
  let visible: string
  try {
    // The parser hides every quoted fragment, wherever it is: keep those above visible text.
    const fragments = new EmailReplyParser().read(full).getFragments()
    let end = fragments.length
    while (end > 0 && fragments[end - 1]?.isHidden()) end -= 1
    visible = fragments
      .slice(0, end)
      .filter((f) => !f.isSignature())
      .map((f) => f.getContent())
      .join('\n')
      .replace(/~*$/, '')
      .trim()
  } catch {
    visible = full
  }
  // All of it quoted (a forward, a reply typed below the quote): keep everything.
  return visible === '' ? full : visible
}

/** A ticket's or comment's body from an email's text, within the web's length limit. */
export function bodyFromText(text: string, emptyFallback: string): string {
  const visible = visibleText(text)
  return clamp(visible === '' ? emptyFallback : visible, BODY_MAX, SHORTENED)
}

const REPLY_PREFIXES = /^(?:(?:re|fwd?|aw|wg|sv|vs|antw)(?:\[\d+\])?\s*:\s*)+/i

/**
 * The subject; or the body's first words when the subject is empty or too short; never too long.
 * Without "Re:"/"Fwd:" and without `[#N]` tokens: a token names another ticket (a stranger's
 * reply to someone's notice, a follow-up to a closed ticket), and left in the title it would
 * come back in this ticket's own subjects and thread replies to that one instead.
 */
export function titleFrom(subject: string, body: string, sender: string): string {
  const flat = (value: string) => value.replace(/\s+/g, ' ').trim()
  const fromSubject = flat(flat(subject.replace(/\[#\d+\]/g, ' ')).replace(REPLY_PREFIXES, ''))
  if (fromSubject.length >= TITLE_MIN) return clamp(fromSubject, TITLE_MAX)
  const firstWords = flat(body).slice(0, 80)
  const cut = firstWords.length === 80 ? firstWords.replace(/\s+\S*$/, '') : firstWords
  const fromBody = flat(`${fromSubject} ${cut}`)
  if (fromBody.length >= TITLE_MIN) return clamp(fromBody, TITLE_MAX)
  return clamp(`Email from ${sender}`, TITLE_MAX)
}
