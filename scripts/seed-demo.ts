// `npm run seed:demo`: loads a believable demo into the database the environment names
// (DATABASE_URL, or the embedded database in DATA_DIR): an admin, moderators with skills, users,
// and 30 tickets in every status with real history. Everything goes through the services the API
// uses, and the background workflow (triage, auto-assignment) really runs on each ticket, so the
// demo shows what the product does. Runs once: if the demo admin exists, it says so and stops.
import { and, eq, inArray, notInArray } from 'drizzle-orm'
import type { Db } from '../src/db/client.js'
import {
  TICKET_STATUSES,
  type TicketPriority,
  type TicketStatus,
  ticketComments,
  ticketEvents,
  tickets,
  users,
} from '../src/db/schema.js'
import { createJobQueue } from '../src/jobs/queue.js'
import { runWorkers } from '../src/jobs/run-workers.js'
import type { WorkerLogger } from '../src/jobs/worker.js'
import { createMetrics } from '../src/metrics.js'
import type { SessionUser } from '../src/modules/auth/session.repository.js'
import { createNotifier } from '../src/modules/notifications/notifier.js'
import { createSkill } from '../src/modules/skills/skill.service.js'
import * as ticketService from '../src/modules/tickets/ticket.service.js'
import { findUserByEmail } from '../src/modules/users/user.repository.js'
import { createUser, setUserSkills, updateUserByAdmin } from '../src/modules/users/user.service.js'
import { openRuntime } from '../src/runtime.js'

type Actor = Pick<SessionUser, 'id' | 'role'>

const PASSWORDS = { admin: 'demo-admin-123', moderator: 'demo-moderator-123', user: 'demo-user-123' }
const ADMIN = { email: 'alex.morgan@example.com', name: 'Alex Morgan' }

const SKILLS: { name: string; description: string; keywords: string[] }[] = [
  {
    name: 'Networking',
    description: 'Wi-Fi, VPN, DNS, firewalls and office or home connectivity.',
    keywords: [
      'wifi',
      'wi-fi',
      'vpn',
      'dns',
      'network',
      'internet',
      'firewall',
      'router',
      'proxy',
      'latency',
    ],
  },
  {
    name: 'Database',
    description: 'PostgreSQL and MySQL performance, backups, migrations and data fixes.',
    keywords: ['database', 'sql', 'postgres', 'mysql', 'query', 'backup', 'migration', 'index', 'deadlock'],
  },
  {
    name: 'Frontend',
    description: 'Web UI bugs, browser compatibility, layout and JavaScript errors.',
    keywords: ['ui', 'browser', 'css', 'javascript', 'page', 'button', 'layout', 'safari', 'chrome', 'form'],
  },
  {
    name: 'Backend API',
    description: 'REST APIs, integrations, webhooks, server errors and timeouts.',
    keywords: [
      'api',
      'endpoint',
      'webhook',
      '500',
      '502',
      'timeout',
      'integration',
      'rest',
      'json',
      'server error',
    ],
  },
  {
    name: 'Authentication & Access',
    description: 'Sign-in problems, SSO, MFA, password resets, permissions and shared drives.',
    keywords: [
      'login',
      'log in',
      'password',
      'sso',
      'mfa',
      '2fa',
      'two-factor',
      'permission',
      'access',
      'locked out',
    ],
  },
  {
    name: 'Email',
    description: 'Mailboxes, delivery problems, spam filtering, shared inboxes and calendars.',
    keywords: [
      'email',
      'outlook',
      'mailbox',
      'spam',
      'calendar',
      'inbox',
      'bounce',
      'invite',
      'spf',
      'attachment',
    ],
  },
  {
    name: 'Hardware',
    description: 'Laptops, monitors, printers, docking stations and other peripherals.',
    keywords: [
      'laptop',
      'printer',
      'monitor',
      'keyboard',
      'battery',
      'dock',
      'docking station',
      'screen',
      'mouse',
    ],
  },
  {
    name: 'Billing',
    description: 'Invoices, payments, refunds, subscriptions, VAT and plan questions.',
    keywords: [
      'invoice',
      'billing',
      'payment',
      'refund',
      'charged',
      'subscription',
      'vat',
      'plan',
      'receipt',
    ],
  },
  {
    name: 'Security',
    description: 'Phishing, malware, suspicious activity, certificates and vulnerability reports.',
    keywords: [
      'phishing',
      'malware',
      'virus',
      'security',
      'suspicious',
      'ransomware',
      'certificate',
      'ssl',
      'breach',
    ],
  },
  {
    name: 'DevOps / Infrastructure',
    description: 'CI/CD pipelines, deployments, cloud resources, containers, disks and monitoring.',
    keywords: [
      'deploy',
      'pipeline',
      'ci',
      'runner',
      'docker',
      'kubernetes',
      'disk',
      'server',
      'outage',
      'monitoring',
    ],
  },
]

