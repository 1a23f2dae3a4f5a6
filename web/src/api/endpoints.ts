// One function per API endpoint the UI uses (api-contract.md, tickets-module.md).
import { call, get, withQuery } from './client'
import type {
  Attachment,
  BacklogRow,
  Comment,
  Email,
  InboundMessage,
  InboundStatus,
  ModeratorRow,
  OriginalEmail,
  Page,
  PageMeta,
  Priority,
  Role,
  SatisfactionRating,
  SearchHit,
  SearchMeta,
  SimilarTicket,
  Skill,
  SkillRow,
  SlaPolicy,
  SlaPolicyInput,
  StaffTicket,
  SummaryRow,
  Survey,
  Ticket,
  TicketEvent,
  TicketStatus,
  User,
} from './types'

async function page<T>(path: string): Promise<Page<T>> {
  const { data, meta } = await call<T[]>('GET', path)
  const fallback: PageMeta = { total: data.length, page: 1, limit: data.length }
  return { items: data, meta: meta ?? fallback }
}

export interface TicketQuery {
  page?: number
  limit?: number
  status?: TicketStatus
  priority?: Priority
  /** A user id, or "unassigned" (GET /all only). */
  assigned_to?: string
  /** GET /all only: "due" lists the soonest SLA due first. */
  sort?: 'due'
}

export interface TicketPatch {
  status?: TicketStatus
  priority?: Priority
  helpful_notes?: string | null
  assigned_to?: string | null
}

export const auth = {
  me: () => get<User>('/api/auth/me'),
  login: async (email: string, password: string) =>
    (await call<User>('POST', '/api/auth/login', { email, password })).data,
  register: async (input: { email: string; password: string; name?: string }) =>
    (await call<User>('POST', '/api/auth/register', input)).data,
  logout: async () => {
    await call<null>('POST', '/api/auth/logout')
  },
  /** Always the same answer, whether or not the account exists. */
  forgotPassword: async (email: string) =>
    (await call<null>('POST', '/api/auth/password/forgot', { email })).message,
  resetPassword: async (token: string, password: string) =>
    (await call<User>('POST', '/api/auth/password/reset', { token, password })).data,
}

export interface SearchQuery extends TicketQuery {
  q: string
}

export const search = {
  /** `signal`: the header's results-as-you-type cancel a request a newer keystroke replaced. */
  tickets: async (query: SearchQuery, signal?: AbortSignal) => {
    const { data, meta } = await call<SearchHit[]>(
      'GET',
      withQuery('/api/tickets/search', { ...query }),
      undefined,
      {
        signal,
      },
    )
    const fallback: SearchMeta = { total: data.length, page: 1, limit: data.length }
    return { items: data, meta: (meta as SearchMeta | undefined) ?? fallback }
  },
}

export const tickets = {
  mine: (query: TicketQuery) => page<Ticket>(withQuery('/api/tickets', { ...query })),
  all: (query: TicketQuery) => page<StaffTicket>(withQuery('/api/tickets/all', { ...query })),
  get: (id: string) => get<Ticket>(`/api/tickets/${encodeURIComponent(id)}`),
  create: async (input: { title: string; description: string }) =>
    (await call<Ticket>('POST', '/api/tickets', input)).data,
  update: async (id: string, patch: TicketPatch) =>
    (await call<Ticket>('PATCH', `/api/tickets/${encodeURIComponent(id)}`, patch)).data,
  remove: async (id: string) => {
    await call<null>('DELETE', `/api/tickets/${encodeURIComponent(id)}`)
  },
  /** One page of the conversation, oldest first (limit at most 100). */
  comments: (id: string, n: number, limit: number) =>
    page<Comment>(withQuery(`/api/tickets/${encodeURIComponent(id)}/comments`, { page: n, limit })),
  addComment: async (id: string, body: string, internal = false, attachmentIds: string[] = []) =>
    (
      await call<Comment>('POST', `/api/tickets/${encodeURIComponent(id)}/comments`, {
        body,
        ...(internal ? { internal: true } : {}),
        ...(attachmentIds.length > 0 ? { attachment_ids: attachmentIds } : {}),
      })
    ).data,
  /** Uploads files to the ticket; a comment then claims them by id (attachment_ids). */
  uploadAttachments: async (id: string, files: File[]) => {
    const form = new FormData()
    for (const file of files) form.append('file', file, file.name)
    return (await call<Attachment[]>('POST', `/api/tickets/${encodeURIComponent(id)}/attachments`, form)).data
  },
  /** One page of the history, oldest first (limit at most 100). */
  history: (id: string, n: number, limit: number) =>
    page<TicketEvent>(withQuery(`/api/tickets/${encodeURIComponent(id)}/history`, { page: n, limit })),
  /** Staff: the email the ticket (no commentId) or an emailed comment was filed from, uncut. */
  original: (id: string, commentId?: string) =>
    get<OriginalEmail>(
      commentId
        ? `/api/tickets/${encodeURIComponent(id)}/comments/${encodeURIComponent(commentId)}/original`
        : `/api/tickets/${encodeURIComponent(id)}/original`,
    ),
  decide: async (id: string, decision: 'confirm' | 'reopen') =>
    (await call<Ticket>('POST', `/api/tickets/${encodeURIComponent(id)}/${decision}`)).data,
  /** The tickets most like this one, best first (staff; limit at most 20). */
  similar: (id: string, limit = 5) =>
    get<SimilarTicket[]>(withQuery(`/api/tickets/${encodeURIComponent(id)}/similar`, { limit })),
  /** The caller's own open tickets that look like a ticket about to be filed (at most 3). */
  ownSimilar: (title: string, description: string) =>
    get<SimilarTicket[]>(withQuery('/api/tickets/own-similar', { title, description })),
  /** Merges the ticket into the one numbered `into` (staff); gives the merged (closed) ticket. */
  merge: async (id: string, into: number) =>
    (await call<Ticket>('POST', `/api/tickets/${encodeURIComponent(id)}/merge`, { into })).data,
}

