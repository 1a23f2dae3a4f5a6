// Parent side of ipc.ts: start a server script in its own Node process, wait until it listens,
// stop it at the end.
import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { isFromChild, type ToChild } from './ipc.js'

export interface ChildServer {
  readonly url: string
  /** For cpu.ts: the server's CPU time is read from /proc/<pid>. */
  readonly pid: number
  stop(): Promise<void>
}

/** Forks `script` (a .ts file next to this one) under tsx and waits until it listens. */
export async function startChild(
  script: string,
  env: Record<string, string>,
  nodeOptions: string[] = [],
): Promise<ChildServer> {
  const child = fork(fileURLToPath(new URL(script, import.meta.url)), [], {
    execArgv: ['--import', 'tsx', ...nodeOptions],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`${script} did not listen within 60 s`))
    }, 60_000)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`${script} exited (code ${code}) before listening`))
    })
    child.on('message', (message: unknown) => {
      if (!isFromChild(message)) return
      clearTimeout(timer)
      resolve(message.port)
    })
  })
  const pid = child.pid
  if (pid === undefined) throw new Error(`${script} has no pid`)
  return {
    url: `http://127.0.0.1:${port}`,
    pid,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
      child.send({ type: 'stop' } satisfies ToChild)
      // A child stuck in shutdown must not hang the run.
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
      await exited
      clearTimeout(timer)
    },
  }
}
