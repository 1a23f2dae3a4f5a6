// Service levels as a new admin and moderator meet them: the admin adds a policy in the editor
// (several ranges a day, a holiday, targets per priority, a skill and its order); a ticket needing
// that skill shows its time left on the queue row and the ticket page; the queue sorts by "due
// soonest"; asking the customer pauses the clock, and the badge says so.
import { expect, test } from '@playwright/test'
import {
  ADMIN,
  apiAs,
  call,
  catalogHasCaughtUp,
  moderatorWithSkill,
  PASSWORD,
  registerUser,
  signIn,
  skillName,
  ticketFor,
  uniqueTag,
  waitUntilAssigned,
} from './support.js'

interface SlaTicket {
  id: string
  number: number
  sla: { policy_id: string; state: string; paused: boolean; due_at: string | null } | null
}

test('an admin sets business hours and targets; the queue shows time left and pauses', async ({
  page,
  baseURL,
}) => {
  const tag = uniqueTag()
  const admin = await apiAs(baseURL ?? '', ADMIN.email, ADMIN.password)
  const { moderator, createdAt } = await moderatorWithSkill(admin, tag)

  // The editor: a policy for the tag's skill, around the clock first, then with opening hours.
  await signIn(page, ADMIN.email, ADMIN.password)
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Service levels' }).click()
  await expect(page.getByRole('heading', { name: 'Service levels' })).toBeVisible()
  await expect(page.getByTestId('sla-policy').filter({ hasText: 'Default' })).toBeVisible()
  await page.getByRole('button', { name: 'Add a policy' }).click()
  const form = page.getByRole('form', { name: 'New SLA policy' })
  await form.getByLabel('Name').fill(`Desk ${tag}`)
  await form.getByLabel('Applies to tickets needing the skill').selectOption(skillName(tag))
  await form.getByLabel('Order').fill('0')
  await form.getByLabel('High first response minutes').fill('90')
  await form.getByLabel('Medium first response minutes').fill('120')
  await form.getByLabel('Time zone').fill('Europe/Berlin')
  // Monday gets a second range in the afternoon.
  await form.getByRole('button', { name: 'Add a range on Monday' }).click()
  await form.getByLabel('Monday range 1 closes').fill('12:00')
  await form.getByLabel('Monday range 2 opens').fill('13:00')
  await form.getByLabel('Monday range 2 closes').fill('18:00')
  await form.getByLabel('Holidays').fill('2026-12-25')
  await form.getByRole('button', { name: 'Add holiday' }).click()
  await expect(form.getByRole('list', { name: 'Holidays' })).toContainText('2026-12-25')
  // An overlap is refused with the API's words.
  await form.getByLabel('Monday range 2 opens').fill('11:00')
  await form.getByRole('button', { name: 'Add policy' }).click()
  await expect(form.getByRole('alert')).toContainText('overlap')
  // Around the clock after all: the ticket's clock then runs now, whatever the day.
  await form.getByLabel('Around the clock (24/7)').check()
  await form.getByRole('button', { name: 'Add policy' }).click()
  const card = page.getByTestId('sla-policy').filter({ hasText: `Desk ${tag}` })
  await expect(card).toContainText(`Skill: ${skillName(tag)}`)
  await expect(card).toContainText('Around the clock')
  await expect(card).toContainText('Medium: first response 2h')
  const policies = await call<Array<{ id: string; name: string; calendar: { holidays: string[] } }>>(
    admin,
    'GET',
    '/api/sla-policies',
  )
  const desk = policies.find((p) => p.name === `Desk ${tag}`)
  expect(desk?.calendar.holidays).toEqual(['2026-12-25'])

  // A ticket needing the skill is timed by that policy once analysed.
  await catalogHasCaughtUp(createdAt)
  const { api: requester } = await registerUser(baseURL ?? '', tag)
  const filed = await call<SlaTicket>(requester, 'POST', '/api/tickets', ticketFor(tag))
  await waitUntilAssigned(admin, filed.id)
  await expect
    .poll(async () => (await call<SlaTicket>(admin, 'GET', `/api/tickets/${filed.id}`)).sla?.policy_id)
    .toBe(desk?.id)

  // The moderator's queue, due soonest first: the row shows business time left.
  await page.getByRole('button', { name: /account menu/ }).click()
  await page.getByRole('button', { name: 'Sign out' }).click()
  await signIn(page, moderator.email, PASSWORD)
  await page.goto('/queue?assigned=mine')
  await page.getByLabel('Sort').selectOption('due')
  await expect(page).toHaveURL(/sort=due/)
  await expect(page.locator('.page-subtitle')).toContainText('due soonest first')
  const row = page.getByRole('row').filter({ hasText: `#${filed.number}` })
  await expect(row.locator('.badge.sla')).toHaveText(
    /Service level: \d+h( \d+m)? left|Service level: \d+m left/,
  )

  // The ticket page: the same badge; asking the customer pauses the clock.
  await row.getByRole('link').click()
  const sla = page.getByTestId('ticket-sla')
  await expect(sla.locator('.badge.sla')).toContainText('left')
  await expect(sla.locator('.badge.sla')).toHaveAttribute('data-sla-paused', 'false')
  await page.getByRole('button', { name: 'Start work' }).click()
  await page.getByRole('button', { name: 'Ask the customer' }).click()
  await expect(sla.locator('.badge.sla')).toContainText('Paused')
  await expect(sla.locator('.badge.sla')).toHaveAttribute('data-sla-paused', 'true')
  const paused = await call<SlaTicket>(admin, 'GET', `/api/tickets/${filed.id}`)
  expect(paused.sla).toMatchObject({ paused: true, state: 'ok' })
})
