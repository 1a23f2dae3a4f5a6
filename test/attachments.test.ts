// Attachments: upload (multipart), type from the bytes, dedupe, size limit, access, download
// headers, and comments that claim uploads by attachment_ids.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { contentDisposition, pruneOrphanBlobs } from '../src/modules/tickets/attachment.service.js'
import {
  call,
  createTestContext,
  createTicket,
  signedInUser,
  type TestContext,
  type TestUser,
} from './helpers/app.js'

const MAX_BYTES = 4096

let ctx: TestContext
let user: TestUser
let other: TestUser
let moderator: TestUser

beforeAll(async () => {
  ctx = await createTestContext({ ATTACHMENT_MAX_BYTES: String(MAX_BYTES) })
  user = await signedInUser(ctx, 'user')
  other = await signedInUser(ctx, 'user')
  moderator = await signedInUser(ctx, 'moderator')
})
afterAll(() => ctx.close())

// The 8-byte PNG signature and an IHDR chunk: enough for file-type to say image/png.
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d69c880000000049454e44ae426082',
  'hex',
)

interface Part {
  field?: string
  filename: string
  type?: string
  content: Buffer
}

function multipart(parts: Part[]) {
  const boundary = '----attachment-test-boundary'
  const chunks: Buffer[] = []
  for (const part of parts) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${part.field ?? 'file'}"; filename="${part.filename}"\r\nContent-Type: ${part.type ?? 'application/octet-stream'}\r\n\r\n`,
      ),
      part.content,
      Buffer.from('\r\n'),
    )
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`))
  return { payload: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` }
}

interface Attachment {
  id: string
  ticket_id: string
  comment_id: string | null
  filename: string
  content_type: string
  size: number
  sha256: string
}

async function upload(who: TestUser, ticketId: string, parts: Part[]) {
  const { payload, contentType } = multipart(parts)
  const response = await ctx.app.inject({
    method: 'POST',
    url: `/api/tickets/${ticketId}/attachments`,
    headers: { cookie: who.cookie, 'content-type': contentType },
    payload,
  })
  const body = JSON.parse(response.body) as { data: Attachment[]; message: string; error?: string }
  return { status: response.statusCode, body }
}

async function uploadOne(who: TestUser, ticketId: string, part: Part): Promise<Attachment> {
  const { status, body } = await upload(who, ticketId, [part])
  expect(status).toBe(201)
  const [attachment] = body.data
  if (!attachment) throw new Error('no attachment returned')
  return attachment
}

/** The `attachments` of a ticket or comment in a response. */
const filesOf = (item: Record<string, unknown> | undefined) => (item?.attachments ?? []) as Attachment[]

const download = (who: TestUser, id: string) =>
  ctx.app.inject({ method: 'GET', url: `/api/attachments/${id}`, headers: { cookie: who.cookie } })

const blobCount = async (sha256: string) => {
  const { rows } = await ctx.database.executeSql(
    'SELECT count(*)::int AS n FROM attachment_blobs WHERE sha256 = $1',
    [sha256],
  )
  return Number(rows[0]?.n)
}

