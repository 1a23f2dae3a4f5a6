// The web UI's API types are not a second, hand-written copy of the API: web/src/api/types.ts
// derives each shape from the server's TypeBox schemas (type-only imports), so `npm run
// typecheck` (tsc -p web) fails as soon as the UI reads a field the API does not send.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

const source = readFileSync(new URL('../web/src/api/types.ts', import.meta.url), 'utf8')

describe('web/src/api/types.ts', () => {
  it('declares no API object shape by hand', () => {
    // The one interface allowed is the UI's own list wrapper (items + the API's meta).
    const interfaces = [...source.matchAll(/^export interface (\w+)/gm)].map((match) => match[1])
    expect(interfaces).toEqual(['Page'])
    expect(source).not.toMatch(/^export type \w+ =\s*\{/m)
  })

  it('takes every entity from the server’s route schemas, type-only', () => {
    for (const name of [
      'Ticket',
      'StaffTicket',
      'User',
      'UserSkill',
      'Skill',
      'Comment',
      'TicketEvent',
      'Email',
    ]) {
      expect(source, name).toMatch(new RegExp(`^export type ${name} = Json<\\w+Dto>$`, 'm'))
    }
    for (const [, what, from] of source.matchAll(/^import (type )?[^'"]*from '([^']+)'/gm)) {
      if (from?.includes('/src/modules/') || from?.includes('/src/http/')) expect(what, from).toBe('type ')
    }
  })
})
