// The emails the system sends: plain text and HTML, every user-supplied string escaped in the HTML
// and kept out of headers' line breaks.
import type { TicketStatus } from '../../db/schema.js'

export interface EmailContent {
  subject: string
  text: string
  html: string
}

interface TicketRef {
  id: string
  number: number
  title: string
}

const escapeHtml = (value: string) =>
  value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  )

/** Subjects are headers: no line breaks, bounded length. */
const oneLine = (value: string, max = 120) => {
  const flat = value.replace(/[\r\n\t]+/g, ' ').trim()
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat
}

/** The token every subject carries, as the UI shows the number: `[#1042]`. */
const subjectTag = (ticket: TicketRef) => `[#${ticket.number}]`
const ticketUrl = (appUrl: string, ticket: TicketRef) => `${appUrl}/tickets/${ticket.id}`

function render(appUrl: string, ticket: TicketRef, subject: string, lines: string[]): EmailContent {
  const url = ticketUrl(appUrl, ticket)
  const text = [...lines, '', `Open the ticket: ${url}`, '', '— Smart Ticket System'].join('\n')
  const paragraphs = lines
    .filter((line) => line !== '')
    .map((line) => `<p>${escapeHtml(line).replace(/\n/g, '<br>')}</p>`)
    .join('\n')
  const html = `<!doctype html>
<html><body style="font-family: system-ui, sans-serif; line-height: 1.5; color: #1f2933">
${paragraphs}
<p><a href="${escapeHtml(url)}">Open ticket #${ticket.number}</a></p>
<p style="color: #6b7785; font-size: 12px">Smart Ticket System</p>
</body></html>`
  return { subject: oneLine(subject, 200), text, html }
}

export function assignedEmail(
  appUrl: string,
  ticket: TicketRef & { priority: string; summary: string | null },
): EmailContent {
  return render(appUrl, ticket, `${subjectTag(ticket)} Assigned to you: ${oneLine(ticket.title)}`, [
    `A ticket has been assigned to you: "${ticket.title}".`,
    `Priority: ${ticket.priority}`,
    ...(ticket.summary ? [`Summary: ${ticket.summary}`] : []),
  ])
}

export function commentEmail(appUrl: string, ticket: TicketRef, author: string, body: string): EmailContent {
  return render(appUrl, ticket, `${subjectTag(ticket)} New reply on: ${oneLine(ticket.title)}`, [
    `${author} replied on your ticket "${ticket.title}":`,
    body,
  ])
}

const STATUS_LINES: Partial<Record<TicketStatus, string>> = {
  waiting_for_customer: 'We need something from you to go on: please reply on the ticket.',
  resolved:
    'Your ticket has been resolved. Please confirm the fix, or reopen the ticket if the problem remains.',
  closed: 'Your ticket has been closed.',
}

export const STATUSES_THAT_EMAIL = Object.keys(STATUS_LINES) as TicketStatus[]

export function statusEmail(appUrl: string, ticket: TicketRef, status: TicketStatus): EmailContent {
  return render(
    appUrl,
    ticket,
    `${subjectTag(ticket)} ${status.replace(/_/g, ' ')}: ${oneLine(ticket.title)}`,
    [`Your ticket "${ticket.title}" is now ${status.replace(/_/g, ' ')}.`, STATUS_LINES[status] ?? ''],
  )
}

/**
 * The closing notice with the satisfaction survey: "Were you satisfied?" and a link for each
 * answer. The links open a page that asks to confirm (a link scanner's visit records nothing).
 */
