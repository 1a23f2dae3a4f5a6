import Type, { type Static } from 'typebox'
import { EMAIL_STATUSES } from '../../db/schema.js'
import { DateTime, Nullable, StringEnum } from '../../http/schemas.js'

export const EmailSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    to: Type.String(),
    subject: Type.String(),
    text: Type.String(),
    status: StringEnum(EMAIL_STATUSES, ''),
    attempts: Type.Integer(),
    last_error: Nullable(Type.String()),
    ticket_id: Nullable(Type.String({ format: 'uuid' })),
    message_id: Nullable(Type.String()),
    created_at: DateTime,
    sent_at: Nullable(DateTime),
  },
  { $id: 'Email' },
)
export type EmailDto = Static<typeof EmailSchema>
