// Similar tickets and merging duplicates on the staff ticket page, and the new-ticket form's
// "You filed something similar" warning.
import { AxeBuilder } from '@axe-core/playwright'
import { expect, type Page, test } from '@playwright/test'
import {
  ADMIN,
  apiAs,
  call,
  PASSWORD,
  registerUser,
  signIn,
  uniqueTag,
  watchPageProblems,
} from './support.js'

interface Created {
  id: string
  number: number
  title: string
}

async function expectAccessible(page: Page): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).analyze()
  const serious = violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)
  expect(serious, page.url()).toEqual([])
}

test('a moderator sees the similar ticket and merges the duplicate into it', async ({ browser, baseURL }) => {
  const tag = uniqueTag()
  const admin = await apiAs(baseURL ?? '', ADMIN.email, ADMIN.password)
  const moderator = await call<{ email: string }>(admin, 'POST', '/api/users', {
    email: `merge-mod-${tag}@e2e.test`,
    password: PASSWORD,
    name: `Merger ${tag}`,
    role: 'moderator',
  })
  const first = await registerUser(baseURL ?? '', tag, 'first')
  const second = await registerUser(baseURL ?? '', `${tag}b`, 'second')
  // The tag is in both texts: the two are each other's closest match, whatever else the server holds.
  const original = await call<Created>(first.api, 'POST', '/api/tickets', {
    title: `Zephyr${tag} VPN drops every ten minutes`,
    description: `The Zephyr${tag} GlobalProtect VPN disconnects every ten minutes when working from home.`,
  })
  const duplicate = await call<Created>(second.api, 'POST', '/api/tickets', {
    title: `Zephyr${tag} VPN keeps disconnecting`,
    description: `My Zephyr${tag} GlobalProtect VPN connection drops about every ten minutes at home.`,
  })

  const page = await (await browser.newContext()).newPage()
  const problems = watchPageProblems(page)
  await signIn(page, moderator.email, PASSWORD)
  await page.goto(`/tickets/${duplicate.id}`)
  const panel = page.getByRole('region', { name: 'Similar tickets' })
  const match = panel.getByRole('listitem').filter({ hasText: `#${original.number}` })
  await expect(match.getByRole('link', { name: new RegExp(`#${original.number}`) })).toBeVisible()
  await expect(match).toContainText('%')
  await expectAccessible(page)

  // The dialog: a number, then a confirmation; keyboard only.
  await panel.getByRole('button', { name: 'Merge into another ticket…' }).click()
  const dialog = page.getByRole('dialog', { name: `Merge #${duplicate.number} into another ticket` })
  const number = dialog.getByRole('textbox', { name: 'Target ticket number' })
  await expect(number).toBeFocused()
  await number.fill(String(duplicate.number))
  await number.press('Enter')
  await expect(dialog).toContainText('cannot be merged into itself')
  await number.fill(String(original.number))
  await number.press('Enter')
  await expect(dialog).toContainText(`into #${original.number}`)
  await expectAccessible(page)
  await dialog.getByRole('button', { name: `Merge into #${original.number}` }).click()

  await expect(dialog).toBeHidden()
  const banner = page.getByRole('status').filter({ hasText: 'Merged into' })
  await expect(banner.getByRole('link', { name: `#${original.number} ${original.title}` })).toBeVisible()
  await expect(page.getByRole('region', { name: 'History' })).toContainText(
    `merged this ticket into #${original.number}`,
  )

  // The target holds the duplicate's words now.
  await banner.getByRole('link').click()
  await expect(page).toHaveURL(new RegExp(`/tickets/${original.id}$`))
  await expect(page.getByText(`Merged from #${duplicate.number}`)).toBeVisible()
  expect(problems).toEqual([])
})

test('the new-ticket form warns of an own open ticket that looks the same', async ({ browser, baseURL }) => {
  const tag = uniqueTag()
  const customer = await registerUser(baseURL ?? '', tag, 'warned')
  const earlier = await call<Created>(customer.api, 'POST', '/api/tickets', {
    title: `Quasar${tag} badge does not open the parking garage`,
    description: `My Quasar${tag} access badge stopped working at the parking garage gate.`,
  })
  const page = await (await browser.newContext()).newPage()
  await signIn(page, customer.user.email, PASSWORD)
  await page.goto('/tickets/new')
  await page.getByRole('textbox', { name: 'Title' }).fill(`Quasar${tag} parking garage badge not working`)
  await page
    .getByRole('textbox', { name: 'Description' })
    .fill(`The garage gate ignores my Quasar${tag} badge.`)
  const warning = page.locator('.similar-warning')
  await expect(warning).toContainText('You filed something similar:')
  await expect(warning.getByRole('link', { name: `#${earlier.number}` })).toBeVisible()
  await expectAccessible(page)
})
