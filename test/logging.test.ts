// Everything the server reports goes through pino: no console output from src/, and no error
// handler that swallows a database error without a log line.
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createJobQueue } from '../src/jobs/queue.js'
import type { Logger } from '../src/logger.js'
import { openTestDatabase } from './helpers/template.js'

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true })
  return entries.filter((e) => e.isFile() && e.name.endsWith('.ts')).map((e) => join(e.parentPath, e.name))
}

function capturingLogger() {
  const lines: { level: string; obj: object; msg: string }[] = []
  const at =
    (level: string) =>
    (obj: object, msg: string): void => {
      lines.push({ level, obj, msg })
    }
  const log: Logger = { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') }
  return { log, lines }
}

describe('logging', () => {
  it('src/ has no console.* calls and no handler that drops an error on the floor', async () => {
    const offences: string[] = []
    const silent = [
      /\bconsole\.\w+\(/,
      /\.on\(\s*'error'\s*,\s*\(\)\s*=>\s*\{\s*\}\s*\)/,
      /\.catch\(\s*\(\)\s*=>\s*\{\s*\}\s*\)/,
      /\.catch\(\s*\(\)\s*=>\s*(undefined|null)\s*\)/,
      /catch\s*(\(\w*\))?\s*\{\s*\}/,
    ]
    for (const file of await sourceFiles('src')) {
      const lines = (await readFile(file, 'utf8')).split('\n')
      lines.forEach((line, i) => {
        if (silent.some((pattern) => pattern.test(line))) offences.push(`${file}:${i + 1}: ${line.trim()}`)
      })
    }
    expect(offences).toEqual([])
  })

  it("reports pg-boss's background errors through the logger it is given", async () => {
    const { database, drop } = await openTestDatabase()
    const { log, lines } = capturingLogger()
    const queue = createJobQueue(database, { jobTimeoutSeconds: 30, log })
    try {
      queue.boss.emit('error', new Error('connection terminated'))
      expect(lines).toEqual([expect.objectContaining({ level: 'error', msg: 'pg-boss background error' })])
    } finally {
      await drop()
    }
  })
})