type ModeratorKey = 'priya' | 'marcus' | 'sofia' | 'daniel' | 'hannah' | 'tom'
const MODERATORS: {
  key: ModeratorKey
  email: string
  name: string
  skills: [string, number][]
  active: boolean
}[] = [
  {
    key: 'priya',
    email: 'priya.raman@example.com',
    name: 'Priya Raman',
    skills: [
      ['Networking', 5],
      ['Security', 4],
      ['DevOps / Infrastructure', 3],
    ],
    active: true,
  },
  {
    key: 'marcus',
    email: 'marcus.chen@example.com',
    name: 'Marcus Chen',
    skills: [
      ['Backend API', 5],
      ['Database', 4],
      ['DevOps / Infrastructure', 4],
    ],
    active: true,
  },
  {
    key: 'sofia',
    email: 'sofia.alvarez@example.com',
    name: 'Sofia Alvarez',
    skills: [
      ['Frontend', 5],
      ['Backend API', 3],
      ['Authentication & Access', 3],
    ],
    active: true,
  },
  {
    key: 'daniel',
    email: 'daniel.okafor@example.com',
    name: 'Daniel Okafor',
    skills: [
      ['Hardware', 5],
      ['Email', 4],
      ['Networking', 2],
    ],
    active: true,
  },
  {
    key: 'hannah',
    email: 'hannah.weber@example.com',
    name: 'Hannah Weber',
    skills: [
      ['Billing', 5],
      ['Authentication & Access', 4],
      ['Email', 3],
    ],
    active: true,
  },
  // On leave: inactive, so the catalog does not count him and he gets no new tickets.
  {
    key: 'tom',
    email: 'tom.becker@example.com',
    name: 'Tom Becker',
    skills: [
      ['Database', 5],
      ['Security', 3],
    ],
    active: false,
  },
]

type UserKey = 'emma' | 'liam' | 'olivia' | 'noah' | 'ava' | 'lucas'
const USERS: { key: UserKey; email: string; name: string }[] = [
  { key: 'emma', email: 'emma.thompson@example.com', name: 'Emma Thompson' },
  { key: 'liam', email: 'liam.novak@example.com', name: 'Liam Novak' },
  { key: 'olivia', email: 'olivia.brooks@example.com', name: 'Olivia Brooks' },
  { key: 'noah', email: 'noah.fischer@example.com', name: 'Noah Fischer' },
  { key: 'ava', email: 'ava.patel@example.com', name: 'Ava Patel' },
  { key: 'lucas', email: 'lucas.moreau@example.com', name: 'Lucas Moreau' },
]

/** What happens to a ticket after it is filed and triaged, in order. Staff steps are the assignee's. */
type Step =
  | { assign: ModeratorKey } // the admin (re)assigns it
  | { status: TicketStatus }
  | { priority: TicketPriority } // set by a person: analysis will not override it
  | { notes: string }
  | { staff: string } // the assignee comments
  | { reply: string } // the creator comments (on a waiting ticket this moves it back to in_progress)
  | { confirm: true } // the creator confirms the fix: resolved → closed
  | { reopen: true } // the creator reopens: resolved → in_progress

interface DemoTicket {
  by: UserKey
  daysAgo: number
  title: string
  description: string
  steps?: Step[]
}

