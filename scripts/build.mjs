// `npm run build`: compiles the server (src → dist, with the SQL migrations beside the code that
// reads them) and builds the web UI (web → web/dist). The running server is plain JavaScript:
// no compiler, no tsx, no Vite in its process.
//
//   node scripts/build.mjs [server|web] [--if-stale]
//
// With --if-stale (`npm start`'s prestart, `npm run worker`'s, `npm run cli`'s) a part is built
// only when its output is missing or older than its sources, so a fresh clone starts with
// `npm install && npm start` and an up-to-date one only compares timestamps. Without the compiler
// (an install that left out devDependencies) a stale part is kept as it is, with a warning; a
// missing server build is an error, a missing UI is not (the server's `/` says how to build it).
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const at = (...parts) => path.join(root, ...parts)

const PARTS = {
  server: {
    // Written last, after the migrations are copied: a build that stopped half-way counts as missing.
    stamp: at('dist', '.build-stamp'),
    sources: [at('src'), at('tsconfig.json'), at('tsconfig.build.json')],
    tool: at('node_modules', 'typescript', 'bin', 'tsc'),
    required: true,
    build(tool) {
      // A clean folder: a source file deleted or renamed must not live on as a stale .js.
      rmSync(at('dist'), { recursive: true, force: true })
      run(tool, ['-p', at('tsconfig.build.json')])
      // src/db/migrate.ts finds its SQL files next to itself (import.meta.url).
      cpSync(at('src', 'db', 'migrations'), at('dist', 'db', 'migrations'), { recursive: true })
      writeFileSync(this.stamp, `${new Date().toISOString()}\n`)
    },
  },
  web: {
    stamp: at('web', 'dist', 'index.html'),
    // src/shared: the vocabulary the UI imports from the server's sources.
    sources: [
      ...['index.html', 'src', 'public', 'vite.config.ts', 'tsconfig.json'].map((name) => at('web', name)),
      at('src', 'shared'),
    ],
    tool: at('node_modules', 'vite', 'bin', 'vite.js'),
    required: false,
    build(tool) {
      run(tool, ['build', at('web'), '--logLevel', 'warn'])
    },
  },
}

/** The newest modification time under `target` (a file or a folder, recursively). */
function newest(target) {
  if (!existsSync(target)) return 0
  const stat = statSync(target)
  if (!stat.isDirectory()) return stat.mtimeMs
  let latest = stat.mtimeMs
  for (const entry of readdirSync(target)) latest = Math.max(latest, newest(path.join(target, entry)))
  return latest
}

function run(script, args) {
  const result = spawnSync(process.execPath, [script, ...args], { cwd: root, stdio: 'inherit' })
  if (result.status !== 0) process.exit(result.status ?? 1)
}

const args = process.argv.slice(2)
const ifStale = args.includes('--if-stale')
const names = args.filter((arg) => arg !== '--if-stale')
for (const name of names.length > 0 ? names : Object.keys(PARTS)) {
  const part = PARTS[name]
  if (!part) {
    console.error(`unknown part "${name}" (server, web)`)
    process.exit(2)
  }
  const builtAt = existsSync(part.stamp) ? statSync(part.stamp).mtimeMs : 0
  if (ifStale && builtAt >= Math.max(...part.sources.map(newest))) continue
  if (!existsSync(part.tool)) {
    const what = `${name}: ${builtAt ? 'sources are newer than the build' : 'not built'}, and the build tools (devDependencies) are not installed`
    if (builtAt || !part.required) {
      console.warn(`${what}; using it as it is`)
      continue
    }
    console.error(`${what}: run \`npm install && npm run build\` first`)
    process.exit(1)
  }
  if (ifStale) console.log(builtAt ? `${name}: sources changed, rebuilding` : `${name}: building`)
  part.build(part.tool)
}
