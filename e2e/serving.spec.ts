// How the server hands out the UI (src/http/web.ts): the SPA fallback, caching, the CSP, and the
// JSON 404 envelope that everything else keeps.
import { expect, test } from '@playwright/test'

const html = { accept: 'text/html,application/xhtml+xml' }

test('pages get index.html, revalidated, under a CSP that needs no inline script', async ({ request }) => {
  for (const path of ['/', '/login', '/tickets/some-id', '/admin/users']) {
    const response = await request.get(path, { headers: html })
    expect(response.status(), path).toBe(200)
    expect(response.headers()['content-type'], path).toMatch(/^text\/html/)
    expect(response.headers()['cache-control'], path).toBe('no-cache')
    expect(response.headers()['content-security-policy'], path).toContain("script-src 'self'")
    const body = await response.text()
    // Every script is a file of our own: the CSP allows nothing inline.
    const scripts = [...body.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)]
    expect(scripts.length, path).toBeGreaterThan(0)
    for (const [tag, inline] of scripts) {
      expect(tag, path).toMatch(/src="\/assets\/[^"]+\.js"/)
      expect(inline?.trim(), path).toBe('')
    }
  }
})

test('hashed assets are immutable for a year; a missing one is a JSON 404', async ({ request }) => {
  const index = await (await request.get('/', { headers: html })).text()
  const script = index.match(/src="(\/assets\/[^"]+\.js)"/)?.[1]
  const style = index.match(/href="(\/assets\/[^"]+\.css)"/)?.[1]
  for (const asset of [script, style]) {
    expect(asset).toBeDefined()
    const response = await request.get(asset ?? '')
    expect(response.status()).toBe(200)
    expect(response.headers()['cache-control']).toBe('public, max-age=31536000, immutable')
  }
  const missing = await request.get('/assets/nothing-here.js', { headers: html })
  expect(missing.status()).toBe(404)
  expect(await missing.json()).toMatchObject({ success: false, statusCode: 404 })
})

test('API paths, non-page requests and other methods keep the JSON 404 envelope', async ({ request }) => {
  const cases = [
    request.get('/api/nothing-here', { headers: html }),
    request.get('/health/nothing', { headers: html }),
    request.get('/docs-nothing', { headers: html }),
    request.get('/metrics/nothing', { headers: html }),
    request.get('/some/page', { headers: { accept: 'application/json' } }),
    request.post('/tickets', { headers: html }),
  ]
  for (const response of await Promise.all(cases)) {
    expect(response.status(), response.url()).toBe(404)
    expect(await response.json(), response.url()).toMatchObject({
      success: false,
      statusCode: 404,
      message: 'Route not found',
    })
  }
})
