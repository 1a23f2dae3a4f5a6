// (a) An admin sets up a skill and a moderator through the UI; a new user files a ticket and
// watches its analysis and assignment arrive on the ticket page without reloading, while the
// moderator's queue picks the ticket up by itself.
import { expect, test } from '@playwright/test'
import {
  ADMIN,
  catalogHasCaughtUp,
  expectNoReload,
  markDocument,
  PASSWORD,
  signIn,
  skillName,
  ticketFor,
  uniqueTag,
  watchPageProblems,
} from './support.js'

test('analysis and assignment of a new ticket appear live', async ({ browser }) => {
  const tag = uniqueTag()
  const skill = skillName(tag)
  const moderatorEmail = `mod-${tag}@e2e.test`

  // The admin adds the skill to the catalog…
  const admin = await (await browser.newContext()).newPage()
  await signIn(admin, ADMIN.email, ADMIN.password)
  await expect(admin).toHaveURL(/\/dashboard$/)
  await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Skills' }).click()
  await admin.getByLabel('Name', { exact: true }).fill(skill)
  await admin.getByLabel('Keywords', { exact: true }).fill(`${skill.toLowerCase()}, export job`)
  await admin.getByRole('button', { name: 'Add skill' }).click()
  await expect(admin.getByRole('heading', { name: skill })).toBeVisible()
  const skillCreatedAt = Date.now()

  // …creates a moderator and gives them the skill.
  await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click()
  await admin.getByRole('button', { name: 'Add user' }).click()
  const form = admin.getByRole('form', { name: 'Add a user' })
  await form.getByLabel('Email').fill(moderatorEmail)
  await form.getByLabel('Name (optional)').fill(`Moderator ${tag}`)
  await form.getByLabel('Initial password').fill(PASSWORD)
  await form.getByLabel('Role').selectOption('moderator')
  await form.getByRole('button', { name: 'Add user' }).click()
  await expect(admin).toHaveURL(/\/admin\/users\/[0-9a-f-]{36}$/)
  await admin.getByLabel('Add a skill').selectOption(skill)
  await admin.getByLabel('Proficiency', { exact: true }).selectOption('5')
  await admin.getByRole('button', { name: 'Add', exact: true }).click()
  await admin.getByRole('button', { name: 'Save skills' }).click()
  await expect(admin.getByText('Skills saved.')).toBeVisible()

  // The moderator watches their part of the queue.
  const moderator = await (await browser.newContext()).newPage()
  await signIn(moderator, moderatorEmail, PASSWORD)
  await moderator.goto('/queue?assigned=mine')
  await expect(moderator.getByRole('heading', { level: 1 })).toHaveText('Queue')
  await expect(moderator.locator('.page-subtitle')).toContainText('match')
  await markDocument(moderator)

  // A new user registers and files a ticket; the form checks lengths as the server does.
  const page = await (await browser.newContext()).newPage()
  const problems = watchPageProblems(page)
  await page.bringToFront()
  await page.goto('/register')
  await page.getByLabel('Name (optional)').fill(`Customer ${tag}`)
  await page.getByLabel('Email').fill(`customer-${tag}@e2e.test`)
  await page.getByLabel('Password').fill(PASSWORD)
  await page.getByRole('button', { name: 'Create account' }).click()
  await expect(page).toHaveURL(/\/tickets$/)
  await expect(page.getByText('You have not filed any tickets yet')).toBeVisible()

  await page.getByRole('button', { name: 'File your first ticket' }).click()
  await page.getByLabel('Title').fill('  Help ')
  await expect(page.locator('#ticket-title-count')).toHaveText('4 / 200 characters')
  await page.getByRole('button', { name: 'File ticket' }).click()
  await expect(page.getByText('Title needs at least 5 characters (4 so far)')).toBeVisible()
  await expect(page.getByLabel('Title')).toBeFocused()

  const ticket = ticketFor(tag)
  await expect(moderator.getByRole('link', { name: ticket.title })).toHaveCount(0)
  await catalogHasCaughtUp(skillCreatedAt)
  await page.getByLabel('Title').fill(ticket.title)
  await page.getByLabel('Description').fill(ticket.description)
  await expect(page.locator('#ticket-description-count')).toHaveText(
    `${ticket.description.length} / 5000 characters`,
  )
  await page.getByRole('button', { name: 'File ticket' }).click()

  await expect(page).toHaveURL(/\/tickets\/[0-9a-f-]{36}$/)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(ticket.title)
  await markDocument(page)
  await expect(page.getByTestId('ticket-processing')).toHaveText('Analysed')
  await expect(page.getByTestId('ticket-summary')).not.toBeEmpty()
  await expect(page.getByTestId('ticket-skills')).toContainText(skill)
  await expect(page.getByTestId('ticket-assignee')).toHaveText(moderatorEmail)
  await expect(page.getByRole('region', { name: 'History' })).toContainText(`Assigned to ${moderatorEmail}`)
  await expectNoReload(page)

  // The moderator's queue updated itself.
  await expect(moderator.getByRole('link', { name: ticket.title })).toBeVisible()
  await expectNoReload(moderator)
  expect(problems).toEqual([])
})