describe('uploading attachments', () => {
  it('stores files with the type their bytes show, not the one the client claims', async () => {
    const ticket = await createTicket(ctx, user)
    const { status, body } = await upload(user, ticket.id, [
      { filename: 'screenshot.txt', type: 'text/plain', content: PNG },
      { filename: 'notes.png', type: 'image/png', content: Buffer.from('Step 1: open the dashboard\n') },
      { filename: 'blob.bin', type: 'text/html', content: Buffer.from([0, 1, 2, 3, 255, 254]) },
    ])
    expect(status).toBe(201)
    expect(body.data).toHaveLength(3)
    expect(body.data.map((a) => [a.filename, a.content_type, a.size])).toEqual([
      ['screenshot.txt', 'image/png', PNG.length],
      ['notes.png', 'text/plain', 27],
      ['blob.bin', 'application/octet-stream', 6],
    ])
    expect(body.data[0]).toMatchObject({ ticket_id: ticket.id, comment_id: null })
    expect(body.data[0]?.sha256).toMatch(/^[0-9a-f]{64}$/)
  })

  it('stores the same bytes once, however often they are sent', async () => {
    const ticket = await createTicket(ctx, user)
    const content = Buffer.from(`dedupe me ${Date.now()}`)
    const first = await uploadOne(user, ticket.id, { filename: 'a.txt', content })
    const second = await uploadOne(moderator, ticket.id, { filename: 'b.txt', content })
    expect(second.id).not.toBe(first.id)
    expect(second.sha256).toBe(first.sha256)
    expect(await blobCount(first.sha256)).toBe(1)
  })

  it('cleans file names of paths and control characters, and bounds their length', async () => {
    const ticket = await createTicket(ctx, user)
    const traversal = await uploadOne(user, ticket.id, {
      filename: '../../etc/pass\u0007wd',
      content: Buffer.from('x'),
    })
    expect(traversal.filename).toBe('passwd')
    const windows = await uploadOne(user, ticket.id, {
      filename: 'C:\\Users\\me\\report.pdf',
      content: Buffer.from('y'),
    })
    expect(windows.filename).toBe('report.pdf')
    const long = await uploadOne(user, ticket.id, {
      filename: `${'a'.repeat(300)}.txt`,
      content: Buffer.from('z'),
    })
    expect(long.filename).toHaveLength(255)
  })

  it('refuses a file over ATTACHMENT_MAX_BYTES with 413 in the envelope, storing nothing', async () => {
    const ticket = await createTicket(ctx, user)
    const { status, body } = await upload(user, ticket.id, [
      { filename: 'small.txt', content: Buffer.from('fine') },
      { filename: 'big.bin', content: Buffer.alloc(MAX_BYTES + 1, 7) },
    ])
    expect(status).toBe(413)
    expect(body).toMatchObject({ success: false, message: 'Payload too large' })
    expect(body.error).toContain('ATTACHMENT_MAX_BYTES')
    const fetched = await call(ctx, user, 'GET', `/api/tickets/${ticket.id}`)
    expect(fetched.body.data.attachments).toEqual([])
  })

  it('accepts a file of exactly ATTACHMENT_MAX_BYTES', async () => {
    const ticket = await createTicket(ctx, user)
    const attachment = await uploadOne(user, ticket.id, {
      filename: 'edge.bin',
      content: Buffer.alloc(MAX_BYTES, 1),
    })
    expect(attachment.size).toBe(MAX_BYTES)
  })

  it('answers 415 to a body that is not multipart, and 400 to one without files', async () => {
    const ticket = await createTicket(ctx, user)
    const json = await call(ctx, user, 'POST', `/api/tickets/${ticket.id}/attachments`, { file: 'x' })
    expect(json.status).toBe(415)
    expect(json.body.error).toContain('multipart/form-data')
    const text = await ctx.app.inject({
      method: 'POST',
      url: `/api/tickets/${ticket.id}/attachments`,
      headers: { cookie: user.cookie, 'content-type': 'text/plain' },
      payload: 'hello',
    })
    expect(text.statusCode).toBe(415)
    expect(JSON.parse(text.body).error).toContain('multipart/form-data')
    const empty = await upload(user, ticket.id, [])
    expect(empty.status).toBe(400)
    expect(empty.body.error).toContain('"file"')
    const wrongField = await upload(user, ticket.id, [
      { field: 'upload', filename: 'a.txt', content: Buffer.from('a') },
    ])
    expect(wrongField.status).toBe(400)
    expect(wrongField.body.error).toContain('"file"')
  })

  it('lets only those who may comment upload: a stranger is refused, an unknown ticket is 404', async () => {
    const ticket = await createTicket(ctx, user)
    const stranger = await upload(other, ticket.id, [{ filename: 'a.txt', content: Buffer.from('a') }])
    expect(stranger.status).toBe(403)
    const unknown = await upload(user, '00000000-0000-4000-8000-000000000000', [
      { filename: 'a.txt', content: Buffer.from('a') },
    ])
    expect(unknown.status).toBe(404)
  })
})

