// Satisfaction and reports in the browser: the survey link (signed out) asks to confirm before it
// records anything, thanks the customer and lets them change their answer; staff see the rating
// on the ticket; the reports page draws its charts, tables and CSV links for a chosen range.
import { AxeBuilder } from '@axe-core/playwright'
import { expect, type Page, test } from '@playwright/test'
import { ADMIN, apiAs, call, registerUser, signIn, uniqueTag, watchPageProblems } from './support.js'

async function expectAccessible(page: Page): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).exclude('.u-over').analyze()
  const serious = violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)
  expect(serious, page.url()).toEqual([])
}

test('the survey link asks to confirm, thanks the customer, and the rating shows on the ticket', async ({
  browser,
  baseURL,
}) => {
  const tag = uniqueTag()
  const admin = await apiAs(baseURL ?? '', ADMIN.email, ADMIN.password)
  const customer = await registerUser(baseURL ?? '', tag, 'rater')
  const ticket = await call<{ id: string; number: number }>(customer.api, 'POST', '/api/tickets', {
    title: `Survey check ${tag}`,
    description: 'The report export stops halfway through every time.',
  })
  for (const status of ['in_progress', 'resolved', 'closed'])
    await call(admin, 'PATCH', `/api/tickets/${ticket.id}`, { status })
  const outbox = await call<{ ticket_id: string | null; text: string }[]>(
    admin,
    'GET',
    `/api/admin/emails?limit=100&to=${encodeURIComponent(customer.user.email)}`,
  )
  const survey = outbox.find((e) => e.ticket_id === ticket.id && e.text.includes('/satisfaction/'))
  const path = /\/satisfaction\/[A-Za-z0-9_-]{43}\?rating=bad/.exec(survey?.text ?? '')?.[0]
  expect(path).toBeTruthy()

  // Signed out, as from a mail client; the link chose "bad".
  const page = await (await browser.newContext()).newPage()
  const problems = watchPageProblems(page)
  await page.goto(path ?? '')
  await expect(page.getByRole('heading', { name: 'How did we do?' })).toBeVisible()
  await expect(page.getByText(`#${ticket.number}`)).toBeVisible()
  await expect(page.getByRole('radio', { name: /Bad/ })).toBeChecked()
  // Opening the page recorded nothing.
  expect(
    (await call<{ satisfaction: unknown }>(admin, 'GET', `/api/tickets/${ticket.id}`)).satisfaction,
  ).toBeNull()
  await expectAccessible(page)

  await page.getByRole('radio', { name: /Good/ }).check()
  await page.getByRole('textbox', { name: /Comment/ }).fill(`Great help ${tag}`)
  await page.getByRole('button', { name: 'Send my answer' }).click()
  await expect(page.getByText('Thank you for your feedback!')).toBeVisible()
  await expect(page.getByTestId('satisfaction-answer')).toContainText('Good')
  await expect(page.getByText(/You can change your answer until/)).toBeVisible()

  // Changed within the week.
  await page.getByRole('radio', { name: /Bad/ }).check()
  await page.getByRole('button', { name: 'Update my answer' }).click()
  await expect(page.getByTestId('satisfaction-answer')).toContainText('Bad')

  const staff = await (await browser.newContext()).newPage()
  await signIn(staff, ADMIN.email, ADMIN.password)
  await staff.goto(`/tickets/${ticket.id}`)
  await expect(staff.getByTestId('ticket-satisfaction')).toContainText('Bad')
  await expect(staff.getByTestId('ticket-satisfaction')).toContainText(`Great help ${tag}`)
  // The history says it in words, not as the event's type.
  const history = staff.getByRole('region', { name: 'History' })
  await expect(history).toContainText('rated the support bad (was good)')
  await expect(history).not.toContainText('satisfaction_rated')
  expect(problems).toEqual([])
})

test('an unknown survey link says so', async ({ page }) => {
  await page.goto(`/satisfaction/${'A'.repeat(43)}?rating=good`)
  await expect(page.getByText('This link is not valid.')).toBeVisible()
})

test('staff open the reports page: charts, tables, a range and CSV downloads', async ({ page }) => {
  const problems = watchPageProblems(page)
  await signIn(page, ADMIN.email, ADMIN.password)
  await page.getByRole('link', { name: 'Reports' }).click()
  await expect(page.getByRole('heading', { name: 'Reports', level: 1 })).toBeVisible()
  await expect(page.getByTestId('chart-volume').locator('canvas')).toBeVisible()
  await expect(page.getByTestId('backlog-table')).toBeVisible()
  await expect(page.getByTestId('moderators-table')).toContainText(ADMIN.email)
  await expectAccessible(page)

  // A range by the date pickers, then grouped by week: both go into the address.
  await page.getByLabel('From', { exact: true }).fill('2026-01-05')
  await page.getByLabel('To', { exact: true }).fill('2026-03-01')
  await page.getByRole('button', { name: 'Show' }).click()
  await expect(page).toHaveURL(/from=2026-01-05&to=2026-03-01/)
  await page.getByLabel('Group by').selectOption('week')
  await expect(page).toHaveURL(/group_by=week/)
  await page.getByText('The figures as a table').click()
  await expect(page.getByTestId('summary-table').locator('tbody tr')).toHaveCount(8)

  const csvLink = page.getByRole('link', { name: 'Download CSV' }).first()
  const href = await csvLink.getAttribute('href')
  expect(href).toContain('format=csv')
  const csv = await page.request.get(href ?? '')
  expect(csv.headers()['content-type']).toContain('text/csv')
  expect((await csv.text()).split('\r\n')[0]).toMatch(/^period,created,resolved/)
  expect(problems).toEqual([])
})
