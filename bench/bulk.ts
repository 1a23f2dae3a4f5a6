// `npx tsx bench/bulk.ts`: only the bulk-change part of `npm run bench`.
import { runBulkPhase } from './bulk-phase.js'

await runBulkPhase()
