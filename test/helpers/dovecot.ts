// A throwaway Dovecot IMAP server for one test file: Debian's dovecot-imapd (/usr/sbin/dovecot,
// installed by .ci/run) with its own config, maildir and port in a temp dir. Stop and start it
// again to test reconnects; the mail stays.
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { chmod, chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { connect, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { ImapFlow } from 'imapflow'

const run = promisify(execFile)
export const DOVECOT = '/usr/sbin/dovecot'

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (!address || typeof address === 'string') throw new Error('no port')
  return address.port
}

/** The uid/gid of a system user (Dovecot's own accounts run the mail and login processes). */
async function ids(user: string): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([run('id', ['-u', user]), run('id', ['-g', user])])
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) }
}

export interface Dovecot {
  port: number
  user: string
  password: string
  /** IMAP_URL for the app. */
  url: string
  start(): Promise<void>
  stop(): Promise<void>
  /** Drops the user's IMAP connections from the server side (`doveadm kick`); Dovecot keeps running. */
  kick(): Promise<void>
  /** A client for the test's own APPENDs and checks. */
  client(): Promise<ImapFlow>
  append(raw: Buffer | string): Promise<void>
  /** UIDs of messages without \Seen. */
  unseen(): Promise<number[]>
  close(): Promise<void>
}

export async function startDovecot(): Promise<Dovecot> {
  const dir = await mkdtemp(join(tmpdir(), 'sts-dovecot-'))
  await chmod(dir, 0o755)
  const mail = join(dir, 'mail')
  await mkdir(mail)
  await mkdir(join(dir, 'run'))
  await mkdir(join(dir, 'state'))
  const dovecot = await ids('dovecot')
  await chown(mail, dovecot.uid, dovecot.gid)
  const port = await freePort()
  const config = join(dir, 'dovecot.conf')
  await writeFile(
    config,
    `base_dir = ${dir}/run
state_dir = ${dir}/state
instance_name = sts-test-${port}
listen = 127.0.0.1
protocols = imap
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = dovecot
default_internal_group = dovecot
default_login_user = dovenull
first_valid_uid = 1
log_path = ${dir}/dovecot.log
mail_location = maildir:${mail}/%u
passdb {
  driver = static
  args = password=secret
}
userdb {
  driver = static
  args = uid=dovecot gid=dovecot home=${mail}/%u
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
`,
  )
  let master: ChildProcess | undefined
  const waitForPort = async (open: boolean) => {
    for (let i = 0; i < 100; i++) {
      const reachable = await new Promise<boolean>((resolve) => {
        const socket = connect(port, '127.0.0.1')
        socket.once('connect', () => {
          socket.destroy()
          resolve(true)
        })
        socket.once('error', () => resolve(false))
      })
      if (reachable === open) return
      await new Promise((r) => setTimeout(r, 100))
    }
    throw new Error(`dovecot on ${port} did not ${open ? 'start' : 'stop'}; see ${dir}/dovecot.log`)
  }
  // In the foreground (-F): the test holds the process and ends it.
  const start = async () => {
    master = spawn(DOVECOT, ['-F', '-c', config], { stdio: 'ignore' })
    await waitForPort(true)
  }
  const stop = async () => {
    const running = master
    master = undefined
    if (running && running.exitCode === null) {
      const exited = new Promise((resolve) => running.once('exit', resolve))
      running.kill('SIGTERM')
      await exited
    }
    await waitForPort(false)
  }
  await start()
  const user = 'support'
  const password = 'secret'
  const client = async () => {
    const imap = new ImapFlow({
      host: '127.0.0.1',
      port,
      secure: false,
      auth: { user, pass: password },
      logger: false,
    })
    await imap.connect()
    return imap
  }
  const withClient = async <T>(work: (imap: ImapFlow) => Promise<T>) => {
    const imap = await client()
    try {
      return await work(imap)
    } finally {
      await imap.logout()
    }
  }
  return {
    port,
    user,
    password,
    url: `imap://${user}:${password}@127.0.0.1:${port}/INBOX`,
    start,
    stop,
    kick: async () => void (await run('doveadm', ['-c', config, 'kick', user])),
    client,
    append: (raw) => withClient(async (imap) => void (await imap.append('INBOX', raw))),
    unseen: () =>
      withClient(async (imap) => {
        const lock = await imap.getMailboxLock('INBOX')
        try {
          return ((await imap.search({ seen: false }, { uid: true })) || []) as number[]
        } finally {
          lock.release()
        }
      }),
    async close() {
      await stop()
      await rm(dir, { recursive: true, force: true })
    },
  }
}
