// Worker processes (`src/worker.ts`) for the PostgreSQL runs: the way the system scales out.
import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../', import.meta.url))

export interface WorkerProcesses {
  ready: Promise<void>
  pids: number[]
  stop(): Promise<void>
}

export function spawnWorkers(count: number, env: Record<string, string>): WorkerProcesses {
  const children: ChildProcess[] = []
  const readiness: Promise<void>[] = []
  // BENCH_WORKER_ARGS: extra node flags for the workers, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeArgs = process.env.BENCH_WORKER_ARGS?.split(' ').filter(Boolean) ?? []
  for (let i = 0; i < count; i++) {
    const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'src/worker.ts'], {
      cwd: root,
      env: { ...process.env, LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    children.push(child)
    readiness.push(
      new Promise((resolve, reject) => {
        child.stdout?.on('data', (chunk: Buffer) => {
          const text = chunk.toString('utf8')
          if (text.includes('job workers started')) resolve()
          // A benchmark that hides its workers' failures measures retries: show warnings and errors.
          for (const line of text.split('\n'))
            if (/"level":(4|5|6)0/.test(line)) console.error(`[worker ${i}] ${line.slice(0, 400)}`)
        })
        child.on('exit', (code) => reject(new Error(`worker exited early with ${code}`)))
      }),
    )
  }
  return {
    pids: children.flatMap((child) => (child.pid === undefined ? [] : [child.pid])),
    ready: Promise.all(readiness).then(() => undefined),
    async stop() {
      await Promise.all(
        children.map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null) return resolve()
              child.once('exit', () => resolve())
              child.kill('SIGTERM')
            }),
        ),
      )
    },
  }
}
