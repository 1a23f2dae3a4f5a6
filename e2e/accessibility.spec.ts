// An automated accessibility pass (axe-core) over the main pages of each role, at desktop and
// phone width: labels, names, landmarks, contrast, ARIA use. Serious and critical findings fail.
import { AxeBuilder } from '@axe-core/playwright'
import { expect, type Page, test } from '@playwright/test'
import {
  ADMIN,
  apiAs,
  call,
  moderatorWithSkill,
  PASSWORD,
  registerUser,
  signIn,
  uniqueTag,
} from './support.js'

async function expectAccessible(page: Page, path: string): Promise<void> {
  await page.goto(path)
  await expect(page.getByRole('heading', { level: 1 })).not.toHaveText(/Loading/)
  await expect(page.locator('.skeleton, .row-placeholder')).toHaveCount(0)
  const { violations } = await new AxeBuilder({ page }).analyze()
  const serious = violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)
  expect(serious, `${path} at ${page.viewportSize()?.width}px`).toEqual([])
}

for (const viewport of [
  { width: 1280, height: 800 },
  { width: 375, height: 800 },
]) {
  test(`the main pages pass axe at ${viewport.width}px`, async ({ browser, baseURL }) => {
    // Every page of every role, each analysed by axe: more than the default 30 s since the
    // search, email, service-level and report pages joined the list.
    test.setTimeout(120_000)
    const tag = uniqueTag()
    const admin = await apiAs(baseURL ?? '', ADMIN.email, ADMIN.password)
    const { moderator } = await moderatorWithSkill(admin, tag)
    const { api, user } = await registerUser(baseURL ?? '', tag)
    const ticket = await call<{ id: string }>(api, 'POST', '/api/tickets', {
      title: 'Printer on the second floor jams',
      description: 'The printer next to the kitchen jams on every double-sided job.',
    })
    const context = await browser.newContext({ viewport })
    const page = await context.newPage()

    for (const path of ['/login', '/register']) await expectAccessible(page, path)
    await signIn(page, user.email, PASSWORD)
    for (const path of ['/tickets', '/tickets/new', `/tickets/${ticket.id}`, '/search?q=printer jams'])
      await expectAccessible(page, path)

    await context.clearCookies()
    await signIn(page, moderator.email, PASSWORD)
    for (const path of ['/dashboard', '/queue', `/tickets/${ticket.id}`]) await expectAccessible(page, path)

    await context.clearCookies()
    await signIn(page, ADMIN.email, ADMIN.password)
    for (const path of ['/admin/users', `/admin/users/${moderator.id}`, '/admin/skills', '/admin/emails']) {
      await expectAccessible(page, path)
    }
    await context.close()
  })
}