const TICKETS: DemoTicket[] = [
  {
    by: 'liam',
    daysAgo: 19,
    title: 'VPN disconnects every 10 minutes when working from home',
    description:
      'Since Monday my VPN connection drops roughly every ten minutes and I have to reconnect manually. ' +
      'It happens on my home Wi-Fi and on my phone hotspot. Video calls freeze right before it drops. ' +
      'Colleagues in the office are not affected.',
    steps: [
      { status: 'in_progress' },
      {
        staff: 'Thanks Liam. Which VPN client version are you on (Help → About), and is it Windows or macOS?',
      },
      { status: 'waiting_for_customer' },
      { reply: 'Version 5.2.1 on Windows 11. My router is a new FritzBox if that matters.' },
      {
        notes:
          'Known issue: VPN client 5.2.x drops the tunnel when the home router hands out IPv6 addresses. ' +
          'Fix: upgrade to 5.3 or disable IPv6 on the Wi-Fi adapter.',
      },
      { staff: 'I pushed client 5.3.0 to your laptop; please restart and let me know if it still drops.' },
      { status: 'resolved' },
      { confirm: true },
    ],
  },
  {
    by: 'emma',
    daysAgo: 17,
    title: 'Cannot log in after password reset: "account locked"',
    description:
      'I reset my password this morning using the link in the email, but every login attempt now says ' +
      '"Your account is locked, contact your administrator". I have a client presentation at 2pm and need ' +
      'access to the shared slides.',
    steps: [
      { priority: 'high' },
      { status: 'in_progress' },
      {
        staff:
          'The old password was still saved on your phone and kept trying in the background, which locked the ' +
          'account. I unlocked it; please update the password on your phone too.',
      },
      { status: 'resolved' },
      { confirm: true },
    ],
  },
  {
    by: 'olivia',
    daysAgo: 12,
    title: 'Invoice INV-2024-0412 charged twice on the company card',
    description:
      'Our corporate card shows two identical charges of EUR 1,188.00 for invoice INV-2024-0412 on the same day. ' +
      'Only one invoice was issued. Please refund the duplicate payment.',
    steps: [
      { status: 'in_progress' },
      {
        staff:
          'I can see two captures for the same payment intent; the second one was a retry by our payment ' +
          'provider. The duplicate has been refunded and should reach the card within 5-7 business days.',
      },
      { status: 'resolved' },
    ],
  },
  {
    by: 'noah',
    daysAgo: 6,
    title: 'Dashboard page loads blank in Safari 17',
    description:
      'The analytics dashboard renders an empty white page in Safari 17 on macOS Sonoma. Chrome and Firefox work. ' +
      'The browser console shows "TypeError: undefined is not an object (evaluating chart.data)".',
    steps: [
      { status: 'in_progress' },
      {
        notes:
          'Reproduced with Safari 17 and Intelligent Tracking Prevention on: the charts widget reads a ' +
          'third-party cookie that Safari blocks, so its data is undefined. Workaround: Chrome/Firefox.',
      },
      {
        staff:
          'Reproduced on our side, thanks for the console output. A fix is in review; Chrome works meanwhile.',
      },
    ],
  },
  {
    by: 'ava',
    daysAgo: 5,
    title: 'Outlook keeps asking for my password',
    description:
      'Outlook on my laptop shows a password prompt every few minutes, even after I enter the correct password. ' +
      'Emails still arrive, but the prompt keeps coming back and interrupts my work.',
    steps: [
      { status: 'in_progress' },
      {
        staff:
          'Could you send a screenshot of the prompt, and tell me whether webmail (outlook.office.com) works ' +
          'without asking you to sign in again?',
      },
      { status: 'waiting_for_customer' },
    ],
  },
  {
    by: 'lucas',
    daysAgo: 1,
    title: 'Laptop battery drains from 100% to 20% in an hour',
    description:
      'My ThinkPad battery used to last a full day. Since last week it goes from full to 20% in about an hour, ' +
      'even with only the browser and Slack open. The fan is also running constantly.',
  },
  {
    by: 'noah',
    daysAgo: 4,
    title: 'Orders API returns 502 for bulk requests over 500 items',
    description:
      'POST /v2/orders/bulk fails with 502 Bad Gateway whenever the payload has more than about 500 items. ' +
      'Smaller batches work. This blocks our nightly import from the warehouse system.',
    steps: [
      { assign: 'marcus' },
      { priority: 'high' },
      { status: 'in_progress' },
      {
        notes:
          'The gateway times out after 30 s while the bulk handler validates items one by one. ' +
          'Short term: split batches client-side at 250; long term: process bulk orders asynchronously.',
      },
      {
        staff:
          'Confirmed: the gateway cuts the request at 30 seconds. Could you split batches at 250 for now?',
      },
    ],
  },
  {
    by: 'emma',
    daysAgo: 15,
    title: 'Suspicious email asking me to confirm my payroll details',
    description:
      'I received an email from "HR Payroll" asking me to confirm my bank details through a link before Friday. ' +
      'The sender address looks odd (hr-payroll@company-support.co) and the link goes to an unknown site. I did ' +
      'not click it.',
    steps: [
      { priority: 'high' },
      { status: 'in_progress' },
      {
        staff:
          'Thank you for reporting it: this is phishing. We blocked the sender domain for everyone and removed ' +
          'the message from all mailboxes. Please delete it if you still see it.',
      },
      { status: 'resolved' },
      { confirm: true },
    ],
  },
  {
    by: 'olivia',
    daysAgo: 3,
    title: 'Need access to the Finance shared drive',
    description:
      'I joined the finance team this week and cannot open the "Finance" shared drive: it says I do not have ' +
      'permission. I need the quarterly reports folder for the audit next week.',
    steps: [
      { status: 'in_progress' },
      {
        staff:
          'Happy to help. Which folders exactly, and who is your manager so they can approve the access?',
      },
      { status: 'waiting_for_customer' },
    ],
  },
  {
    by: 'noah',
    daysAgo: 9,
    title: 'Nightly database backup failed three nights in a row',
    description:
      'The monitoring channel shows the nightly backup of the production database failing on Monday, Tuesday ' +
      'and Wednesday with "could not write to file: No space left on device". We have no recent backup.',
    steps: [
      { assign: 'marcus' },
      { priority: 'high' },
      { status: 'in_progress' },
      { notes: 'Backup volume at 97%: old WAL archives were never pruned after the retention change.' },
      {
        staff:
          "Pruned the WAL archives and fixed the retention job; tonight's backup completed in 41 minutes.",
      },
      { status: 'resolved' },
    ],
  },
  {
    by: 'ava',
    daysAgo: 14,
    title: 'Printer on the 3rd floor prints blank pages',
    description:
      'The large printer next to the kitchen on the third floor feeds paper but every page comes out blank, ' +
      'both for PDFs and Word documents.',
    steps: [
      { reply: 'Update: facilities replaced the toner cartridge and it prints again. You can close this.' },
      { status: 'cancelled' },
    ],
  },
  {
    by: 'noah',
    daysAgo: 11,
    title: 'Deploy pipeline stuck on "waiting for runner" since this morning',
    description:
      'All deploy jobs in the CI pipeline have been queued for over two hours with "waiting for runner". ' +
      'Nothing has been deployed today and we have a hotfix waiting.',
    steps: [
      { priority: 'high' },
      { status: 'in_progress' },
      {
        staff:
          'The runner pool had been scaled to zero by an autoscaler misconfiguration. Restored the minimum of ' +
          'two runners; your queued jobs are running now.',
      },
      { status: 'resolved' },
      { confirm: true },
    ],
  },
  {
    by: 'lucas',
    daysAgo: 2,
    title: 'Dark mode toggle does nothing on the settings page',
    description:
      'Clicking the dark mode toggle on the settings page moves the switch, but the page stays light. ' +
      'After a reload the switch is back to off. Tried in Chrome and Edge.',
  },
  {
    by: 'emma',
    daysAgo: 8,
    title: 'Refund not received for cancelled annual subscription',
    description:
      'I cancelled our annual Team subscription within the 14-day window three weeks ago and was told the refund ' +
      'would arrive within 10 days. Nothing has arrived on the card yet.',
    steps: [
      { status: 'in_progress' },
      { staff: 'The refund was issued on the 3rd. Could you check with your bank whether it is pending?' },
      { status: 'waiting_for_customer' },
      { reply: 'My bank says nothing is pending. Can you send me the refund reference number?' },
    ],
  },
  {
    by: 'olivia',
    daysAgo: 4,
    title: 'Two-factor codes from the authenticator app are always rejected',
    description:
      'Every six-digit code from my authenticator app is rejected with "invalid code" when I log in. ' +
      'I set up two-factor authentication last week and it worked at first.',
    steps: [
      { status: 'in_progress' },
      {
        notes:
          'Most common cause: the phone clock has drifted. TOTP codes need the time within about 30 seconds.',
      },
      {
        staff: 'Could you check that the date and time on your phone are set automatically, then try again?',
      },
      { status: 'waiting_for_customer' },
    ],
  },
  {
    by: 'liam',
    daysAgo: 1,
    title: 'Wi-Fi in meeting room B drops during video calls',
    description:
      'In meeting room B the Wi-Fi connection drops for a few seconds several times per hour, which freezes ' +
      'video calls. Other rooms on the same floor seem fine.',
  },
  {
    by: 'ava',
    daysAgo: 10,
    title: 'Website contact form returns "something went wrong"',
    description:
      'Customers tell us the contact form on the website shows "Something went wrong, please try again" after ' +
      'they press Send. I could reproduce it twice today.',
    steps: [
      { status: 'in_progress' },
      { staff: 'Found a validation bug in the form handler and deployed a fix. Could you try again?' },
      { status: 'resolved' },
      { reply: 'It works for plain messages now, but it still fails when I attach a PDF.' },
      { reopen: true },
      {
        staff:
          'Thanks, reproduced with attachments over 2 MB; the upload limit is the culprit. Looking into it.',
      },
    ],
  },
  {
    by: 'lucas',
    daysAgo: 13,
    title: 'Request: second monitor for an ergonomic setup',
    description:
      'My physiotherapist recommended a second monitor at eye level. Could IT provide a 24" monitor and a stand ' +
      'for my desk on the second floor?',
    steps: [
      {
        staff:
          'Hardware requests go through the procurement portal so your manager can approve them; please file it ' +
          'there and we will set it up once it arrives.',
      },
      { status: 'cancelled' },
    ],
  },
  {
    by: 'noah',
    daysAgo: 7,
    title: 'Slow queries on the reporting database after the last release',
    description:
      "Since Tuesday's release the monthly revenue report takes over two minutes instead of a few seconds. " +
      'Other reports seem slower as well.',
    steps: [
      { status: 'in_progress' },
      {
        notes:
          "The release's migration dropped and recreated the orders table without its index on created_at; " +
          'EXPLAIN shows a sequential scan over 40M rows.',
      },
      { staff: 'Recreated the missing index concurrently; the revenue report runs in 3 seconds again.' },
      { status: 'resolved' },
    ],
  },
  {
    by: 'olivia',
    daysAgo: 16,
    title: "Can't receive emails from a client's domain",
    description:
      'Emails from our client at northwind-traders.com no longer reach me. They get no bounce, and the ' +
      'messages are not in my junk folder either.',
    steps: [
      { status: 'in_progress' },
      {
        staff:
          'Their SPF record lists an old mail server, so our filter quarantined the messages. I released them ' +
          'and added a temporary exception; their IT has been told how to fix the record.',
      },
      { status: 'resolved' },
      { confirm: true },
    ],
  },
  {
    by: 'noah',
    daysAgo: 0,
    title: 'SSL certificate warning on the staging site',
    description:
      'Opening the staging site shows "Your connection is not private" (NET::ERR_CERT_DATE_INVALID). ' +
      'It looks like the certificate expired yesterday.',
  },
  {
    by: 'emma',
    daysAgo: 3,
    title: 'Charged VAT although we provided a valid VAT ID',
    description:
      'Our latest invoice includes 19% VAT although we entered our EU VAT ID when subscribing. As a business ' +
      'customer in another EU country we should be invoiced under reverse charge.',
    steps: [
      { status: 'in_progress' },
      {
        staff: 'Could you send us the VAT ID exactly as registered? Our check against VIES did not find it.',
      },
      { status: 'waiting_for_customer' },
    ],
  },
  {
    by: 'ava',
    daysAgo: 2,
    title: "Docking station doesn't detect the second monitor",
    description:
      'With the USB-C docking station only one of my two monitors turns on. Both monitors work when connected ' +
      'directly to the laptop, and swapping cables did not help.',
    steps: [
      { status: 'in_progress' },
      {
        staff:
          'Please install the dock firmware update from the Software Center and restart with the dock attached.',
      },
    ],
  },
  {
    by: 'lucas',
    daysAgo: 0,
    title: 'Password manager extension breaks the login form',
    description:
      'When the password manager extension fills in the login form, the Sign in button stays disabled until I ' +
      'type a character manually. Happens in Chrome and Firefox.',
  },
  {
    by: 'liam',
    daysAgo: 18,
    title: 'VPN drops again (same as my other ticket)',
    description:
      'Sorry, I filed this twice: my VPN keeps disconnecting every few minutes when I work from home. ' +
      'Same problem as the ticket I opened yesterday.',
    steps: [
      { staff: 'This duplicates your earlier VPN ticket; we will follow up there.' },
      { status: 'cancelled' },
    ],
  },
  {
    by: 'olivia',
    daysAgo: 6,
    title: 'Team calendar invites arrive with the wrong time zone',
    description:
      'Invites created in the shared team calendar show up one hour late for colleagues in London. ' +
      'Invites from personal calendars are fine.',
    steps: [
      { status: 'in_progress' },
      {
        notes:
          'The shared calendar was still set to UTC+1 without daylight saving; switched it to Europe/Berlin.',
      },
      {
        staff:
          "Fixed the shared calendar's time zone; new invites show the right time. Existing ones need re-sending.",
      },
      { status: 'resolved' },
    ],
  },
  {
    by: 'noah',
    daysAgo: 1,
    title: 'Webhook deliveries to our CRM stopped yesterday',
    description:
      'Since yesterday afternoon no order webhooks reach our CRM. The webhook log shows retries with ' +
      '"connection refused" although the CRM endpoint answers when we call it by hand.',
  },
  {
    by: 'emma',
    daysAgo: 0,
    title: 'Locked out of the admin panel after my role changed',
    description:
      'After my role changed from Editor to Team Lead yesterday I can no longer open the admin panel: it says ' +
      '"403 Forbidden". I need it to approve my team\'s holiday requests.',
  },
  {
    by: 'lucas',
    daysAgo: 8,
    title: 'Ransomware warning popped up on my laptop',
    description:
      'A full-screen warning said my files were encrypted and I had to call a phone number to unlock them. ' +
      'I closed the browser and it went away, but I am worried my laptop is infected.',
    steps: [
      { priority: 'high' },
      { status: 'in_progress' },
      {
        staff:
          'We scanned your laptop remotely: no malware and no encrypted files. It was a scareware pop-up from an ' +
          'ad on a website. Good call not to call the number!',
      },
      { status: 'resolved' },
      { confirm: true },
    ],
  },
  {
    by: 'ava',
    daysAgo: 5,
    title: 'Question about upgrading from the Basic to the Team plan',
    description:
      'We would like to upgrade from Basic to Team in the middle of our billing period. Will the remaining days ' +
      'of the Basic plan be credited, and does the invoice date change?',
    steps: [
      { reply: 'Sales already answered this on the phone, thanks! No need to follow up.' },
      { status: 'cancelled' },
    ],
  },
]

