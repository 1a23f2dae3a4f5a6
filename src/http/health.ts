import { sql } from 'drizzle-orm'
import Type from 'typebox'
import { AppError } from '../errors.js'
import { Envelope, ErrorEnvelope, ok } from './envelope.js'
import type { RoutePlugin } from './types.js'

const Status = Envelope(Type.Object({ status: Type.String() }))

export const healthRoutes: RoutePlugin = async (app, { database }) => {
  app.get(
    '/health/live',
    { schema: { tags: ['operations'], summary: 'The process is up', response: { 200: Status } } },
    async () => ok(200, 'Alive', { status: 'ok' }),
  )

  app.get(
    '/health/ready',
    {
      schema: {
        tags: ['operations'],
        summary: 'The database answers (503 otherwise)',
        response: { 200: Status, 503: ErrorEnvelope },
      },
    },
    async () => {
      const timeout = new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error('database ping timed out')), 2000).unref(),
      )
      try {
        await Promise.race([database.db.execute(sql`SELECT 1`), timeout])
      } catch {
        throw new AppError('UNAVAILABLE', 'Service unavailable', 'the database does not answer')
      }
      return ok(200, 'Ready', { status: 'ok' })
    },
  )
}
