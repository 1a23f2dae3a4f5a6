// Real worker and server processes (`src/worker.ts`, `src/server.ts`) for tests that kill them or
// run several at once.
import { type ChildProcess, spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '../..')

export interface WorkerProcess {
  child: ChildProcess
  /** JSON log lines the process printed. */
  logs: Record<string, unknown>[]
  /** Resolves once the process says its workers started. */
  ready: Promise<void>
  exited: Promise<number | null>
}

export function spawnWorker(env: Record<string, string>): WorkerProcess {
  return spawnEntry('src/worker.ts', env, (msg) => msg === 'job workers started')
}

/** `npm start`'s server; ready once it listens for HTTP (after its SMTP listener, if any, started). */
export function spawnServer(env: Record<string, string>): WorkerProcess {
  return spawnEntry('src/server.ts', env, (msg) => msg.startsWith('Smart Ticket System on http'))
}

function spawnEntry(entry: string, env: Record<string, string>, isReady: (msg: string) => boolean) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, entry)], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'debug', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const logs: Record<string, unknown>[] = []
  let markReady: () => void = () => {}
  const ready = new Promise<void>((resolve) => {
    markReady = resolve
  })
  let buffered = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8')
    const lines = buffered.split('\n')
    buffered = lines.pop() ?? ''
    for (const line of lines) {
      try {
        const entry = JSON.parse(line) as Record<string, unknown>
        logs.push(entry)
        if (typeof entry.msg === 'string' && isReady(entry.msg)) markReady()
      } catch {
        // not a log line
      }
    }
  })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8')
  })
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => {
      if (code !== 0 && code !== null && stderr) console.error(stderr)
      resolve(code)
    })
  })
  return { child, logs, ready, exited }
}
