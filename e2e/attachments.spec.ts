// Files on tickets through the UI: attached when filing a ticket and when replying, listed with
// name and size, and downloaded as the same bytes; the moderator sees and downloads them too.
import { readFile } from 'node:fs/promises'
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

async function download(page: Page, name: string): Promise<{ filename: string; text: string }> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name }).click()])
  const path = await file.path()
  return { filename: file.suggestedFilename(), text: await readFile(path, 'utf8') }
}

test('a customer attaches files to a new ticket and to a reply, and both can be downloaded', async ({
  browser,
  baseURL,
}) => {
  const tag = uniqueTag()
  const customer = await registerUser(baseURL ?? '', tag, 'filer')
  const page = await (await browser.newContext({ acceptDownloads: true })).newPage()
  const problems = watchPageProblems(page)
  await signIn(page, customer.user.email, PASSWORD)

  // A new ticket with a log file.
  await page.goto('/tickets/new')
  await page.getByLabel('Title').fill(`Export fails ${tag}`)
  await page.getByLabel('Description').fill('The nightly export stops halfway; the log is attached.')
  const log = `export started\nerror ${tag}: disk full\n`
  await page.getByLabel('Attach files').setInputFiles({
    name: `export-${tag}.log`,
    mimeType: 'text/plain',
    buffer: Buffer.from(log),
  })
  await expect(page.getByText('1 file selected')).toBeVisible()
  await page.getByRole('button', { name: 'File ticket' }).click()
  await expect(page).toHaveURL(/\/tickets\/[0-9a-f-]{36}$/)
  const ticketId = page.url().split('/').pop() ?? ''
  const onTicket = page.getByTestId('ticket-attachments')
  await expect(onTicket.getByRole('link', { name: `export-${tag}.log` })).toBeVisible()
  await expect(onTicket).toContainText(`(${Buffer.byteLength(log)} B)`)
  await expect(page.getByTestId('ticket-channel')).toHaveText('Web or API')
  const first = await download(page, `export-${tag}.log`)
  expect(first).toEqual({ filename: `export-${tag}.log`, text: log })

  // A reply with a second file.
  const csv = `date,rows\n2026-12-01,${tag}\n`
  await page.getByRole('textbox', { name: 'Your reply' }).fill('Here is the export that did get written.')
  await page.getByLabel('Attach files').setInputFiles({
    name: `partial-${tag}.csv`,
    mimeType: 'text/csv',
    buffer: Buffer.from(csv),
  })
  await page.getByRole('button', { name: 'Post reply' }).click()
  const reply = page.getByRole('listitem').filter({ hasText: 'Here is the export that did get written.' })
  await expect(reply.getByRole('link', { name: `partial-${tag}.csv` })).toBeVisible()
  await expect(page.getByLabel('Attach files')).toHaveValue('')
  const second = await download(page, `partial-${tag}.csv`)
  expect(second).toEqual({ filename: `partial-${tag}.csv`, text: csv })
  expect(problems).toEqual([])

  // Staff see and download both.
  const admin = await apiAs(baseURL ?? '', ADMIN.email, ADMIN.password)
  const moderator = await call<{ email: string }>(admin, 'POST', '/api/users', {
    email: `files-mod-${tag}@e2e.test`,
    password: PASSWORD,
    role: 'moderator',
  })
  const staff = await (await browser.newContext({ acceptDownloads: true })).newPage()
  await signIn(staff, moderator.email, PASSWORD)
  await staff.goto(`/tickets/${ticketId}`)
  expect((await download(staff, `export-${tag}.log`)).text).toBe(log)
  expect((await download(staff, `partial-${tag}.csv`)).text).toBe(csv)
})

test('another customer cannot download the files', async ({ baseURL }) => {
  const tag = uniqueTag()
  const owner = await registerUser(baseURL ?? '', tag, 'owner')
  const ticket = await call<{ id: string }>(owner.api, 'POST', '/api/tickets', {
    title: `Private file ${tag}`,
    description: 'A ticket with a private attachment on it.',
  })
  const upload = await owner.api.post(`/api/tickets/${ticket.id}/attachments`, {
    multipart: { file: { name: 'secret.txt', mimeType: 'text/plain', buffer: Buffer.from('secret') } },
  })
  expect(upload.status()).toBe(201)
  const [file] = ((await upload.json()) as { data: { id: string }[] }).data
  const other = await registerUser(baseURL ?? '', tag, 'other')
  // Not theirs: as if it did not exist.
  expect((await other.api.get(`/api/attachments/${file?.id}`)).status()).toBe(404)
  const mine = await owner.api.get(`/api/attachments/${file?.id}`)
  expect(mine.status()).toBe(200)
  expect(mine.headers()['content-disposition']).toContain('attachment')
  expect(await mine.text()).toBe('secret')
})