const log = (message: string) => console.log(message)

async function main(): Promise<number> {
  // Demo addresses are not real: keep every email undelivered (listed as skipped), whatever SMTP_URL says.
  const { config, database } = await openRuntime({ ...process.env, SMTP_URL: undefined })
  const { db } = database
  try {
    if (await findUserByEmail(db, ADMIN.email)) {
      log(`The demo data is already loaded (${ADMIN.email} exists); nothing to do.`)
      return 0
    }
    const taken = await db
      .select({ email: users.email })
      .from(users)
      .where(
        inArray(
          users.email,
          [...MODERATORS, ...USERS].map((u) => u.email),
        ),
      )
    if (taken.length > 0) {
      console.error(
        `Some demo users exist without the demo admin (${taken.map((t) => t.email).join(', ')}): ` +
          'a previous run stopped half-way. Seed a fresh database instead.',
      )
      return 1
    }

    const queue = createJobQueue(database, { jobTimeoutSeconds: config.jobs.timeoutSeconds })
    await queue.start()
    const quiet: WorkerLogger = {
      debug: () => {},
      info: () => {},
      warn: (details, message) => console.warn(`  warning: ${message}`, details),
      error: (details, message) => console.error(`  error: ${message}`, details),
    }
    const workers = await runWorkers({ config, database, queue, metrics: createMetrics(), log: quiet })
    try {
      await seed(db, queue, config.appUrl)
    } catch (error) {
      console.error('Seeding stopped half-way; seed a fresh database (an empty DATA_DIR or database).')
      throw error
    } finally {
      await workers.stop()
      await queue.stop()
    }
    printLogins()
    return 0
  } finally {
    await database.close()
  }
}

