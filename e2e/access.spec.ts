// (d) What a user may not open, sign-in and sign-out, and the API's own error messages.
import { expect, test } from '@playwright/test'
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

test('a user sees no staff pages, and a direct URL says not allowed', async ({ page, baseURL }) => {
  const tag = uniqueTag()
  const { user } = await registerUser(baseURL ?? '', tag)
  const other = await registerUser(baseURL ?? '', tag, 'other')
  const foreign = await call<{ id: string }>(other.api, 'POST', '/api/tickets', {
    title: 'Somebody else’s problem',
    description: 'A ticket that only its creator and staff may read.',
  })

  await signIn(page, user.email, PASSWORD)
  await expect(page).toHaveURL(/\/tickets$/)
  const nav = page.getByRole('navigation', { name: 'Main' })
  await expect(nav.getByRole('link')).toHaveText(['My tickets', 'New ticket'])

  for (const path of ['/queue', '/dashboard', '/admin/users', '/admin/skills', '/admin/emails']) {
    await page.goto(path)
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Not allowed')
    await expect(page.getByText(`signed in as ${user.email}`)).toBeVisible()
  }

  // Another user's ticket: the API's 403 in its own words.
  await page.goto(`/tickets/${foreign.id}`)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Not allowed')
  await expect(page.getByRole('alert')).toContainText('Forbidden - cannot access this ticket')
})

test('sign-in errors, the way back after signing in, and signing out', async ({ page, baseURL }) => {
  const tag = uniqueTag()
  const admin = await apiAs(baseURL ?? '', ADMIN.email, ADMIN.password)
  const { moderator } = await moderatorWithSkill(admin, tag)

  // A signed-out visitor is sent to sign in and then on to where they were going.
  await page.goto('/queue?status=todo')
  await expect(page).toHaveURL(/\/login\?next=%2Fqueue%3Fstatus%3Dtodo$/)
  await page.getByLabel('Email').fill(moderator.email)
  await page.getByLabel('Password').fill('not-the-password')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByRole('alert')).toContainText('Could not sign in.')
  await expect(page.getByRole('alert')).toContainText('Invalid email or password')

  await page.getByLabel('Password').fill(PASSWORD)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page).toHaveURL(/\/queue\?status=todo$/)
  await expect(page.getByLabel('Status')).toHaveValue('todo')

  // Sign out from the user menu; the pages are closed again.
  await page.getByRole('button', { name: /account menu/ }).click()
  await page.getByRole('button', { name: 'Sign out' }).click()
  await expect(page).toHaveURL(/\/login$/)
  await page.goto('/tickets')
  await expect(page).toHaveURL(/\/login\?next=%2Ftickets$/)

  // Registering a taken email shows the API's 409 message.
  await page.getByRole('link', { name: 'Create an account' }).click()
  await page.getByLabel('Email').fill(moderator.email)
  await page.getByLabel('Password').fill(PASSWORD)
  await page.getByRole('button', { name: 'Create account' }).click()
  await expect(page.getByRole('alert')).toContainText('Email already registered')
})

test('when the session ends (deactivated by an admin), the next request leads to sign-in', async ({
  page,
  baseURL,
}) => {
  const tag = uniqueTag()
  const { user } = await registerUser(baseURL ?? '', tag)
  await signIn(page, user.email, PASSWORD)
  await expect(page).toHaveURL(/\/tickets$/)

  const admin = await apiAs(baseURL ?? '', ADMIN.email, ADMIN.password)
  await call(admin, 'PATCH', `/api/users/${user.id}`, { is_active: false })

  await page.getByLabel('Status').selectOption('todo')
  await expect(page).toHaveURL(/\/login\?next=%2Ftickets%3Fstatus%3Dtodo$/)
  await expect(page.getByText('Your session has ended. Please sign in again.')).toBeVisible()
})
