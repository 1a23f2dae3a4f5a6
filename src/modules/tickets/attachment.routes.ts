// POST /api/tickets/:id/attachments (multipart upload) and GET /api/attachments/:id (download).
import multipart from '@fastify/multipart'
import type { FastifyRequest } from 'fastify'
import Type from 'typebox'
import { AppError } from '../../errors.js'
import { Envelope, errorResponses, ok, RESOURCE_ERRORS } from '../../http/envelope.js'
import { rateLimitHook } from '../../http/rate-limit.js'
import { IdParams } from '../../http/schemas.js'
import type { RoutePlugin } from '../../http/types.js'
import { currentUser } from '../auth/auth.hooks.js'
import {
  contentDisposition,
  downloadAttachment,
  type IncomingFile,
  uploadAttachments,
} from './attachment.service.js'
import { AttachmentSchema } from './ticket.schemas.js'

/** Files one upload request may carry: each is held in memory (≤ ATTACHMENT_MAX_BYTES) until stored. */
const MAX_FILES_PER_REQUEST = 10

const tooLarge = (maxBytes: number) =>
  new AppError(
    'TOO_LARGE',
    'Payload too large',
    `a file cannot exceed ${maxBytes} bytes (ATTACHMENT_MAX_BYTES)`,
  )

const notMultipart = () =>
  new AppError(
    'UNSUPPORTED_MEDIA_TYPE',
    'Unsupported media type',
    'send the files as multipart/form-data, in parts named "file"',
  )

/**
 * Reads the request's `file` parts. Each is read only up to ATTACHMENT_MAX_BYTES: past it the
 * upload is refused (413) and the rest of the stream is never kept.
 */
async function readFiles(request: FastifyRequest, maxBytes: number): Promise<IncomingFile[]> {
  if (!request.isMultipart()) throw notMultipart()
  const files: IncomingFile[] = []
  try {
    for await (const part of request.parts()) {
      if (part.type !== 'file') continue
      if (part.fieldname !== 'file') {
        throw new AppError(
          'VALIDATION',
          'Bad request',
          `send files in parts named "file", not "${part.fieldname}"`,
        )
      }
      files.push({ filename: part.filename, content: await part.toBuffer() })
    }
  } catch (error) {
    throw translateMultipartError(error, maxBytes)
  }
  return files
}

function translateMultipartError(error: unknown, maxBytes: number): unknown {
  if (error instanceof AppError) return error
  const code = (error as { code?: unknown }).code
  if (code === 'FST_REQ_FILE_TOO_LARGE') return tooLarge(maxBytes)
  if (code === 'FST_FILES_LIMIT') {
    return new AppError(
      'TOO_LARGE',
      'Payload too large',
      `at most ${MAX_FILES_PER_REQUEST} files in one request`,
    )
  }
  if (code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT') {
    return new AppError('TOO_LARGE', 'Payload too large', 'too many parts in one request')
  }
  if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE' || code === 'FST_INVALID_JSON_FIELD_ERROR') {
    return new AppError('VALIDATION', 'Bad request', 'the multipart body is malformed')
  }
  // busboy's own complaints (a missing boundary, a truncated body) are the client's.
  if (error instanceof Error && !('statusCode' in error)) {
    return new AppError('VALIDATION', 'Bad request', `the multipart body is malformed: ${error.message}`)
  }
  return error
}

/** Registered under /api (signed in). Multipart is parsed in this scope only: other routes stay JSON-only. */
export const attachmentRoutes: RoutePlugin = async (app, { config, database }) => {
  const { db } = database
  const maxBytes = config.attachmentMaxBytes
  await app.register(multipart, {
    limits: { fileSize: maxBytes, files: MAX_FILES_PER_REQUEST, fields: 20, parts: 40, fieldSize: 1024 },
    throwFileSizeLimit: true,
  })
  // Any other body type is refused here with a message about uploads, not about JSON.
  app.addContentTypeParser('*', (_request, _payload, done) => done(notMultipart(), undefined))
  // Uploads count against their own per-user bucket, as many a minute as comments (COMMENT_RATE_LIMIT):
  // a reply with files costs an upload and a comment, and neither bucket starves the other.
  const uploadLimit = rateLimitHook(app, {
    max: config.commentRateLimit,
    key: (request) => `attachments:${currentUser(request).id}`,
    what: 'too many uploads',
  })

  app.post(
    '/tickets/:id/attachments',
    {
      preHandler: uploadLimit,
      schema: {
        tags: ['attachments'],
        summary:
          'Upload files to a ticket (multipart/form-data, parts named "file"); attach them to a comment with attachment_ids',
        consumes: ['multipart/form-data'],
        params: IdParams,
        response: {
          201: Envelope(Type.Array(AttachmentSchema)),
          ...RESOURCE_ERRORS,
          ...errorResponses(413, 415, 429),
        },
      },
    },
    async (request, reply) => {
      const files = await readFiles(request, maxBytes)
      const stored = await uploadAttachments(db, currentUser(request), request.params.id, files)
      return reply.code(201).send(ok(201, 'Attachments uploaded successfully', stored))
    },
  )

  app.get(
    '/attachments/:id',
    {
      schema: {
        tags: ['attachments'],
        summary: 'Download an attachment (whoever may see its ticket; internal-note files: staff only)',
        params: IdParams,
        response: {
          200: Type.Unsafe<Uint8Array>({ type: 'string', format: 'binary', description: 'The file' }),
          ...RESOURCE_ERRORS,
        },
      },
    },
    async (request, reply) => {
      const { attachment, content } = await downloadAttachment(db, currentUser(request), request.params.id)
      // Served as a download, never rendered in our origin: a sandboxing CSP and nosniff keep an
      // uploaded HTML or SVG from running script even when opened directly.
      return reply
        .header('content-type', attachment.contentType)
        .header('content-disposition', contentDisposition(attachment.filename))
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "sandbox; default-src 'none'")
        .header('cache-control', 'private, no-store')
        .header('content-length', String(content.byteLength))
        .send(Buffer.from(content.buffer, content.byteOffset, content.byteLength))
    },
  )
}
