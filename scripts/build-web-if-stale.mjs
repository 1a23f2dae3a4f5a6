// `npm start` runs this first (prestart): builds the web UI into web/dist when it is missing or
// older than its sources, so a fresh clone serves the UI without a separate step. Up to date, it
// only compares a few timestamps. Without Vite (an install that left out devDependencies) the
// server still starts and its `/` says how to build the UI.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const web = path.join(root, 'web')
const builtIndex = path.join(web, 'dist', 'index.html')
const SOURCES = ['index.html', 'src', 'public', 'vite.config.ts', 'tsconfig.json']

/** The newest modification time under `target` (a file or a folder, recursively). */
function newest(target) {
  if (!existsSync(target)) return 0
  const stat = statSync(target)
  if (!stat.isDirectory()) return stat.mtimeMs
  let latest = stat.mtimeMs
  for (const entry of readdirSync(target)) latest = Math.max(latest, newest(path.join(target, entry)))
  return latest
}

const builtAt = existsSync(builtIndex) ? statSync(builtIndex).mtimeMs : 0
const sourcesAt = Math.max(...SOURCES.map((name) => newest(path.join(web, name))))
if (builtAt >= sourcesAt) process.exit(0)

const viteBin = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js')
if (!existsSync(viteBin)) {
  console.warn('web UI: Vite is not installed (devDependencies missing); starting without building the UI')
  process.exit(0)
}
console.log(builtAt ? 'web UI: sources changed, rebuilding web/dist' : 'web UI: building web/dist')
const result = spawnSync(process.execPath, [viteBin, 'build', web, '--logLevel', 'warn'], {
  cwd: root,
  stdio: 'inherit',
})
process.exit(result.status ?? 1)