export function closedSurveyEmail(
  appUrl: string,
  ticket: TicketRef,
  links: { good: string; bad: string },
): EmailContent {
  const url = ticketUrl(appUrl, ticket)
  const intro = `Your ticket "${ticket.title}" is now closed.`
  const question = 'Were you satisfied with how we handled it? One click tells us:'
  const text = [
    intro,
    '',
    question,
    `  Yes, good: ${links.good}`,
    `  No, bad:   ${links.bad}`,
    '',
    'You can add a comment on the page, and change your answer for 7 days.',
    '',
    `Open the ticket: ${url}`,
    '',
    '— Smart Ticket System',
  ].join('\n')
  const button = (href: string, label: string, color: string) =>
    `<a href="${escapeHtml(href)}" style="display: inline-block; padding: 8px 16px; margin-right: 8px; border-radius: 4px; background: ${color}; color: #fff; text-decoration: none">${label}</a>`
  const html = `<!doctype html>
<html><body style="font-family: system-ui, sans-serif; line-height: 1.5; color: #1f2933">
<p>${escapeHtml(intro)}</p>
<p>${escapeHtml(question)}</p>
<p>${button(links.good, 'Yes, good', '#1f7a4d')}${button(links.bad, 'No, bad', '#b42318')}</p>
<p>You can add a comment on the page, and change your answer for 7 days.</p>
<p><a href="${escapeHtml(url)}">Open ticket #${ticket.number}</a></p>
<p style="color: #6b7785; font-size: 12px">Smart Ticket System</p>
</body></html>`
  return { subject: oneLine(`${subjectTag(ticket)} closed: ${oneLine(ticket.title)}`, 200), text, html }
}

/** The reset link, and what to do if you did not ask for it. Not about a ticket: no [#n]. */
export function passwordResetEmail(link: string, validMinutes: number): EmailContent {
  const lines = [
    'Someone (we hope you) asked to reset the password of your Smart Ticket System account.',
    `Choose a new password here; the link works once, for ${validMinutes} minutes:`,
  ]
  const ignore = 'If you did not ask for this, ignore this email: your password stays as it is.'
  const text = [...lines, link, '', ignore, '', '— Smart Ticket System'].join('\n')
  const html = `<!doctype html>
<html><body style="font-family: system-ui, sans-serif; line-height: 1.5; color: #1f2933">
${lines.map((line) => `<p>${escapeHtml(line)}</p>`).join('\n')}
<p><a href="${escapeHtml(link)}">Choose a new password</a></p>
<p>${escapeHtml(ignore)}</p>
<p style="color: #6b7785; font-size: 12px">Smart Ticket System</p>
</body></html>`
  return { subject: 'Reset your password', text, html }
}

/**
 * A ticket filed by email: its number, and how to add to it. Someone who has never set a password
 * is told how to, or the link at the bottom would only lead them to a sign-in they cannot pass.
 */
export function acknowledgementEmail(
  appUrl: string,
  ticket: TicketRef,
  requester: { email: string; needsPassword: boolean },
): EmailContent {
  return render(appUrl, ticket, `${subjectTag(ticket)} Received: ${oneLine(ticket.title)}`, [
    `We received your request "${ticket.title}" and filed it as ticket #${ticket.number}.`,
    `Reply to this email to add to it; keep [#${ticket.number}] in the subject.`,
    ...(requester.needsPassword
      ? [`To follow it on the web, choose a password for ${requester.email} first: ${appUrl}/forgot-password`]
      : []),
  ])
}

/** Escalation of a service-level target: 80 % of it used (warning) or missed (breached). */
export function slaEmail(
  appUrl: string,
  ticket: TicketRef & { priority: string },
  event: 'warning' | 'breached',
  target: 'first_response' | 'resolution',
  dueAt: Date,
): EmailContent {
  const what = target === 'first_response' ? 'first response' : 'resolution'
  const subject =
    event === 'warning'
      ? `${subjectTag(ticket)} SLA warning: ${what} due soon: ${oneLine(ticket.title)}`
      : `${subjectTag(ticket)} SLA breached: ${what} overdue: ${oneLine(ticket.title)}`
  return render(appUrl, ticket, subject, [
    event === 'warning'
      ? `80 % of the ${what} time for "${ticket.title}" is used.`
      : `The ${what} target for "${ticket.title}" was missed.`,
    `Priority: ${ticket.priority}`,
    `Due: ${dueAt.toISOString()}`,
  ])
}

/** A duplicate was merged: where its requester follows it now. */
export function mergedEmail(appUrl: string, source: TicketRef, target: TicketRef): EmailContent {
  return render(
    appUrl,
    target,
    `${subjectTag(source)} Merged into #${target.number}: ${oneLine(source.title)}`,
    [
      `Your ticket #${source.number} "${source.title}" describes the same request as ticket #${target.number} "${target.title}", so we merged them.`,
      `Your messages and files are now on #${target.number}, and you follow it: you will hear about it from here on. Reply to this email to add to it.`,
    ],
  )
}
