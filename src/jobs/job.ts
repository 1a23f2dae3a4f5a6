// A job is a typed definition: its queue, its payload schema, its handler (after Documenso's jobs).
import type { Static, TSchema } from 'typebox'
import type { QueueName } from './queue.js'

export interface JobAttempt<P> {
  id: string
  payload: P
  /** 0 on the first run. */
  retryCount: number
  retryLimit: number
}

export const isLastAttempt = (job: { retryCount: number; retryLimit: number }) =>
  job.retryCount >= job.retryLimit

export interface JobDefinition<S extends TSchema, D> {
  queue: QueueName
  payload: S
  /** Throw to have pg-boss retry the attempt later with backoff. */
  handle(deps: D, job: JobAttempt<Static<S>>): Promise<unknown>
}

export function defineJob<S extends TSchema, D>(definition: JobDefinition<S, D>): JobDefinition<S, D> {
  return definition
}
