// The built-in SMTP listener (INBOUND_SMTP_PORT): mail for INBOUND_ADDRESS only, at most
// INBOUND_MAX_BYTES (announced with the SIZE extension, counted while the data streams in: held in
// memory up to 256 KB, in a temp file past that, never kept past the limit; spool.ts), and 250 only
// once the message and its filing job are committed (intake.ts acceptMessage); a worker files it.
import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'
import { acceptMessage, type IntakeDeps } from './intake.js'
import { receiveData } from './spool.js'

export interface SmtpListener {
  port: number
  close(): Promise<void>
}

export interface ListenerLogger {
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

const smtpError = (responseCode: number, message: string) =>
  Object.assign(new Error(message), { responseCode })

export async function startSmtpListener(options: {
  intake: IntakeDeps
  address: string
  host: string
  port: number
  maxBytes: number
  log: ListenerLogger
}): Promise<SmtpListener> {
  const { intake, address, maxBytes, log } = options
  const server = new SMTPServer({
    name: address.split('@')[1] ?? 'localhost',
    banner: 'Smart Ticket System',
    size: maxBytes,
    // Mail comes from other servers, which do not authenticate. No STARTTLS: this listener sits
    // behind the MX (or on a private network); a TLS-terminating relay goes in front if needed.
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    maxClients: 100,
    logger: false,
    onRcptTo(recipient, _session, callback) {
      if (recipient.address.trim().toLowerCase() === address) return callback()
      callback(smtpError(550, `5.1.1 <${recipient.address}>: no such mailbox here`))
    },
    onData(stream, session, callback) {
      receiveData(stream, maxBytes)
        .then(async (raw) => {
          if (!raw) {
            callback(smtpError(552, `5.3.4 message exceeds the fixed maximum size of ${maxBytes} bytes`))
            return
          }
          const result = await acceptMessage(intake, raw, 'smtp')
          log.info(
            { inbound: result.id, outcome: result.outcome, remote: session.remoteAddress },
            'mail received',
          )
          callback(null, `2.0.0 accepted as ${result.id}`)
        })
        .catch((error: unknown) => {
          // Nothing committed: the sending server keeps the message and tries again later.
          log.error({ err: error }, 'incoming mail could not be recorded')
          callback(smtpError(451, '4.3.0 temporary failure, try again later'))
        })
    },
  })
  server.on('error', (error) => log.warn({ err: error }, 'SMTP listener connection error'))
  const net = await new Promise<import('node:net').Server>((resolve, reject) => {
    const listening = server.listen(options.port, options.host, () => resolve(listening))
    listening.once('error', reject)
  })
  const port = (net.address() as AddressInfo).port
  log.info({ host: options.host, port, address }, 'SMTP listener for incoming mail started')
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
