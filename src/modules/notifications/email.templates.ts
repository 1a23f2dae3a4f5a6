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

const shortId = (id: string) => id.slice(0, 8)
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
<p><a href="${escapeHtml(url)}">Open ticket #${shortId(ticket.id)}</a></p>
<p style="color: #6b7785; font-size: 12px">Smart Ticket System</p>
</body></html>`
  return { subject: oneLine(subject, 200), text, html }
}

export function assignedEmail(
  appUrl: string,
  ticket: TicketRef & { priority: string; summary: string | null },
): EmailContent {
  return render(appUrl, ticket, `[#${shortId(ticket.id)}] Assigned to you: ${oneLine(ticket.title)}`, [
    `A ticket has been assigned to you: "${ticket.title}".`,
    `Priority: ${ticket.priority}`,
    ...(ticket.summary ? [`Summary: ${ticket.summary}`] : []),
  ])
}

export function commentEmail(appUrl: string, ticket: TicketRef, author: string, body: string): EmailContent {
  return render(appUrl, ticket, `[#${shortId(ticket.id)}] New reply on: ${oneLine(ticket.title)}`, [
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
    `[#${shortId(ticket.id)}] ${status.replace(/_/g, ' ')}: ${oneLine(ticket.title)}`,
    [`Your ticket "${ticket.title}" is now ${status.replace(/_/g, ' ')}.`, STATUS_LINES[status] ?? ''],
  )
}

export function acknowledgementEmail(appUrl: string, ticket: TicketRef): EmailContent {
  return render(appUrl, ticket, `[#${shortId(ticket.id)}] Received: ${oneLine(ticket.title)}`, [
    `We received your request "${ticket.title}" and filed it as a ticket.`,
    'Reply to this email to add to it; keep the ticket reference in the subject.',
  ])
}