describe('orphaned bytes', () => {
  it('go with housekeeping once no attachment uses them; shared bytes stay', async () => {
    const doomed = await createTicket(ctx, user)
    const kept = await createTicket(ctx, user)
    const only = await uploadOne(user, doomed.id, {
      filename: 'only.txt',
      content: Buffer.from(`only ${Date.now()}`),
    })
    const sharedBytes = Buffer.from(`shared ${Date.now()}`)
    const shared = await uploadOne(user, doomed.id, { filename: 'shared.txt', content: sharedBytes })
    await uploadOne(user, kept.id, { filename: 'shared.txt', content: sharedBytes })
    expect((await call(ctx, moderator, 'DELETE', `/api/tickets/${doomed.id}`)).status).toBe(200)
    // Just stored: an upload may still be about to use them.
    await pruneOrphanBlobs(ctx.database.db)
    expect(await blobCount(only.sha256)).toBe(1)
    await pruneOrphanBlobs(ctx.database.db, new Date(Date.now() + 2 * 3_600_000))
    expect(await blobCount(only.sha256)).toBe(0)
    expect(await blobCount(shared.sha256)).toBe(1)
  })
})

describe('downloading attachments', () => {
  it('serves the bytes as a download with the detected type and sandboxing headers', async () => {
    const ticket = await createTicket(ctx, user)
    const attachment = await uploadOne(user, ticket.id, {
      filename: 'Prüfbericht (final).txt',
      type: 'text/html',
      content: PNG,
    })
    const response = await download(user, attachment.id)
    expect(response.statusCode).toBe(200)
    expect(response.rawPayload.equals(PNG)).toBe(true)
    expect(response.headers['content-type']).toBe('image/png')
    expect(response.headers['content-disposition']).toBe(
      `attachment; filename="Pr_fbericht (final).txt"; filename*=UTF-8''Pr%C3%BCfbericht%20%28final%29.txt`,
    )
    expect(response.headers['x-content-type-options']).toBe('nosniff')
    expect(response.headers['content-security-policy']).toBe("sandbox; default-src 'none'")
    expect(response.headers['cache-control']).toBe('private, no-store')
  })

  it('is 404 for the requester of another ticket, an unknown id and a malformed id', async () => {
    const ticket = await createTicket(ctx, user)
    const attachment = await uploadOne(user, ticket.id, {
      filename: 'mine.txt',
      content: Buffer.from('private'),
    })
    const foreign = await download(other, attachment.id)
    expect(foreign.statusCode).toBe(404)
    expect(JSON.parse(foreign.body)).toMatchObject({ success: false, message: 'Attachment not found' })
    expect((await download(user, '00000000-0000-4000-8000-000000000000')).statusCode).toBe(404)
    expect((await download(user, 'not-a-uuid')).statusCode).toBe(404)
    expect((await download(moderator, attachment.id)).statusCode).toBe(200)
  })

  it('names the file safely in Content-Disposition whatever it contains', () => {
    expect(contentDisposition('a "b"\\c.txt')).toBe(
      `attachment; filename="a _b__c.txt"; filename*=UTF-8''a%20%22b%22%5Cc.txt`,
    )
  })

  it('is signed-in only', async () => {
    const response = await ctx.app.inject({
      method: 'GET',
      url: '/api/attachments/00000000-0000-4000-8000-000000000000',
    })
    expect(response.statusCode).toBe(401)
  })
})

