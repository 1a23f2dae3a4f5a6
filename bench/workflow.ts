// `npx tsx bench/workflow.ts`: only the workflow part of `npm run bench`.
import { runWorkflowPhase } from './workflow/phase.js'

await runWorkflowPhase()
