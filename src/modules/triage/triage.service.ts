// Applying an analysis to its ticket: the workflow's ai-processing step's effects.
import { eq, sql } from 'drizzle-orm'
import type { DbOrTx, Tx } from '../../db/client.js'
import { tickets } from '../../db/schema.js'
import { listSkills } from '../skills/skill.repository.js'
import { insertEvents } from '../tickets/ticket.repository.js'
import type { CatalogSkill, TicketAnalysis } from './triage.types.js'

export async function loadCatalog(db: DbOrTx): Promise<CatalogSkill[]> {
  const skills = await listSkills(db)
  return skills.map(({ name, description, keywords }) => ({ name, description, keywords }))
}

/**
 * Writes the analysis. A priority a moderator set by hand stays (priority_manual), and notes a
 * moderator already wrote are not replaced by generated ones.
 */
export async function applyAnalysis(tx: Tx, ticketId: string, analysis: TicketAnalysis, provider: string) {
  const [before] = await tx
    .select({ priority: tickets.priority, manual: tickets.priorityManual })
    .from(tickets)
    .where(eq(tickets.id, ticketId))
    .for('update')
  if (!before) return { applied: false }
  const priority = before.manual ? before.priority : analysis.priority
  await tx
    .update(tickets)
    .set({
      summary: analysis.summary,
      helpfulNotes: sql`coalesce(${tickets.helpfulNotes}, ${analysis.helpfulNotes || null})`,
      relatedSkills: analysis.relatedSkills,
      priority,
      updatedAt: sql`now()`,
    })
    .where(eq(tickets.id, ticketId))
  await insertEvents(tx, [
    {
      ticketId,
      actorId: null,
      type: 'analysed',
      details: {
        provider,
        summary: analysis.summary,
        priority: analysis.priority,
        related_skills: analysis.relatedSkills,
      },
    },
    ...(priority !== before.priority
      ? [
          {
            ticketId,
            actorId: null,
            type: 'priority_changed' as const,
            fromValue: before.priority,
            toValue: priority,
          },
        ]
      : []),
  ])
  return { applied: true }
}
