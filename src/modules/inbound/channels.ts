// Starts the ways mail comes in that run beside the HTTP server, each only when configured:
// the SMTP listener (INBOUND_SMTP_PORT) and the mailbox poller (IMAP_URL).
import type { Config } from '../../config.js'
import type { Database } from '../../db/client.js'
import type { JobQueue } from '../../jobs/queue.js'
import { messageIdDomain } from '../notifications/message-ids.js'
import { createNotifier } from '../notifications/notifier.js'
import { ticketIdByNumber } from '../tickets/ticket.service.js'
import { parseImapUrl, startImapPoller } from './imap-poller.js'
import type { IntakeDeps } from './intake.js'
import { type ListenerLogger, startSmtpListener } from './smtp-listener.js'

export interface InboundChannels {
  stop(): Promise<void>
}

export function createIntakeDeps(config: Config, database: Database, queue: JobQueue): IntakeDeps {
  const notifier = createNotifier({
    queue,
    appUrl: config.appUrl,
    smtpEnabled: config.mail.smtpUrl !== undefined,
    messageDomain: messageIdDomain(config),
  })
  return { db: database.db, queue, notifier, config, ticketIdByNumber }
}

export async function startInboundChannels(options: {
  config: Config
  database: Database
  queue: JobQueue
  log: ListenerLogger
}): Promise<InboundChannels> {
  const { config, log } = options
  const intake = createIntakeDeps(config, options.database, options.queue)
  const stops: (() => Promise<void>)[] = []
  const { smtp, address } = config.inbound
  if (smtp && address) {
    const listener = await startSmtpListener({
      intake,
      address,
      ...smtp,
      maxBytes: config.inbound.maxBytes,
      log,
    })
    stops.push(() => listener.close())
  }
  const imap = config.inbound.imap
  if (imap) {
    const poller = startImapPoller({
      intake,
      source: parseImapUrl(imap.url),
      pollSeconds: imap.pollSeconds,
      maxBytes: config.inbound.maxBytes,
      log,
    })
    stops.push(() => poller.stop())
  }
  return {
    async stop() {
      for (const stop of stops) await stop()
    },
  }
}
