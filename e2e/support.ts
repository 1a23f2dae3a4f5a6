// Shared setup for the e2e specs. Setup that is not under test goes through the public API
// (Playwright's request context: no Origin header, so the CSRF guard lets it through); what is
// under test goes through the UI.
import { type APIRequestContext, expect, type Page, request } from '@playwright/test'
import { ADMIN, PASSWORD } from './accounts.js'

export { ADMIN, PASSWORD }

interface Envelope<T> {
  success: boolean
  message: string
  error?: string
  data: T
}

export interface ApiUser {
  id: string
  email: string
  role: string
}

export interface ApiTicket {
  id: string
  title: string
  status: string
  assigned_to: string | null
  processing_status: string
}

/** A short unique tag: tests run in parallel against one server, so their names must not collide. */
export function uniqueTag(): string {
  return Array.from({ length: 9 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join('')
}

export async function call<T>(
  api: APIRequestContext,
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  url: string,
  data?: unknown,
): Promise<T> {
  const response = await api.fetch(url, { method, data })
  const body = (await response.json()) as Envelope<T>
  if (!response.ok())
    throw new Error(`${method} ${url} → ${response.status()} ${body.message}: ${body.error ?? ''}`)
  return body.data
}

/** A signed-in API client (its own cookie jar). */
export async function apiAs(baseURL: string, email: string, password: string): Promise<APIRequestContext> {
  const api = await request.newContext({ baseURL })
  await call(api, 'POST', '/api/auth/login', { email, password })
  return api
}

export async function registerUser(baseURL: string, tag: string, label = 'user') {
  const api = await request.newContext({ baseURL })
  const user = await call<ApiUser>(api, 'POST', '/api/auth/register', {
    email: `${label}-${tag}@e2e.test`,
    password: PASSWORD,
    name: `${capitalised(label)} ${tag}`,
  })
  return { api, user }
}

const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)

/**
 * A catalog skill named after the tag and an active moderator who has it at proficiency 5, so a
 * ticket that names the skill is assigned to that moderator and no other test's.
 */
export async function moderatorWithSkill(admin: APIRequestContext, tag: string) {
  const createdAt = Date.now()
  const skill = await call<{ id: string; name: string }>(admin, 'POST', '/api/skills', {
    name: skillName(tag),
    description: 'End-to-end test skill',
    keywords: [skillName(tag).toLowerCase()],
  })
  const moderator = await call<ApiUser>(admin, 'POST', '/api/users', {
    email: `mod-${tag}@e2e.test`,
    password: PASSWORD,
    name: `Moderator ${tag}`,
    role: 'moderator',
  })
  await call(admin, 'PUT', `/api/users/${moderator.id}/skills`, {
    skills: [{ skill: skill.name, proficiency: 5 }],
  })
  return { skill, moderator, createdAt }
}

/**
 * The worker reads the skills catalog through a 5-second cache (cachedCatalog in
 * src/modules/triage/triage.service.ts): a ticket filed sooner after a skill was added may be
 * analysed without it. Call with the time the skill was created, before filing its ticket.
 */
export async function catalogHasCaughtUp(skillCreatedAt: number): Promise<void> {
  const wait = skillCreatedAt + 5_500 - Date.now()
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
}

/** One word, so it matches nothing but itself in the built-in triage. */
export const skillName = (tag: string) => `Flux${tag}`

/** A ticket text that the built-in analysis links to the tag's skill. */
export function ticketFor(tag: string, title = `Flux${tag} export keeps failing`) {
  return {
    title,
    description: `Since this morning every Flux${tag} export stops halfway with an error. The Flux${tag} job worked fine yesterday.`,
  }
}

/** Polls the API until the ticket's background analysis and assignment are done. */
export async function waitUntilAssigned(api: APIRequestContext, ticketId: string): Promise<ApiTicket> {
  let ticket: ApiTicket | undefined
  await expect
    .poll(
      async () => {
        ticket = await call<ApiTicket>(api, 'GET', `/api/tickets/${ticketId}`)
        return ticket.processing_status === 'done' && ticket.assigned_to !== null
      },
      { timeout: 15_000 },
    )
    .toBe(true)
  if (!ticket) throw new Error('unreachable')
  return ticket
}

export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/login')
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page).not.toHaveURL(/\/login/)
}

/** Marks the loaded document: the mark survives in-app updates and vanishes on a reload. */
export async function markDocument(page: Page): Promise<void> {
  await page.evaluate(() => document.documentElement.setAttribute('data-e2e-mark', 'kept'))
}

export async function expectNoReload(page: Page): Promise<void> {
  await expect(page.locator('html')).toHaveAttribute('data-e2e-mark', 'kept')
}

/**
 * Collects what a person would never see but a broken page shows in its console: uncaught
 * errors, and anything the Content-Security-Policy refused (inline scripts, foreign origins).
 */
export function watchPageProblems(page: Page): string[] {
  const problems: string[] = []
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) {
      problems.push(message.text())
    }
  })
  return problems
}
