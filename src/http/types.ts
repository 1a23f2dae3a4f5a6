import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Config } from '../config.js'
import type { Database } from '../db/client.js'
import type { JobQueue } from '../jobs/queue.js'
import type { SessionCache } from '../modules/auth/session-cache.js'
import type { Notifier } from '../modules/notifications/notifier.js'
import type { PageCache } from '../modules/tickets/page-cache.js'

/** What route plugins are given: explicit dependencies, no globals. */
export interface RouteDeps {
  config: Config
  database: Database
  queue: JobQueue
  notifier: Notifier
  /** Sessions this process looked up lately; routes that end sessions or change rights tell it. */
  sessions: SessionCache
  /** The staff queue's recent answers (tickets/page-cache.ts); forgotten at any change. */
  queuePages: PageCache
}

export type RoutePlugin<Extra extends object = object> = FastifyPluginAsyncTypebox<RouteDeps & Extra>