describe('attachments on comments', () => {
  const comment = (who: TestUser, ticketId: string, payload: object) =>
    call(ctx, who, 'POST', `/api/tickets/${ticketId}/comments`, payload)

  it("attaches the author's own unused uploads and lists them with the comment", async () => {
    const ticket = await createTicket(ctx, user)
    const a = await uploadOne(user, ticket.id, { filename: 'a.txt', content: Buffer.from('first file') })
    const b = await uploadOne(user, ticket.id, { filename: 'b.png', content: PNG })
    const { status, body } = await comment(user, ticket.id, {
      body: 'See attached',
      attachment_ids: [a.id, b.id],
    })
    expect(status).toBe(201)
    expect(filesOf(body.data).map((x) => [x.id, x.comment_id])).toEqual([
      [a.id, body.data.id],
      [b.id, body.data.id],
    ])
    const listed = await call(ctx, moderator, 'GET', `/api/tickets/${ticket.id}/comments`)
    expect(filesOf(listed.body.data[0]).map((x) => x.filename)).toEqual(['a.txt', 'b.png'])
    // The ticket's own attachments are those on no comment.
    const fetched = await call(ctx, user, 'GET', `/api/tickets/${ticket.id}`)
    expect(fetched.body.data.attachments).toEqual([])
  })

  it('refuses (400, naming them) files already used, uploaded by someone else, or on another ticket, and writes no comment', async () => {
    const ticket = await createTicket(ctx, user)
    const elsewhere = await createTicket(ctx, user)
    const used = await uploadOne(user, ticket.id, { filename: 'used.txt', content: Buffer.from('u') })
    expect((await comment(user, ticket.id, { body: 'first', attachment_ids: [used.id] })).status).toBe(201)
    const staffs = await uploadOne(moderator, ticket.id, { filename: 'staff.txt', content: Buffer.from('s') })
    const foreign = await uploadOne(user, elsewhere.id, { filename: 'other.txt', content: Buffer.from('o') })
    const fresh = await uploadOne(user, ticket.id, { filename: 'fresh.txt', content: Buffer.from('f') })
    for (const bad of [used, staffs, foreign]) {
      const { status, body } = await comment(user, ticket.id, {
        body: 'again',
        attachment_ids: [fresh.id, bad.id],
      })
      expect(status).toBe(400)
      expect(body.error).toContain('attachment_ids')
      expect(body.error).toContain(bad.id)
      expect(body.error).not.toContain(fresh.id)
    }
    const unknown = await comment(user, ticket.id, {
      body: 'again',
      attachment_ids: ['00000000-0000-4000-8000-000000000000'],
    })
    expect(unknown.status).toBe(400)
    const malformed = await comment(user, ticket.id, { body: 'again', attachment_ids: ['nope'] })
    expect(malformed.status).toBe(400)
    const listed = await call(ctx, user, 'GET', `/api/tickets/${ticket.id}/comments`)
    expect(listed.body.data.map((c) => c.body)).toEqual(['first'])
    // The fresh upload is still free for the next comment.
    expect((await comment(user, ticket.id, { body: 'now', attachment_ids: [fresh.id] })).status).toBe(201)
  })

  it("keeps an internal note's files from the requester: hidden in lists and 404 on download", async () => {
    const ticket = await createTicket(ctx, user)
    const file = await uploadOne(moderator, ticket.id, {
      filename: 'internal.txt',
      content: Buffer.from('staff eyes'),
    })
    const note = await comment(moderator, ticket.id, {
      body: 'note',
      internal: true,
      attachment_ids: [file.id],
    })
    expect(note.status).toBe(201)
    expect((await download(user, file.id)).statusCode).toBe(404)
    expect((await download(moderator, file.id)).statusCode).toBe(200)
    const requesterView = await call(ctx, user, 'GET', `/api/tickets/${ticket.id}/comments`)
    expect(JSON.stringify(requesterView.body)).not.toContain(file.id)
  })

  it('keeps a staff upload no comment has claimed yet from the requester (it may be for a note)', async () => {
    const ticket = await createTicket(ctx, user)
    const draft = await uploadOne(moderator, ticket.id, {
      filename: 'draft.txt',
      content: Buffer.from('not yet'),
    })
    expect((await download(user, draft.id)).statusCode).toBe(404)
    const requesterView = await call(ctx, user, 'GET', `/api/tickets/${ticket.id}`)
    expect(filesOf(requesterView.body.data)).toEqual([])
    const staffView = await call(ctx, moderator, 'GET', `/api/tickets/${ticket.id}`)
    expect(filesOf(staffView.body.data).map((a) => a.id)).toEqual([draft.id])
  })

  it("lets the requester download files on public comments and the ticket's own", async () => {
    const ticket = await createTicket(ctx, user)
    const own = await uploadOne(user, ticket.id, { filename: 'own.txt', content: Buffer.from('own') })
    const reply = await uploadOne(moderator, ticket.id, { filename: 'fix.txt', content: Buffer.from('fix') })
    expect(
      (await comment(moderator, ticket.id, { body: 'Try this', attachment_ids: [reply.id] })).status,
    ).toBe(201)
    expect((await download(user, reply.id)).statusCode).toBe(200)
    const fetched = await call(ctx, user, 'GET', `/api/tickets/${ticket.id}`)
    expect(filesOf(fetched.body.data).map((a) => a.id)).toEqual([own.id])
  })
})
