// Serves the browser UI built into web/dist (`npm run build:web`) from the API's own origin, so
// the session cookie, the CSRF guard and the CSP's 'self' all just work. Page URLs (/tickets/…)
// answer index.html and the UI routes in the browser; API-ish paths keep the JSON 404 envelope.
import { existsSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance, FastifyRequest } from 'fastify'

export const DEFAULT_DIST_DIR = fileURLToPath(new URL('../../web/dist', import.meta.url))

/** Paths that belong to the API and operations: never the UI, even when a browser asks. */
const NOT_UI = [/^\/api(\/|$)/, /^\/health(\/|$)/, /^\/docs/, /^\/openapi\.json$/, /^\/metrics(\/|$)/]

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Smart Ticket System</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; padding: 0 1rem">
<h1>The web UI is not built yet</h1>
<p>Run <code>npm run build:web</code> (or <code>npm start</code>, which builds it when needed), then reload.</p>
<p>The API is up: see <a href="/docs">/docs</a>.</p>
</body></html>
`

const pathOf = (url: string) => url.split('?')[0] ?? url

/** A browser navigating to a page; fetch() and API clients ask for JSON or anything. */
const wantsPage = (request: FastifyRequest) => (request.headers.accept ?? '').includes('text/html')

export async function registerWebUi(app: FastifyInstance, distDir: string = DEFAULT_DIST_DIR): Promise<void> {
  if (!existsSync(path.join(distDir, 'index.html'))) {
    app.log.warn({ distDir }, 'web UI not built: `/` explains how; run `npm run build:web`')
    app.get('/', { schema: { hide: true } }, async (_request, reply) =>
      reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(NOT_BUILT_PAGE),
    )
    return
  }

  // Vite names every asset after its content hash: a name never gets new content, so browsers
  // may keep them for a year. A missing asset answers the JSON 404 (callNotFound), not HTML.
  await app.register(fastifyStatic, {
    root: path.join(distDir, 'assets'),
    prefix: '/assets/',
    index: false,
    maxAge: '365d',
    immutable: true,
  })

  // Files Vite copies from web/public to the top level (favicon.svg): not hashed, cached briefly.
  const topLevel = new Set(
    readdirSync(distDir, { withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name !== 'index.html')
      .map((entry) => entry.name),
  )

  // Not a route but a hook on requests that found no route: a catch-all route would also catch
  // API paths the router refuses for their own reasons (an over-long id answers 414, not 404).
  app.addHook('onRequest', async (request, reply) => {
    if (!request.is404 || (request.method !== 'GET' && request.method !== 'HEAD')) return
    const urlPath = pathOf(request.url)
    const name = urlPath.slice(1)
    if (topLevel.has(name)) {
      return reply
        .header('cache-control', 'public, max-age=3600')
        .sendFile(name, distDir, { cacheControl: false })
    }
    // `/` is always the app (curl http://127.0.0.1:3000 shows it too); deeper paths only for browsers.
    if (urlPath === '/' || (!NOT_UI.some((re) => re.test(urlPath)) && wantsPage(request))) {
      // Always revalidated: it names the current hashed assets, so a deploy shows at once.
      return reply
        .header('cache-control', 'no-cache')
        .sendFile('index.html', distDir, { cacheControl: false })
    }
    // Anything else goes on to the JSON 404 envelope (src/http/error-handler.ts).
  })
}
