// The least work a create must do on this schema, written by hand as one pgbench transaction:
// the POST /api/tickets target is read against it (issue 9 §6). Whatever the API sends beyond
// this (extra statements, round trips, Node's own CPU) is overhead the API could shed; what this
// script does is not: the session must be checked, the ticket, its `created` history row and its
// workflow job must commit together, and a worker must be woken. The tickets triggers (counts,
// live-update NOTIFY) stay on: they are part of the schema every create pays for.
import { createHash } from 'node:crypto'
import { TICKET_BODY } from './config.js'

/** SQL literal of a string (the values below are ours: no colons, see TICKET_BODY). */
const text = (value: string) => `'${value.replaceAll("'", "''")}'`

export function minimalCreateScript(sessionToken: string): string {
  const tokenHash = createHash('sha256').update(sessionToken).digest('hex')
  return [
    'BEGIN;',
    // Who is calling: the session must be live, unrevoked, its user active (the auth hook's rule).
    `SELECT u.id AS id FROM sessions s JOIN users u ON u.id = s.user_id
       WHERE s.token_hash = ${text(tokenHash)} AND s.revoked_at IS NULL AND s.expires_at > now()
         AND u.is_active \\gset u_`,
    // The row the API answers with: every column back.
    `INSERT INTO tickets (title, description, created_by)
       VALUES (${text(TICKET_BODY.title)}, ${text(TICKET_BODY.description)}, :u_id) RETURNING * \\gset t_`,
    `INSERT INTO ticket_events (ticket_id, actor_id, type, to_value) VALUES (:t_id, :u_id, 'created', 'todo');`,
    // The workflow job as pg-boss would store it for this queue (its retry settings, singleton
    // key), with constants instead of pg-boss's join to its queue table.
    `INSERT INTO pgboss.job (name, data, singleton_key, retry_limit, retry_delay, retry_backoff, expire_in, policy)
       VALUES ('ticket-workflow', json_build_object('ticketId', :t_id::text), :t_id, 5, 1, true,
               interval '300 seconds', 'standard');`,
    "SELECT pg_notify('sts_jobs', 'ticket-workflow');",
    'COMMIT;',
  ].join('\n')
}