async function seed(db: Db, queue: ReturnType<typeof createJobQueue>, appUrl: string) {
  log(
    `Creating the admin, ${MODERATORS.length} moderators, ${USERS.length} users and ${SKILLS.length} skills…`,
  )
  const adminRow = await createUser(db, {
    email: ADMIN.email,
    password: PASSWORDS.admin,
    name: ADMIN.name,
    role: 'admin',
  })
  for (const skill of SKILLS) await createSkill(db, skill)
  const admin: Actor = { id: adminRow.id, role: 'admin' }
  const moderators = new Map<ModeratorKey, Actor & { name: string }>()
  for (const m of MODERATORS) {
    const user = await createUser(db, {
      email: m.email,
      password: PASSWORDS.moderator,
      name: m.name,
      role: 'moderator',
    })
    await setUserSkills(db, user.id, {
      skills: m.skills.map(([skill, proficiency]) => ({ skill, proficiency })),
    })
    if (!m.active) await updateUserByAdmin(db, queue, null, user.id, { is_active: false })
    moderators.set(m.key, { id: user.id, role: 'moderator', name: m.name })
  }
  const customers = new Map<UserKey, Actor>()
  for (const u of USERS) {
    const user = await createUser(db, { email: u.email, password: PASSWORDS.user, name: u.name })
    customers.set(u.key, { id: user.id, role: 'user' })
  }

  log(`Filing ${TICKETS.length} tickets and letting the background workflow triage them…`)
  const notifier = createNotifier({ queue, appUrl, smtpEnabled: false })
  // Oldest first, so the lists' "newest first" order matches the story.
  const ordered = [...TICKETS].sort((a, b) => b.daysAgo - a.daysAgo)
  const filed: { ticket: DemoTicket; id: string }[] = []
  for (const ticket of ordered) {
    const creator = customers.get(ticket.by)
    if (!creator) throw new Error(`unknown user ${ticket.by}`)
    const dto = await ticketService.createTicket(db, queue, creator, {
      title: ticket.title,
      description: ticket.description,
    })
    filed.push({ ticket, id: dto.id })
  }
  await waitForWorkflow(
    db,
    filed.map((f) => f.id),
  )

  log('Working the tickets: assignments, status changes, notes and comments…')
  for (const { ticket, id } of filed) {
    const creator = customers.get(ticket.by) as Actor
    for (const step of ticket.steps ?? []) {
      const current = await ticketService.getTicket(db, admin, id)
      const assigneeId = typeof current.assigned_to === 'string' ? current.assigned_to : undefined
      const staff: Actor = assigneeId ? { id: assigneeId, role: 'moderator' } : admin
      if ('assign' in step) {
        const to = moderators.get(step.assign)
        if (!to) throw new Error(`unknown moderator ${step.assign}`)
        await ticketService.updateTicket(db, notifier, admin, id, { assigned_to: to.id })
      } else if ('status' in step) {
        await ticketService.updateTicket(db, notifier, staff, id, { status: step.status })
      } else if ('priority' in step) {
        await ticketService.updateTicket(db, notifier, staff, id, { priority: step.priority })
      } else if ('notes' in step) {
        // The moderator's finding goes on top of the triage notes (the API caps notes at 2000 characters).
        const notes = current.helpful_notes ? `${step.notes}\n\n${current.helpful_notes}` : step.notes
        await ticketService.updateTicket(db, notifier, staff, id, { helpful_notes: notes.slice(0, 2000) })
      } else if ('staff' in step) {
        await ticketService.addComment(db, notifier, staff, id, step.staff)
      } else if ('reply' in step) {
        await ticketService.addComment(db, notifier, creator, id, step.reply)
      } else if ('confirm' in step) {
        await ticketService.creatorDecision(db, notifier, creator, id, 'confirm')
      } else {
        await ticketService.creatorDecision(db, notifier, creator, id, 'reopen')
      }
    }
    await spreadOverTime(db, id, ticket.daysAgo)
  }

  // The accounts have been around for a while.
  for (const [emails, days] of [
    [[ADMIN.email], 90],
    [MODERATORS.map((m) => m.email), 60],
    [USERS.map((u) => u.email), 30],
  ] as const) {
    await db
      .update(users)
      .set({ createdAt: daysBefore(days), updatedAt: daysBefore(days) })
      .where(inArray(users.email, [...emails]))
  }

  await summarise(db)
}

