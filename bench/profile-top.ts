// `npx tsx bench/profile-top.ts <file.cpuprofile> [n] [last-seconds] [skip-last-seconds]`: the functions with the most
// self time in a V8 CPU profile (BENCH_CPU_PROF=<dir> npm run bench writes the API server's), and
// the share of busy time per package, so a profile can be read (and compared before/after)
// without a browser. `last-seconds` keeps only the profile's end (the load, not the start-up:
// the server stops right after its last measured run); `skip-last-seconds` leaves out the very
// end (to look at the endpoint loaded before the last one).
import { readFileSync } from 'node:fs'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  hitCount?: number
}

interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

const [file, count = '15', lastSeconds, skipLastSeconds = '0'] = process.argv.slice(2)
if (!file) throw new Error('usage: profile-top.ts <file.cpuprofile> [n]')
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile

// Each sample's time is the delta to the next one; attribute it to the sampled node.
const byNode = new Map(profile.nodes.map((n) => [n.id, n]))
const at: number[] = []
profile.timeDeltas.reduce((t, delta, i) => {
  at[i] = t + delta
  return t + delta
}, 0)
const end = (at.at(-1) ?? 0) - Number(skipLastSeconds) * 1e6
const since = lastSeconds === undefined ? 0 : end - Number(lastSeconds) * 1e6
const selfMicros = new Map<number, number>()
let idle = 0
profile.samples.forEach((id, i) => {
  if ((at[i] ?? 0) < since || (at[i] ?? 0) > end) return
  const micros = profile.timeDeltas[i + 1] ?? 0
  if (byNode.get(id)?.callFrame.functionName === '(idle)') idle += micros
  else selfMicros.set(id, (selfMicros.get(id) ?? 0) + micros)
})
const total = [...selfMicros.values()].reduce((a, b) => a + b, 0)

function where(url: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (pkg?.[1]) return pkg[1]
  if (url.includes('/src/')) return `src/${url.split('/src/')[1]}`
  if (url.includes('/bench/')) return `bench/${url.split('/bench/')[1]}`
  return url === '' ? '(native)' : url.replace(/^node:/, '')
}

const functions = new Map<string, number>()
const packages = new Map<string, number>()
for (const [id, micros] of selfMicros) {
  const node = byNode.get(id)
  if (!node) continue
  const { functionName, url, lineNumber } = node.callFrame
  const place = where(url)
  const key = `${functionName || '(anonymous)'}  ${place}${url ? `:${lineNumber + 1}` : ''}`
  functions.set(key, (functions.get(key) ?? 0) + micros)
  const pkg = place.startsWith('src/') ? 'src (ours)' : (place.split(':')[0] ?? place)
  packages.set(pkg, (packages.get(pkg) ?? 0) + micros)
}

const pct = (micros: number) => `${((micros / total) * 100).toFixed(1).padStart(5)}%`
const top = (map: Map<string, number>, n: number) =>
  [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, n)

console.log(`${file}: ${(total / 1e6).toFixed(1)} s busy, ${(idle / 1e6).toFixed(1)} s idle`)
console.log('\nself time by function (share of busy time):')
for (const [key, micros] of top(functions, Number(count))) console.log(`  ${pct(micros)}  ${key}`)
console.log('\nself time by package:')
for (const [key, micros] of top(packages, 12)) console.log(`  ${pct(micros)}  ${key}`)
