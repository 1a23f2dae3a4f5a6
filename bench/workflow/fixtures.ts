// What the workflow benchmark files and who works it: the eval set's catalog and tickets (real
// IT-support text, so the local analyser does its real work), and moderators with skills.
import { readFileSync } from 'node:fs'
import type { Db } from '../../src/db/client.js'
import { createSkill } from '../../src/modules/skills/skill.service.js'
import { createUser, setUserSkills } from '../../src/modules/users/user.service.js'

interface CatalogEntry {
  name: string
  description: string
  keywords: string[]
}
interface EvalTicket {
  title: string
  description: string
}

const read = <T>(file: string) =>
  JSON.parse(readFileSync(new URL(`../../eval/${file}`, import.meta.url), 'utf8')) as T

export const catalog = read<CatalogEntry[]>('catalog.json')
export const ticketTexts = [...read<EvalTicket[]>('tickets.json'), ...read<EvalTicket[]>('holdout.json')].map(
  (t) => ({
    title: t.title.length >= 5 ? t.title : `${t.title} issue`,
    description: t.description.length >= 10 ? t.description : `${t.description} (no more details)`,
  }),
)

/** The catalog, and `count` moderators with two or three skills each at mixed proficiency. */
export async function seedHelpdesk(db: Db, count: number): Promise<void> {
  for (const skill of catalog) await createSkill(db, skill)
  for (let i = 0; i < count; i++) {
    const moderator = await createUser(db, {
      email: `bench-moderator-${i}@example.com`,
      password: 'bench-password-1',
      role: 'moderator',
    })
    const skills = [0, 1, 2].slice(0, 2 + (i % 2)).map((k) => ({
      skill: catalog[(i + k * 5) % catalog.length]?.name ?? 'Networking',
      proficiency: 1 + ((i + k) % 5),
    }))
    await setUserSkills(db, moderator.id, { skills })
  }
}
