// Internal notes (staff write them, the customer never sees them) and the forgot/reset password
// pages. The reset link itself is tested through the API (test/password-reset.test.ts): the
// e2e server keeps its emails where a browser cannot read them.
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

/** No serious or critical axe finding on the page as it stands (as e2e/accessibility.spec.ts). */
async function expectAccessible(page: Page): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).analyze()
  const serious = violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)
  expect(serious, page.url()).toEqual([])
}

test('a moderator adds an internal note the customer never sees', async ({ browser, baseURL }) => {
  const tag = uniqueTag()
  const admin = await apiAs(baseURL ?? '', ADMIN.email, ADMIN.password)
  const moderator = await call<{ email: string }>(admin, 'POST', '/api/users', {
    email: `notes-mod-${tag}@e2e.test`,
    password: PASSWORD,
    name: `Notes ${tag}`,
    role: 'moderator',
  })
  const customer = await registerUser(baseURL ?? '', tag, 'noter')
  const ticket = await call<{ id: string; number: number; title: string }>(
    customer.api,
    'POST',
    '/api/tickets',
    {
      title: `Internal note check ${tag}`,
      description: 'The export button does nothing when I click it.',
    },
  )

  const mod = await (await browser.newContext()).newPage()
  const problems = watchPageProblems(mod)
  await signIn(mod, moderator.email, PASSWORD)
  await mod.goto(`/tickets/${ticket.id}`)
  await expect(mod.getByText(`#${ticket.number}`, { exact: true })).toBeVisible()
  await mod.getByRole('checkbox', { name: /Internal note/ }).check()
  await mod.getByRole('textbox', { name: 'Internal note' }).fill(`Secret ${tag}: known export bug`)
  await mod.getByRole('button', { name: 'Add internal note' }).click()
  const note = mod.getByRole('listitem').filter({ hasText: `Secret ${tag}` })
  await expect(note).toContainText('Internal note · staff only')
  await expectAccessible(mod)
  await mod.getByRole('checkbox', { name: /Internal note/ }).uncheck()
  await mod.getByRole('textbox', { name: 'Reply to the customer' }).fill(`Public ${tag}: looking into it`)
  await mod.getByRole('button', { name: 'Post reply' }).click()
  await expect(mod.getByRole('listitem').filter({ hasText: `Public ${tag}` })).toBeVisible()

  const user = await (await browser.newContext()).newPage()
  await signIn(user, customer.user.email, PASSWORD)
  await user.goto(`/tickets/${ticket.id}`)
  await expect(user.getByText(`Public ${tag}: looking into it`)).toBeVisible()
  await expect(user.getByText(`Secret ${tag}`)).toHaveCount(0)
  await expect(user.getByRole('checkbox', { name: /Internal note/ })).toHaveCount(0)
  expect(problems).toEqual([])
})

test('forgot password: a link from sign-in, the same confirmation for any address', async ({ page }) => {
  const problems = watchPageProblems(page)
  await page.goto('/login')
  await page.getByRole('link', { name: 'Forgot password?' }).click()
  await expect(page).toHaveURL(/\/forgot-password$/)
  await expectAccessible(page)
  await page.getByLabel('Email').fill(`nobody-${uniqueTag()}@e2e.test`)
  await page.getByRole('button', { name: 'Send reset link' }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Check your email')
  await expect(page.getByRole('status').filter({ hasText: 'If an account exists' })).toBeVisible()
  expect(problems).toEqual([])
})

test('reset password: a used or made-up link says so and offers a new one', async ({ page }) => {
  await page.goto(`/reset-password?token=${'A'.repeat(43)}`)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Choose a new password')
  await page.getByLabel('New password').fill('a long enough password')
  await page.getByRole('button', { name: 'Set password and sign in' }).click()
  await expect(page.getByText('Invalid or expired token')).toBeVisible()
  await expect(page.getByRole('link', { name: 'Ask for a new link' })).toBeVisible()
  await expectAccessible(page)
})
