// The email channel's API shapes (api-contract.md, "Email channel"): validation, serialisation,
// OpenAPI and the web UI's types. No server-only imports: web/src/api/types.ts imports this file.
import Type, { type Static } from 'typebox'
import { INBOUND_CHANNELS, INBOUND_OUTCOMES } from '../../db/schema.js'
import { DateTime, Nullable, StringEnum } from '../../http/schemas.js'

export const MessageOutcome = StringEnum(INBOUND_OUTCOMES, '')
const ReceivedVia = StringEnum(INBOUND_CHANNELS, '')

export const ReceivedSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  outcome: MessageOutcome,
  ticket_id: Nullable(Type.String({ format: 'uuid' })),
  error: Nullable(Type.String()),
})

export const InboundMessageSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    message_id: Nullable(Type.String()),
    from: Nullable(Type.String()),
    subject: Nullable(Type.String()),
    received_via: ReceivedVia,
    outcome: MessageOutcome,
    ticket_id: Nullable(Type.String({ format: 'uuid' })),
    ticket_number: Nullable(Type.Integer()),
    error: Nullable(Type.String()),
    received_at: DateTime,
  },
  { $id: 'InboundMessage' },
)
export type InboundMessageDto = Static<typeof InboundMessageSchema>

const FetchStateSchema = Type.Object({
  source: Type.String(),
  last_fetch_at: Nullable(DateTime),
  last_error_at: Nullable(DateTime),
  last_error: Nullable(Type.String()),
})

export const InboundStatusSchema = Type.Object({
  address: Nullable(Type.String()),
  smtp_listener: Nullable(Type.Object({ host: Type.String(), port: Type.Integer() })),
  /** POST /api/inbound/email is on (INBOUND_TOKEN is set); the token itself is never shown. */
  http_endpoint: Type.Boolean(),
  mailboxes: Type.Array(FetchStateSchema),
  // IMAP_URL as admins may see it (no password), or null when no mailbox is configured.
  imap: Nullable(
    Type.Object({
      mailbox: Type.String({ description: 'The IMAP URL without its password' }),
      poll_seconds: Type.Integer(),
      connected: Type.Boolean({
        description: 'The last fetch succeeded, after the last error, within two poll intervals and a minute',
      }),
      last_fetch_at: Nullable(DateTime),
      last_error_at: Nullable(DateTime),
      last_error: Nullable(Type.String()),
    }),
  ),
})
export type InboundStatusDto = Static<typeof InboundStatusSchema>

/** "Show original" (staff): the email a ticket or comment was filed from, uncut. */
export const OriginalEmailSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid', description: 'The inbound message (GET /api/admin/inbound)' }),
    message_id: Nullable(Type.String()),
    from: Nullable(Type.String()),
    to: Type.Array(Type.String()),
    cc: Type.Array(Type.String()),
    subject: Nullable(Type.String()),
    date: Nullable(DateTime),
    received_via: ReceivedVia,
    received_at: DateTime,
    headers: Type.String({ description: 'The header section as received' }),
    text: Type.String({
      description: 'The whole text, quoted history and signature included (HTML-only mail as text)',
    }),
  },
  { $id: 'OriginalEmail' },
)
export type OriginalEmailDto = Static<typeof OriginalEmailSchema>
