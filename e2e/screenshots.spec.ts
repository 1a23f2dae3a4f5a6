// `npm run screenshots`: fills the fresh e2e server with a small believable helpdesk through the
// API, then photographs the main pages into docs/screenshots/ (desktop, and phone width for a
// few). Skipped in the ordinary e2e run: the pictures change with every run.
import { type APIRequestContext, type Browser, expect, type Page, test } from '@playwright/test'
import {
  ADMIN,
  type ApiTicket,
  type ApiUser,
  apiAs,
  call,
  catalogHasCaughtUp,
  PASSWORD,
  signIn,
  waitUntilAssigned,
} from './support.js'

test.skip(!process.env.SCREENSHOTS, 'set SCREENSHOTS=1 (npm run screenshots) to write docs/screenshots')
test.setTimeout(120_000)

const OUT = 'docs/screenshots'
const DESKTOP = { width: 1280, height: 860 }
const PHONE = { width: 375, height: 812 }

const SKILLS = [
  {
    name: 'Networking',
    description: 'Wi-Fi, VPN, DNS and office connectivity.',
    keywords: ['wifi', 'vpn', 'dns', 'network'],
  },
  {
    name: 'Database',
    description: 'PostgreSQL performance, backups and migrations.',
    keywords: ['database', 'sql', 'backup', 'query'],
  },
  {
    name: 'Frontend',
    description: 'Web UI bugs, browsers and layout.',
    keywords: ['browser', 'safari', 'css', 'page', 'button'],
  },
  {
    name: 'Billing',
    description: 'Invoices, refunds and subscriptions.',
    keywords: ['invoice', 'refund', 'billing', 'vat'],
  },
]

const MODERATORS = [
  { email: 'priya.raman@example.com', name: 'Priya Raman', skills: ['Networking', 'Database'] },
  { email: 'marcus.chen@example.com', name: 'Marcus Chen', skills: ['Frontend', 'Database'] },
  { email: 'hannah.weber@example.com', name: 'Hannah Weber', skills: ['Billing'] },
]

const CUSTOMER = { email: 'emma.thompson@example.com', name: 'Emma Thompson' }

const TICKETS = [
  {
    title: 'VPN disconnects every few minutes since Monday',
    description:
      'Since Monday the VPN drops every five to ten minutes when I work from home. Reconnecting works, but video calls freeze each time. Wi-Fi itself is stable.',
  },
  {
    title: 'Checkout button does nothing in Safari 17',
    description:
      'On the checkout page the "Pay now" button does nothing in Safari 17 on macOS. Chrome works. The browser console shows a TypeError when I click the button.',
  },
  {
    title: 'Charged VAT although we provided a valid VAT ID',
    description:
      'Our last invoice includes 19% VAT although our company VAT ID was entered at signup. Please correct the invoice and refund the difference.',
  },
  {
    title: 'Nightly database backup failed three nights in a row',
    description:
      'The monitoring shows the nightly backup of the reporting database failing since Tuesday with "disk quota exceeded". We have no fresh backup.',
  },
  {
    title: 'Reports page loads very slowly after the update',
    description:
      'Since the last release the monthly reports page takes over a minute to load. The SQL query behind it seems to be the slow part.',
  },
  {
    title: 'Nobody in the Berlin office can connect to the Wi-Fi',
    description:
      'Since 9:00 nobody on the third floor of the Berlin office can connect to the office Wi-Fi. All laptops show "no internet". The whole team is blocked.',
  },
  {
    title: 'Typo on the pricing page',
    description:
      'Small cosmetic thing: the pricing page says "anual" instead of "annual" in the plan table. No rush.',
  },
  {
    title: 'Refund for the cancelled annual subscription',
    description:
      'We cancelled our annual subscription within the 14 days but have not received the refund yet. Could you check the status of the refund?',
  },
  {
    title: 'Dark mode toggle does nothing on the settings page',
    description:
      'On the settings page the dark mode toggle switches but the page stays light until I reload. Happens in Firefox and Chrome. Not urgent.',
  },
  {
    title: 'Customers get a 500 error when paying by credit card',
    description:
      'Since this morning all customers get an error when paying by credit card in the web shop. Orders are failing in production and we are losing sales.',
  },
]

async function seed(baseURL: string) {
  const admin = await apiAs(baseURL, ADMIN.email, ADMIN.password)
  const createdAt = Date.now()
  for (const skill of SKILLS) await call(admin, 'POST', '/api/skills', skill)
  const moderators: ApiUser[] = []
  for (const m of MODERATORS) {
    const user = await call<ApiUser>(admin, 'POST', '/api/users', {
      email: m.email,
      name: m.name,
      password: PASSWORD,
      role: 'moderator',
    })
    await call(admin, 'PUT', `/api/users/${user.id}/skills`, {
      skills: m.skills.map((skill, i) => ({ skill, proficiency: 5 - i })),
    })
    moderators.push(user)
  }
  const customer = await call<ApiUser>(admin, 'POST', '/api/users', { ...CUSTOMER, password: PASSWORD })
  await call(admin, 'POST', '/api/users', {
    email: 'liam.novak@example.com',
    name: 'Liam Novak',
    password: PASSWORD,
  })
  const emma = await apiAs(baseURL, customer.email, PASSWORD)
  await catalogHasCaughtUp(createdAt)

  const tickets: ApiTicket[] = []
  for (const t of TICKETS) {
    const created = await call<ApiTicket>(emma, 'POST', '/api/tickets', t)
    tickets.push(await waitUntilAssigned(emma, created.id))
  }
  return { admin, emma, tickets, moderators }
}

