// The Message-IDs our next email about a ticket continues (References): the message that opened
// it and the latest reply, oldest first, read in one statement.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createIntakeDeps } from '../src/modules/inbound/channels.js'
import { receiveMessage } from '../src/modules/inbound/intake.js'
import { inboundThreadIds } from '../src/modules/inbound/thread.js'
import { createTestContext, type TestContext } from './helpers/app.js'
import { composeMail } from './helpers/mail.js'

let ctx: TestContext
beforeAll(async () => {
  ctx = await createTestContext({ INBOUND_ADDRESS: 'support@helpdesk.test' })
})
afterAll(() => ctx.close())

it('names the first and the latest message of the thread', async () => {
  const intake = createIntakeDeps(ctx.config, ctx.database, ctx.queue)
  const ids = Array.from({ length: 3 }, () => `<${randomUUID()}@mail.example.org>`)
  const [first, second, third] = ids as [string, string, string]
  const from = 'grace@example.org'
  const filed = await receiveMessage(intake, await composeMail({ from, messageId: first }), 'smtp')
  const ticketId = String(filed.ticketId)
  expect(await inboundThreadIds(ctx.database.db, ticketId)).toEqual([first])

  const reply = (messageId: string, inReplyTo: string) =>
    composeMail({ from, messageId, inReplyTo, references: [first], subject: 'Re: printer', text: messageId })
  expect((await receiveMessage(intake, await reply(second, first), 'smtp')).ticketId).toBe(ticketId)
  expect(await inboundThreadIds(ctx.database.db, ticketId)).toEqual([first, second])

  expect((await receiveMessage(intake, await reply(third, second), 'smtp')).ticketId).toBe(ticketId)
  expect(await inboundThreadIds(ctx.database.db, ticketId)).toEqual([first, third])
  expect(await inboundThreadIds(ctx.database.db, randomUUID())).toEqual([])
})
