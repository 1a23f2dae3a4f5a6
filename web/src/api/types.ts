// The API's shapes as the browser sees them, derived from the server's route schemas (the TypeBox
// schemas in src/modules/*/*.schemas.ts that validate, serialise and document every response,
// and produce /openapi.json): a field added, renamed or retyped there is a type error here, with
// nothing to regenerate. The imports are type-only, so no server code reaches the bundle.

import type { PageMeta as ServerPageMeta } from '../../../src/http/envelope'
import type {
  InboundMessageDto,
  InboundStatusDto,
  OriginalEmailDto,
} from '../../../src/modules/inbound/inbound.schemas'
import type { EmailDto } from '../../../src/modules/notifications/email.schemas'
import type {
  BacklogRow as BacklogRowDto,
  ModeratorRow as ModeratorRowDto,
  SkillRow as SkillRowDto,
  SummaryRow as SummaryRowDto,
} from '../../../src/modules/reports/report.schemas'
import type { SatisfactionDto, SurveyDto } from '../../../src/modules/satisfaction/satisfaction.schemas'
import type { SearchHitDto, SearchMeta as ServerSearchMeta } from '../../../src/modules/search/search.schemas'
import type { SimilarTicketDto } from '../../../src/modules/similar/similar.schemas'
import type { SkillDto } from '../../../src/modules/skills/skill.schemas'
import type { CreateSlaPolicyInput, SlaPolicyDto, TicketSlaDto } from '../../../src/modules/sla/sla.schemas'
import type {
  AttachmentDto,
  CommentDto,
  TicketDto,
  TicketEventDto,
  TicketWithPeopleDto,
} from '../../../src/modules/tickets/ticket.schemas'
import type { UserDto, UserSkillDto } from '../../../src/modules/users/user.schemas'
import type { ProcessingStatus, TicketPriority, TicketStatus, UserRole } from '../../../src/shared/vocabulary'

// One definition for server and browser: the shared vocabulary.
export {
  PROCESSING_STATUSES,
  TICKET_PRIORITIES as PRIORITIES,
  TICKET_STATUSES,
  USER_ROLES as ROLES,
} from '../../../src/shared/vocabulary'
export type { ProcessingStatus, TicketStatus }
export type Priority = TicketPriority
export type Role = UserRole

/** A value as it arrives in JSON: the server's `Date`s are ISO strings by then. */
export type Json<T> = T extends Date
  ? string
  : T extends readonly (infer Item)[]
    ? Json<Item>[]
    : T extends object
      ? { [Key in keyof T]: Json<T[Key]> }
      : T

export type Ticket = Json<TicketDto>
/** GET /api/tickets/:id/similar and /api/tickets/own-similar: a ticket with similarity and resolution. */
export type SimilarTicket = Json<SimilarTicketDto>
/** GET /api/tickets/all adds the people's emails. */
export type StaffTicket = Json<TicketWithPeopleDto>
export type UserSkill = Json<UserSkillDto>
export type User = Json<UserDto>
export type Skill = Json<SkillDto>
export type Comment = Json<CommentDto>
export type Attachment = Json<AttachmentDto>
export type TicketEvent = Json<TicketEventDto>
export type TicketEventType = TicketEvent['type']
export type Email = Json<EmailDto>
export type TicketSla = Json<TicketSlaDto>
export type SlaPolicy = Json<SlaPolicyDto>
export type SlaPolicyInput = CreateSlaPolicyInput
export type OpeningRange = SlaPolicyInput['calendar']['hours'][number]
export type EmailStatus = Email['status']
export type InboundMessage = Json<InboundMessageDto>
export type InboundOutcome = InboundMessage['outcome']
export type InboundStatus = Json<InboundStatusDto>
export type OriginalEmail = Json<OriginalEmailDto>
export type PageMeta = ServerPageMeta
export type Satisfaction = Json<SatisfactionDto>
export type SatisfactionRating = Satisfaction['rating']
export type Survey = Json<SurveyDto>
export type SummaryRow = Json<SummaryRowDto>
export type ModeratorRow = Json<ModeratorRowDto>
export type SkillRow = Json<SkillRowDto>
export type BacklogRow = Json<BacklogRowDto>
/** GET /api/tickets/search: a ticket with its highlighted snippets (escaped HTML, <mark> only). */
export type SearchHit = Json<SearchHitDto>
export type SearchMeta = ServerSearchMeta

export interface Page<T> {
  items: T[]
  meta: PageMeta
}
