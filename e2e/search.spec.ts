// Search from the header: `/` focuses it, results appear as you type with the words highlighted,
// arrow keys and Enter open one; the results page; a requester finds only their own tickets.
import { expect, test } from '@playwright/test'
import { ADMIN, apiAs, call, PASSWORD, registerUser, signIn, uniqueTag } from './support.js'

test('staff find a ticket from the header by two words of its description', async ({ page, baseURL }) => {
  const tag = uniqueTag()
  const { api } = await registerUser(baseURL ?? '', tag)
  const ticket = await call<{ id: string; number: number }>(api, 'POST', '/api/tickets', {
    title: `Dashboard <b>bold</b> & "quoted" ${tag}`,
    description: `Since Monday the quasar${tag} widget shows nebula${tag} errors on every load.`,
  })
  await call(api, 'POST', '/api/tickets', {
    title: `Unrelated report ${tag}`,
    description: `Only the quasar${tag} word, not the other one.`,
  })

  await signIn(page, ADMIN.email, ADMIN.password)
  // `/` outside a text field jumps to the search field.
  await page.locator('main').click()
  await page.keyboard.press('/')
  const field = page.getByRole('combobox', { name: 'Search tickets' })
  await expect(field).toBeFocused()
  await page.keyboard.type(`quasar${tag} nebula${tag}`)

  const results = page.getByRole('listbox', { name: 'Search results' })
  const first = results.getByRole('option').first()
  await expect(first).toContainText(`#${ticket.number}`)
  await expect(first.locator('mark')).toHaveText([`quasar${tag}`, `nebula${tag}`])
  // The title's markup is shown as text, never interpreted.
  await expect(first).toContainText(`Dashboard <b>bold</b> & "quoted" ${tag}`)
  await expect(first.locator('b')).toHaveCount(0)
  await expect(results.getByRole('option')).toHaveCount(2) // the ticket and "All 1 results"

  await page.keyboard.press('ArrowDown')
  await expect(field).toHaveAttribute('aria-activedescendant', 'header-search-option-0')
  await expect(first).toHaveAttribute('aria-selected', 'true')
  await page.keyboard.press('Enter')
  await expect(page).toHaveURL(new RegExp(`/tickets/${ticket.id}$`))

  // Enter without choosing a result opens the results page, with highlights and filters.
  await page.keyboard.press('/')
  await expect(field).toBeFocused()
  await field.fill(`quasar${tag}`)
  await page.keyboard.press('Enter')
  await expect(page).toHaveURL(new RegExp(`/search\\?q=quasar${tag}$`))
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Search')
  const list = page.getByRole('list', { name: 'Search results' })
  await expect(list.getByRole('listitem')).toHaveCount(2)
  await expect(list.locator('mark').first()).toHaveText(`quasar${tag}`)
  await page.getByLabel('Status').selectOption('closed')
  await expect(page.getByText('No tickets match these words and filters')).toBeVisible()
  await page.getByRole('button', { name: 'Clear filters' }).click()
  await expect(list.getByRole('listitem')).toHaveCount(2)
})

test("a requester searching another user's words finds nothing", async ({ page, baseURL }) => {
  const tag = uniqueTag()
  const { user } = await registerUser(baseURL ?? '', tag)
  const other = await registerUser(baseURL ?? '', tag, 'other')
  await call(other.api, 'POST', '/api/tickets', {
    title: `Private matter ${tag}`,
    description: `Only the other user writes pelican${tag} here.`,
  })
  const admin = await apiAs(baseURL ?? '', ADMIN.email, ADMIN.password)
  const staffView = await call<unknown[]>(admin, 'GET', `/api/tickets/search?q=pelican${tag}`)
  expect(staffView).toHaveLength(1)

  await signIn(page, user.email, PASSWORD)
  await page.getByRole('combobox', { name: 'Search tickets' }).fill(`pelican${tag}`)
  await expect(page.getByText('No tickets match')).toBeVisible()
  await page.keyboard.press('Enter')
  await expect(page.getByText('No tickets match these words')).toBeVisible()
})
