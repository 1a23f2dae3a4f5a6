// Applying an analysis to its ticket: the workflow's ai-processing step's effects.
import { eq, getTableColumns, sql } from 'drizzle-orm'
import type { DbOrTx, Tx } from '../../db/client.js'
import { skills, tickets } from '../../db/schema.js'
import { retarget } from '../sla/sla.service.js'
import { type RecordHistory, recordNow } from '../tickets/ticket.repository.js'
import type { CatalogSkill, TicketAnalysis } from './triage.types.js'

export async function loadCatalog(db: DbOrTx): Promise<CatalogSkill[]> {
  return db
    .select({ name: skills.name, description: skills.description, keywords: skills.keywords })
    .from(skills)
}

/**
 * The catalog as the workflow reads it: at most `ttlMs` old. Analysing a ticket needs the catalog
 * every time, and it changes a few times a year; a catalog edit reaches analysis within seconds.
 */
export function cachedCatalog(db: DbOrTx, ttlMs = 5_000): () => Promise<CatalogSkill[]> {
  let cached: { at: number; catalog: Promise<CatalogSkill[]> } | undefined
  return () => {
    if (!cached || Date.now() - cached.at > ttlMs) {
      const catalog = loadCatalog(db)
      cached = { at: Date.now(), catalog }
      // A failed read is not kept: the next ticket tries again.
      catalog.catch(() => {
        cached = undefined
      })
    }
    return cached.catalog
  }
}

/**
 * Writes the analysis. A priority a moderator set by hand stays (priority_manual), and notes a
 * moderator already wrote are not replaced by generated ones. One statement: the CTE locks the
 * row and keeps the priority as it was, for the history. Gives the ticket as written (undefined
 * if it is gone). `record`: where the history rows go (written at once unless collected).
 */
export async function applyAnalysis(
  tx: Tx,
  ticketId: string,
  analysis: TicketAnalysis,
  provider: string,
  record: RecordHistory = recordNow(tx),
) {
  const before = tx
    .$with('before')
    .as(
      tx
        .select({ id: tickets.id, priority: tickets.priority, manual: tickets.priorityManual })
        .from(tickets)
        .where(eq(tickets.id, ticketId))
        .for('update'),
    )
  const [row] = await tx
    .with(before)
    .update(tickets)
    .set({
      summary: analysis.summary,
      helpfulNotes: sql`coalesce(${tickets.helpfulNotes}, ${analysis.helpfulNotes || null})`,
      relatedSkills: analysis.relatedSkills,
      priority: sql`CASE WHEN ${before.manual} THEN ${tickets.priority} ELSE ${analysis.priority} END`,
      updatedAt: sql`now()`,
    })
    .from(before)
    .where(eq(tickets.id, before.id))
    .returning({ ticket: getTableColumns(tickets), before: before.priority })
  if (!row) return undefined
  await record([
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
    ...(row.ticket.priority !== row.before
      ? [
          {
            ticketId,
            actorId: null,
            type: 'priority_changed' as const,
            fromValue: row.before,
            toValue: row.ticket.priority,
          },
        ]
      : []),
  ])
  // Skills and priority choose the policy and its targets.
  return retarget(tx, row.ticket)
}
