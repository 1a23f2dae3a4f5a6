// The production build: `npm start` runs the compiled server (dist/) with plain node, finds its
// migrations there, and a SIGTERM sent to npm reaches the server, which shuts down gracefully.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      )
    })
  })
}

async function waitForLive(url: string, child: ChildProcess): Promise<Response> {
  const deadline = Date.now() + 150_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`)
    try {
      return await fetch(url)
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  }
  throw new Error(`${url} did not answer`)
}

/** The parent pid and command line of a process, from /proc (Linux). */
function processInfo(pid: number): { ppid: number; cmdline: string } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
  const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim()
  return { ppid, cmdline }
}

describe('the compiled server', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sts-build-'))

  beforeAll(() => {
    // Compiles only when dist/ is missing or older than src/ (a few seconds).
    const build = spawnSync(process.execPath, ['scripts/build.mjs', 'server', '--if-stale'], {
      cwd: root,
      encoding: 'utf8',
    })
    expect(build.status, build.stderr).toBe(0)
  }, 120_000)
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

  it('has server, worker and cli entry points and the migrations in dist/', () => {
    for (const file of ['server.js', 'worker.js', 'cli.js', 'db/migrations/meta/_journal.json']) {
      expect(existsSync(join(root, 'dist', file)), file).toBe(true)
    }
  })

  it('`npm start` runs node dist/server.js as npm’s only child, which stops gracefully on SIGTERM to npm', async () => {
    const port = await freePort()
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
    }
    delete env.DATABASE_URL
    // --ignore-scripts skips only prestart (the build above already ran); `start` itself still runs.
    const npm = spawn('npm', ['start', '--ignore-scripts', '--silent'], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    npm.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8')
    })
    npm.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8')
    })
    const exited = new Promise<number | null>((resolve) => npm.on('exit', (code) => resolve(code)))
    try {
      const live = await waitForLive(`http://127.0.0.1:${port}/health/live`, npm).catch((error: Error) => {
        throw new Error(`${error.message}\n${output}`)
      })
      expect(live.status).toBe(200)

      // The server logs its pid: a node process running the compiled file, directly under npm
      // (no shell in between to swallow the signal, no tsx loader).
      const pid = Number(/"pid":(\d+)/.exec(output)?.[1])
      const server = processInfo(pid)
      expect(server.ppid).toBe(npm.pid)
      expect(server.cmdline).toBe('node dist/server.js')

      npm.kill('SIGTERM')
      expect(await exited).toBe(0)
      expect(output).toContain('"signal":"SIGTERM"')
      expect(existsSync(`/proc/${pid}`)).toBe(false)
    } finally {
      npm.kill('SIGKILL')
    }
  }, 200_000)
})