/** Works a ticket as its assignee, so pages show a real conversation and history. */
async function work(
  baseURL: string,
  ticket: ApiTicket,
  moderators: ApiUser[],
  steps: string[],
  reply: string,
) {
  const assignee = moderators.find((m) => m.id === ticket.assigned_to)
  if (!assignee) return
  const api = await apiAs(baseURL, assignee.email, PASSWORD)
  await call(api, 'POST', `/api/tickets/${ticket.id}/comments`, { body: reply })
  for (const status of steps) await call(api, 'PATCH', `/api/tickets/${ticket.id}`, { status })
}

async function shoot(
  browser: Browser,
  who: { email: string; password: string } | undefined,
  path: string,
  name: string,
  viewport = DESKTOP,
) {
  const context = await browser.newContext({ viewport })
  const page = await context.newPage()
  if (who) await signIn(page, who.email, who.password)
  await page.goto(path)
  await settle(page)
  await page.screenshot({ path: `${OUT}/${name}.png`, fullPage: viewport === DESKTOP })
  await context.close()
}

/** Waits until no skeleton is left and the live connection is up, so the picture is the settled page. */
async function settle(page: Page) {
  await expect(page.locator('.skeleton, .row-placeholder')).toHaveCount(0)
  if (!page.url().includes('/login')) await expect(page.locator('.live-live')).toBeVisible()
  await page.waitForTimeout(300)
}

async function replyAsCustomer(emma: APIRequestContext, ticketId: string, body: string) {
  await call(emma, 'POST', `/api/tickets/${ticketId}/comments`, { body })
}

/** What the assignee does with each ticket, by its index in TICKETS: status moves and a reply. */
const WORK: { ticket: number; steps: string[]; reply: string }[] = [
  {
    ticket: 0,
    steps: ['in_progress', 'waiting_for_customer'],
    reply: 'Which VPN client version do you use? Please send its log.',
  },
  {
    ticket: 1,
    steps: ['in_progress'],
    reply: 'Reproduced in Safari 17.1: a polyfill is missing. A fix is on its way.',
  },
  {
    ticket: 2,
    steps: ['in_progress', 'resolved'],
    reply: 'We corrected the invoice and refunded the VAT. You will see it within 3 days.',
  },
  {
    ticket: 3,
    steps: ['cancelled'],
    reply: 'Duplicate of the storage alert handled by the infrastructure team.',
  },
  { ticket: 4, steps: ['in_progress'], reply: 'The new report query misses an index; adding it tonight.' },
  {
    ticket: 5,
    steps: ['in_progress', 'waiting_for_customer'],
    reply: 'Which access point does your laptop show?',
  },
  { ticket: 6, steps: ['in_progress', 'resolved', 'closed'], reply: 'Fixed, thank you for spotting it!' },
  {
    ticket: 7,
    steps: ['in_progress', 'waiting_for_customer'],
    reply: 'Could you send us the cancellation confirmation number?',
  },
]

test('screenshots of the main pages', async ({ browser, baseURL }) => {
  const base = baseURL ?? ''
  const { emma, tickets, moderators } = await seed(base)
  for (const plan of WORK) {
    const ticket = tickets[plan.ticket]
    if (ticket) await work(base, ticket, moderators, plan.steps, plan.reply)
  }
  const [vpn, , vat] = tickets
  if (!vpn || !vat) throw new Error('seeding failed')
  // The customer answers the first question: the ticket goes back to in progress.
  await replyAsCustomer(
    emma,
    vpn.id,
    'Version 5.2.1, log attached. It happens on battery power only, as far as I can tell.',
  )

  const customer = { email: CUSTOMER.email, password: PASSWORD }
  const moderator = { email: MODERATORS[0]?.email ?? '', password: PASSWORD }
  await shoot(browser, undefined, '/login', 'login')
  await shoot(browser, customer, '/tickets', 'my-tickets')
  await shoot(browser, customer, `/tickets/${vpn.id}`, 'ticket-user')
  await shoot(browser, customer, `/tickets/${vat.id}`, 'ticket-resolved-user')
  await shoot(browser, moderator, `/tickets/${vpn.id}`, 'ticket-moderator')
  await shoot(browser, moderator, '/queue', 'queue')
  await shoot(browser, ADMIN, '/dashboard', 'dashboard')
  await shoot(browser, ADMIN, '/admin/users', 'admin-users')
  await shoot(browser, ADMIN, '/admin/skills', 'admin-skills')
  await shoot(browser, ADMIN, '/admin/emails', 'admin-outbox')
  await shoot(browser, customer, '/tickets/new', 'new-ticket')
  await shoot(browser, customer, `/tickets/${vpn.id}`, 'phone-ticket', PHONE)
  await shoot(browser, moderator, '/queue', 'phone-queue', PHONE)
  await shoot(browser, customer, '/tickets', 'phone-my-tickets', PHONE)
})
