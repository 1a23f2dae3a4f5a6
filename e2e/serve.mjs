// The e2e web server: the compiled server users run (dist/server.js, plain node; playwright.config.ts
// builds it first when stale) on a fresh embedded database in a temp folder, removed again when
// Playwright stops the server.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

const dataDir = mkdtempSync(path.join(tmpdir(), 'tickets-e2e-'))
const child = spawn(process.execPath, ['dist/server.js'], {
  stdio: 'inherit',
  env: { ...process.env, DATA_DIR: dataDir },
})

const cleanUp = () => rmSync(dataDir, { recursive: true, force: true })
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
child.on('exit', (code, signal) => {
  cleanUp()
  process.exit(code ?? (signal ? 1 : 0))
})
