// Socket-level limits for the HTTP server: slow or silent clients are cut off instead of holding
// a connection (and its memory) open indefinitely. Live streams opt out of the idle timeout only.
import type { Server } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyHttpOptions } from 'fastify'
import type { Config } from '../config.js'
import { errorBody } from './envelope.js'

export function serverTimeouts(http: Config['http']): FastifyHttpOptions<Server> {
  return {
    requestTimeout: http.requestTimeoutMs,
    connectionTimeout: http.idleTimeoutMs,
    keepAliveTimeout: http.keepAliveTimeoutMs,
    http: {
      headersTimeout: http.headersTimeoutMs,
      // Node looks for expired requests only this often (30 s by default, which would let a slow
      // client hold on for up to requestTimeout + 30 s).
      connectionsCheckingInterval: Math.max(50, Math.min(5000, Math.floor(http.headersTimeoutMs / 2))),
    },
    clientErrorHandler,
  }
}

const CLIENT_ERRORS: Record<string, { status: number; reason: string; message: string }> = {
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, reason: 'Request Timeout', message: 'Request timeout' },
  HPE_HEADER_OVERFLOW: {
    status: 431,
    reason: 'Request Header Fields Too Large',
    message: 'Request header fields too large',
  },
}

/** Errors Node raises before a request reaches Fastify (timeouts, unparsable HTTP), in the envelope. */
function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  const known = (error.code && CLIENT_ERRORS[error.code]) || {
    status: 400,
    reason: 'Bad Request',
    message: 'Bad request',
  }
  const body = JSON.stringify(errorBody(known.status, known.message, ''))
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${known.status} ${known.reason}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    )
  }
  socket.destroy()
}
