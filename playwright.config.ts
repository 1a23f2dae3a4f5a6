// End-to-end tests of the web UI in a real headless Chromium (Debian's /usr/bin/chromium: no
// browser download). The server runs on a free port against a fresh embedded database that
// e2e/serve.mjs creates and removes; nothing is reused between runs. It runs the compiled build
// (dist/, web/dist), rebuilt first when older than the sources.
import { createServer } from 'node:net'
import { defineConfig, devices } from '@playwright/test'
import { ADMIN, INBOUND_TOKEN } from './e2e/accounts.js'

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      )
    })
  })
}

// Workers load this file again: they must see the port the runner chose, so it travels in the environment.
process.env.E2E_PORT ??= String(await freePort())
const port = Number(process.env.E2E_PORT)
const baseURL = `http://127.0.0.1:${port}`

export default defineConfig({
  testDir: 'e2e',
  // 60 s a test: the ones that drive two or three browser contexts (a customer and a moderator)
  // take 20–30 s on the 2-core CI machine while the other worker runs, and 30 s timed one out.
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: 2,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: process.env.CI ? 'line' : 'list',
  outputDir: 'test-results',
  use: {
    baseURL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'] } }],
  webServer: {
    command: 'node scripts/build.mjs --if-stale && node e2e/serve.mjs',
    url: `${baseURL}/health/ready`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'ignore',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      COOKIE_SECURE: 'false',
      AUTH_RATE_LIMIT: '10000',
      TICKET_RATE_LIMIT: '10000',
      COMMENT_RATE_LIMIT: '10000',
      APP_URL: baseURL,
      LOG_LEVEL: 'warn',
      // The relay endpoint, so e2e/email-admin.spec.ts can deliver mail (no SMTP port to collide on).
      INBOUND_TOKEN: INBOUND_TOKEN,
      INBOUND_ADDRESS: 'support@e2e.test',
    },
  },
})