export interface UserQuery {
  page?: number
  limit?: number
  role?: Role
  q?: string
}

export const users = {
  list: (query: UserQuery) => page<User>(withQuery('/api/users', { ...query })),
  get: (id: string) => get<User>(`/api/users/${encodeURIComponent(id)}`),
  create: async (input: { email: string; password: string; name?: string; role: Role }) =>
    (await call<User>('POST', '/api/users', input)).data,
  update: async (id: string, patch: { role?: Role; is_active?: boolean; name?: string | null }) =>
    (await call<User>('PATCH', `/api/users/${encodeURIComponent(id)}`, patch)).data,
  setSkills: async (id: string, skills: { skill: string; proficiency: number }[]) =>
    (await call<User>('PUT', `/api/users/${encodeURIComponent(id)}/skills`, { skills })).data,
}

export interface SkillInput {
  name: string
  description: string | null
  keywords: string[]
}

export const skills = {
  list: () => get<Skill[]>('/api/skills'),
  create: async (input: SkillInput) => (await call<Skill>('POST', '/api/skills', input)).data,
  update: async (id: string, input: Partial<SkillInput>) =>
    (await call<Skill>('PATCH', `/api/skills/${encodeURIComponent(id)}`, input)).data,
  remove: async (id: string) => {
    await call<null>('DELETE', `/api/skills/${encodeURIComponent(id)}`)
  },
}

export const emails = {
  list: (query: { page?: number; limit?: number; to?: string }) =>
    page<Email>(withQuery('/api/admin/emails', { ...query })),
}

/** The survey a satisfaction link opens: no sign-in, the token is the credential. */
export const satisfaction = {
  get: (token: string) => get<Survey>(`/api/satisfaction/${encodeURIComponent(token)}`),
  rate: async (token: string, rating: SatisfactionRating, comment: string) =>
    (
      await call<Survey>('POST', `/api/satisfaction/${encodeURIComponent(token)}`, {
        rating,
        ...(comment.trim() ? { comment } : {}),
      })
    ).data,
}

export interface ReportRange {
  from: string
  to: string
}

/** Reports (moderators, admins); `csv` gives the download link of the same figures. */
export const reports = {
  summary: (range: ReportRange, groupBy: 'day' | 'week') =>
    get<SummaryRow[]>(withQuery('/api/reports/summary', { ...range, group_by: groupBy })),
  moderators: (range: ReportRange) => get<ModeratorRow[]>(withQuery('/api/reports/moderators', { ...range })),
  skills: (range: ReportRange) => get<SkillRow[]>(withQuery('/api/reports/skills', { ...range })),
  backlog: () => get<BacklogRow[]>('/api/reports/backlog'),
  csv: (report: 'summary' | 'moderators' | 'skills' | 'backlog', query: Record<string, string> = {}) =>
    withQuery(`/api/reports/${report}`, { ...query, format: 'csv' }),
}

export const slaPolicies = {
  list: () => get<SlaPolicy[]>('/api/sla-policies'),
  create: async (input: SlaPolicyInput) => (await call<SlaPolicy>('POST', '/api/sla-policies', input)).data,
  update: async (id: string, input: Partial<SlaPolicyInput>) =>
    (await call<SlaPolicy>('PATCH', `/api/sla-policies/${encodeURIComponent(id)}`, input)).data,
  remove: async (id: string) => {
    await call<null>('DELETE', `/api/sla-policies/${encodeURIComponent(id)}`)
  },
}

export const inbound = {
  list: (query: { page?: number; limit?: number }) =>
    page<InboundMessage>(withQuery('/api/admin/inbound', { ...query })),
  status: () => get<InboundStatus>('/api/admin/inbound/status'),
}
