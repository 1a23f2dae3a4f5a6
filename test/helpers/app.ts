// A real app on a real database for one test file, driven through app.inject.
import { buildApp } from '../../src/app.js'
import { type Config, loadConfig } from '../../src/config.js'
import type { Database } from '../../src/db/client.js'
import type { UserRole } from '../../src/db/schema.js'
import { createJobQueue, type JobQueue } from '../../src/jobs/queue.js'
import { createUser } from '../../src/modules/users/user.service.js'
import { openTestDatabase } from './template.js'

export interface TestContext {
  app: Awaited<ReturnType<typeof buildApp>>
  database: Database
  /** PostgreSQL only: this file's database, for processes the test starts. */
  databaseUrl: string | undefined
  queue: JobQueue
  config: Config
  close(): Promise<void>
}

export async function createTestContext(env: Record<string, string> = {}): Promise<TestContext> {
  const { database, url, drop } = await openTestDatabase()
  // Limits high enough that tests filing many tickets or comments as one user measure something
  // else; the tests of the limits set their own.
  const config = loadConfig({
    AUTH_RATE_LIMIT: '100000',
    TICKET_RATE_LIMIT: '100000',
    COMMENT_RATE_LIMIT: '100000',
    WORKER: 'off',
    COOKIE_SECURE: 'false',
    ...env,
  })
  const queue = createJobQueue(database)
  await queue.start()
  const app = await buildApp({ config, database, queue, logger: false })
  await app.ready()
  return {
    app,
    database,
    databaseUrl: url,
    queue,
    config,
    close: async () => {
      await app.close()
      await queue.stop()
      await drop()
    },
  }
}

export interface TestUser {
  id: string
  email: string
  password: string
  role: UserRole
  cookie: string
}

let counter = 0

/** Creates a user with `role` and signs them in; `cookie` goes in the Cookie header. */
export async function signedInUser(
  ctx: TestContext,
  role: UserRole = 'user',
  email?: string,
): Promise<TestUser> {
  counter += 1
  const address = email ?? `${role}${counter}-${Math.random().toString(36).slice(2, 7)}@example.com`
  const password = 'correct horse battery'
  const user = await createUser(ctx.database.db, { email: address, password, role })
  const cookie = await login(ctx, address, password)
  return { id: user.id, email: address, password, role, cookie }
}

export async function login(ctx: TestContext, email: string, password: string): Promise<string> {
  const response = await ctx.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email, password },
  })
  if (response.statusCode !== 200) throw new Error(`login failed: ${response.body}`)
  const cookie = response.cookies.find((c) => c.name === 'sid')
  if (!cookie) throw new Error('no session cookie')
  return `sid=${cookie.value}`
}

type Item = Record<string, unknown>
/** The envelope as tests read it: `data` may be an object or a list. */
export interface Body {
  success: boolean
  statusCode: number
  message: string
  timestamp: string
  path?: string
  error?: string
  data: Item & Item[]
  meta?: { total: number; page: number; limit: number }
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'

/** An authenticated request; returns status and parsed JSON body. */
export async function call(
  ctx: TestContext,
  user: TestUser | null,
  method: Method,
  url: string,
  payload?: unknown,
) {
  const response = await ctx.app.inject({
    method,
    url,
    headers: user ? { cookie: user.cookie } : {},
    ...(payload === undefined ? {} : { payload: payload as object }),
  })
  const body = (response.body ? JSON.parse(response.body) : undefined) as Body
  return { status: response.statusCode, body, headers: response.headers, response }
}

export async function createTicket(
  ctx: TestContext,
  user: TestUser,
  overrides: Partial<{ title: string; description: string }> = {},
) {
  const response = await call(ctx, user, 'POST', '/api/tickets', {
    title: overrides.title ?? 'Cannot access user dashboard',
    description: overrides.description ?? 'When I open my dashboard I get a 404 error since the update.',
  })
  if (response.status !== 201) throw new Error(`create failed: ${JSON.stringify(response.body)}`)
  return response.body.data as unknown as { id: string; status: string; priority: string }
}