/** Waits until the workflow has finished (done or failed) for every ticket, or gives up after 3 minutes. */
async function waitForWorkflow(db: Db, ids: string[]): Promise<void> {
  const deadline = Date.now() + 180_000
  for (;;) {
    const unfinished = await db
      .select({ id: tickets.id })
      .from(tickets)
      .where(and(inArray(tickets.id, ids), notInArray(tickets.processingStatus, ['done', 'failed'])))
    if (unfinished.length === 0) return
    if (Date.now() > deadline) {
      console.warn(
        `  ${unfinished.length} ticket(s) still being processed; the server's worker will finish them.`,
      )
      return
    }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

const daysBefore = (days: number, now = Date.now()) => new Date(now - days * 86_400_000)

/**
 * Everything above happened within seconds. Spread each ticket's story back in time so the demo
 * reads like real work: filed `daysAgo` days ago, triaged within minutes, each later step some
 * hours after the one before, all of it finished before now. Only timestamps change; the order of
 * events (their sequence) stays as it happened.
 */
async function spreadOverTime(db: Db, ticketId: string, daysAgo: number): Promise<void> {
  const events = await db
    .select({
      id: ticketEvents.id,
      type: ticketEvents.type,
      actorId: ticketEvents.actorId,
      details: ticketEvents.details,
      createdAt: ticketEvents.createdAt,
    })
    .from(ticketEvents)
    .where(eq(ticketEvents.ticketId, ticketId))
    .orderBy(ticketEvents.seq)
  const now = Date.now()
  // Filed during working hours: 09:00-16:00 on that day.
  const start = daysBefore(daysAgo, now)
  start.setUTCHours(9 + (hash(ticketId) % 7), hash(`${ticketId}m`) % 60, 0, 0)
  if (start.getTime() > now - 3_600_000) start.setTime(now - 3_600_000 - (hash(ticketId) % 1_800_000))
  // Gaps: none within one change (its events share a transaction, so a timestamp), minutes for
  // the system, hours for people.
  const gaps = events.map((event, i) => {
    const previous = events[i - 1]
    if (!previous || previous.createdAt.getTime() === event.createdAt.getTime()) return 0
    if (event.actorId === null) return 60_000 + (hash(`${event.id}`) % 120_000)
    return 3_600_000 + (hash(`${event.id}`) % (6 * 3_600_000))
  })
  const total = gaps.reduce((sum, gap) => sum + gap, 0)
  const room = now - 5 * 60_000 - start.getTime()
  const scale = total > room ? room / total : 1
  let at = start.getTime()
  const times: Date[] = []
  for (const gap of gaps) {
    at += gap * scale
    times.push(new Date(at))
  }
  for (const [i, event] of events.entries()) {
    const time = times[i] as Date
    await db.update(ticketEvents).set({ createdAt: time }).where(eq(ticketEvents.id, event.id))
    const commentId = event.type === 'commented' ? event.details?.comment_id : undefined
    if (typeof commentId === 'string') {
      await db.update(ticketComments).set({ createdAt: time }).where(eq(ticketComments.id, commentId))
    }
  }
  const last = times.at(-1) ?? start
  await db.update(tickets).set({ createdAt: start, updatedAt: last }).where(eq(tickets.id, ticketId))
}

/** A small stable number from a string: the demo's "randomness" is the same on every run. */
function hash(text: string): number {
  let h = 2166136261
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619)
  return h >>> 0
}

async function summarise(db: Db) {
  const rows = await db
    .select({ status: tickets.status, assignedTo: tickets.assignedTo, processing: tickets.processingStatus })
    .from(tickets)
  const byStatus = new Map<string, number>(TICKET_STATUSES.map((status) => [status, 0]))
  for (const row of rows) byStatus.set(row.status, (byStatus.get(row.status) ?? 0) + 1)
  const assigned = rows.filter((r) => r.assignedTo !== null).length
  const triaged = rows.filter((r) => r.processing === 'done').length
  const comments = await db.select({ id: ticketComments.id }).from(ticketComments)
  const events = await db.select({ id: ticketEvents.id }).from(ticketEvents)
  log(
    `Done: ${rows.length} tickets (${[...byStatus].map(([s, n]) => `${n} ${s}`).join(', ')}); ` +
      `${assigned} assigned, ${triaged} triaged; ${comments.length} comments; ${events.length} history events.`,
  )
}

function printLogins() {
  const rows: [string, string, string][] = [
    ['admin', ADMIN.email, PASSWORDS.admin],
    ...MODERATORS.map(
      (m) =>
        [m.active ? 'moderator' : 'moderator (inactive)', m.email, PASSWORDS.moderator] as [
          string,
          string,
          string,
        ],
    ),
    ...USERS.map((u) => ['user', u.email, PASSWORDS.user] as [string, string, string]),
  ]
  const width = Math.max(...rows.map(([, email]) => email.length))
  log('\nDemo logins:')
  for (const [role, email, password] of rows) log(`  ${email.padEnd(width)}  ${password.padEnd(20)}  ${role}`)
  log('\nEmails to the demo addresses are recorded (GET /api/admin/emails) but never sent.')
}

process.exitCode = await main()
