import type { InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../src/config.js'
import { type Body, createTestContext, signedInUser, type TestContext, type TestUser } from './helpers/app.js'

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

let ctx: TestContext
let admin: TestUser

beforeAll(async () => {
  ctx = await createTestContext()
  admin = await signedInUser(ctx, 'admin')
})
afterAll(() => ctx.close())

async function send(options: InjectOptions, context: TestContext = ctx) {
  const response = await context.app.inject(options)
  const json = response.headers['content-type']?.toString().startsWith('application/json')
  const body = (json && response.body ? JSON.parse(response.body) : undefined) as Body
  return { status: response.statusCode, body, headers: response.headers, text: response.body }
}

/** The error envelope, exactly: nothing more, nothing less. */
function expectErrorEnvelope(body: Body, statusCode: number, message: string, path: string) {
  expect(body).toMatchObject({ success: false, statusCode, message, path })
  expect(body.timestamp).toMatch(ISO)
  const allowed = ['success', 'statusCode', 'message', 'timestamp', 'path', 'error']
  expect(Object.keys(body).filter((k) => !allowed.includes(k))).toEqual([])
}

describe('health', () => {
  it('GET /health/live answers 200', async () => {
    const { status, body } = await send({ method: 'GET', url: '/health/live' })
    expect(status).toBe(200)
    expect(body).toMatchObject({ success: true, statusCode: 200, data: { status: 'ok' } })
  })

  it('GET /health/ready answers 200 while the database answers', async () => {
    const { status, body } = await send({ method: 'GET', url: '/health/ready' })
    expect(status).toBe(200)
    expect(body).toMatchObject({ success: true, statusCode: 200, data: { status: 'ok' } })
  })

  it('GET /health/ready answers 503 once the database is gone, while /health/live stays 200', async () => {
    const broken = await createTestContext()
    const closeDatabase = broken.database.close.bind(broken.database)
    try {
      await broken.queue.stop()
      await closeDatabase()
      const ready = await send({ method: 'GET', url: '/health/ready' }, broken)
      expect(ready.status).toBe(503)
      expectErrorEnvelope(ready.body, 503, 'Service unavailable', '/health/ready')
      expect(ready.body.error).toBe('the database does not answer')
      expect((await send({ method: 'GET', url: '/health/live' }, broken)).status).toBe(200)
      // A request that needs the database fails cleanly too: no hang, an error envelope.
      const me = await send({ method: 'GET', url: '/api/skills', headers: { cookie: 'sid=x' } }, broken)
      expect(me.status).toBe(401)
    } finally {
      // The database is closed already: let the context's cleanup skip that step.
      Object.assign(broken.database, { close: async () => {} })
      broken.queue.stop = async () => {}
      await broken.close()
      // For PostgreSQL, close() above also dropped the test database; nothing else to undo.
      void closeDatabase
    }
  })
})

describe('GET /metrics', () => {
  const token = 'metrics-token-for-the-tests-0123456789'
  let withToken: TestContext
  beforeAll(async () => {
    withToken = await createTestContext({ METRICS_TOKEN: token })
  })
  afterAll(() => withToken.close())

  it('serves Prometheus text with the request duration histogram per route', async () => {
    await send({ method: 'GET', url: '/health/live' }, withToken)
    await send({ method: 'GET', url: '/no/such/route' }, withToken)
    const { status, headers, text } = await send(
      { method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${token}` } },
      withToken,
    )
    expect(status).toBe(200)
    expect(String(headers['content-type'])).toMatch(/^text\/plain; version=0\.0\.4/)
    expect(text).toContain('# TYPE http_request_duration_seconds histogram')
    expect(text).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="\/health\/live",status_code="200"\} \d+/,
    )
    // Unmatched URLs share one series instead of one per URL.
    expect(text).not.toContain('/no/such/route')
    expect(text).toContain('process_cpu_user_seconds_total')
  })

  it('answers 401 in the envelope without the token or with a wrong one', async () => {
    for (const authorization of [undefined, `Bearer ${token}x`, 'Bearer short', token, `Basic ${token}`]) {
      const { status, body, headers } = await send(
        { method: 'GET', url: '/metrics', headers: authorization === undefined ? {} : { authorization } },
        withToken,
      )
      expect(status, String(authorization)).toBe(401)
      expectErrorEnvelope(body, 401, 'Unauthorized access', '/metrics')
      expect(headers['www-authenticate']).toMatch(/^Bearer/)
    }
  })

  it('answers 404 when no METRICS_TOKEN is configured, whatever the request carries', async () => {
    const { status, body } = await send({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${token}` },
    })
    expect(status).toBe(404)
    expectErrorEnvelope(body, 404, 'Route not found', '/metrics')
  })

  it('refuses a METRICS_TOKEN too short to be a secret', () => {
    expect(() => loadConfig({ METRICS_TOKEN: 'secret' })).toThrow(/METRICS_TOKEN/)
  })
})

describe('API documentation', () => {
  it('GET /openapi.json is an OpenAPI 3 document listing every /api path', async () => {
    const { status, body } = await send({ method: 'GET', url: '/openapi.json' })
    expect(status).toBe(200)
    const doc = body as unknown as {
      openapi: string
      paths: Record<string, Record<string, unknown>>
    }
    expect(doc.openapi).toMatch(/^3\./)
    const paths = Object.keys(doc.paths)
    const expected: Record<string, string[]> = {
      '/api/auth/register': ['post'],
      '/api/auth/login': ['post'],
      '/api/auth/logout': ['post'],
      '/api/auth/me': ['get'],
      '/api/users': ['get', 'post'],
      '/api/users/{id}': ['get', 'patch'],
      '/api/users/{id}/skills': ['put'],
      '/api/skills': ['get', 'post'],
      '/api/skills/{id}': ['patch', 'delete'],
      '/api/tickets': ['get', 'post'],
      '/api/tickets/all': ['get'],
      '/api/tickets/{id}': ['get', 'patch', 'delete'],
      '/api/tickets/{id}/comments': ['get', 'post'],
      '/api/tickets/{id}/history': ['get'],
      '/api/tickets/{id}/confirm': ['post'],
      '/api/tickets/{id}/reopen': ['post'],
      '/api/admin/emails': ['get'],
      '/health/live': ['get'],
      '/health/ready': ['get'],
    }
    for (const [path, methods] of Object.entries(expected)) {
      expect(paths, path).toContain(path)
      for (const method of methods)
        expect(Object.keys(doc.paths[path] ?? {}), `${method} ${path}`).toContain(method)
    }
    // Every route the app serves under /api is documented, written as the contract writes it.
    for (const path of paths) expect(path).not.toMatch(/.\/$/)
    // Internal endpoints stay out of the document.
    expect(paths).not.toContain('/metrics')
    expect(paths).not.toContain('/openapi.json')
  })

  it('GET /docs serves the Swagger UI page', async () => {
    const { status, headers, text } = await send({ method: 'GET', url: '/docs' })
    expect(status).toBe(200)
    expect(String(headers['content-type'])).toMatch(/^text\/html/)
    expect(text).toMatch(/swagger-ui/i)
  })
})

describe('errors always come in the envelope, never as a 500', () => {
  it('an unknown route answers 404', async () => {
    const { status, body } = await send({ method: 'GET', url: '/api/nothing-here?x=1' })
    expect(status).toBe(404)
    expectErrorEnvelope(body, 404, 'Route not found', '/api/nothing-here')
    expect(body.error).toBe('GET /api/nothing-here does not exist')
    const wrongMethod = await send({ method: 'PUT', url: '/api/skills', headers: { cookie: admin.cookie } })
    expect(wrongMethod.status).toBe(404)
  })

  it('a body that is not valid JSON answers 400', async () => {
    const { status, body } = await send({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"email": "a@b.c", ',
    })
    expect(status).toBe(400)
    expectErrorEnvelope(body, 400, 'Bad request', '/api/auth/login')
    expect(body.error).toBe('request body is not valid JSON')
  })

  it('a body over 1 MB answers 413', async () => {
    const { status, body } = await send({
      method: 'POST',
      url: '/api/skills',
      headers: { cookie: admin.cookie, 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'Big', description: 'x'.repeat(1024 * 1024) }),
    })
    expect(status).toBe(413)
    expectErrorEnvelope(body, 413, 'Payload too large', '/api/skills')
  })

  it.each([
    ['text/plain', '{"email":"a@example.com","password":"whatever123"}'],
    ['application/x-www-form-urlencoded', 'email=a%40example.com&password=whatever123'],
    ['application/xml', '<login/>'],
  ])('a %s body answers 415', async (contentType, payload) => {
    const { status, body } = await send({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': contentType },
      payload,
    })
    expect(status).toBe(415)
    expectErrorEnvelope(body, 415, 'Unsupported media type', '/api/auth/login')
    expect(body.error).toBe('send the request body as application/json')
  })

  it('a NUL character anywhere in the input answers 400', async () => {
    const inBody = await send({
      method: 'POST',
      url: '/api/skills',
      headers: { cookie: admin.cookie },
      payload: { name: 'Null\u0000Byte' },
    })
    expect(inBody.status).toBe(400)
    expectErrorEnvelope(inBody.body, 400, 'Bad request', '/api/skills')
    expect(inBody.body.error).toBe('name must not contain NUL characters')

    const nested = await send({
      method: 'POST',
      url: '/api/skills',
      headers: { cookie: admin.cookie },
      payload: { name: 'Nested', keywords: ['fine', 'bad\u0000'] },
    })
    expect(nested.status).toBe(400)
    expect(nested.body.error).toBe('keywords[1] must not contain NUL characters')

    const inQuery = await send({
      method: 'GET',
      url: '/api/users?q=a%00b',
      headers: { cookie: admin.cookie },
    })
    expect(inQuery.status).toBe(400)
    expect(inQuery.body.error).toBe('q must not contain NUL characters')

    const inPath = await send({ method: 'GET', url: '/api/users/%00', headers: { cookie: admin.cookie } })
    expect(inPath.status).toBe(400)
  })

  it('a body that is JSON but not an object answers 400', async () => {
    for (const payload of ['null', '[]', '"text"', '42']) {
      const { status, body } = await send({
        method: 'POST',
        url: '/api/skills',
        headers: { cookie: admin.cookie, 'content-type': 'application/json' },
        payload,
      })
      expect(status, payload).toBe(400)
      expect(body.error).toBe('request body must be a JSON object')
    }
  })

  it('deeply nested JSON answers 400 (no stack overflow), a long flat array is handled', async () => {
    const json = { cookie: admin.cookie, 'content-type': 'application/json' }
    const deep = await send({
      method: 'POST',
      url: '/api/skills',
      headers: json,
      payload: `{"name":"Deep","keywords":${'['.repeat(20_000)}${']'.repeat(20_000)}}`,
    })
    expect(deep.status).toBe(400)
    expectErrorEnvelope(deep.body, 400, 'Bad request', '/api/skills')
    expect(deep.body.error).toBe('request body is nested too deeply')

    const wide = await send({
      method: 'POST',
      url: '/api/skills',
      headers: json,
      payload: `{"name":"Wide","keywords":[${Array(400_000).fill('0').join(',')}]}`,
    })
    expect(wide.status).toBe(400)
    expect(wide.body.error).toBe('keywords cannot have more than 50 items')
  })

  it('a route that needs a body answers 400 for an empty one', async () => {
    const { status, body } = await send({
      method: 'POST',
      url: '/api/skills',
      headers: { cookie: admin.cookie, 'content-type': 'application/json' },
      payload: '',
    })
    expect(status).toBe(400)
    expectErrorEnvelope(body, 400, 'Bad request', '/api/skills')
  })

  it('a URL that does not decode answers 400, an over-long path parameter 414', async () => {
    const badUrl = await send({
      method: 'GET',
      url: '/api/users/%E0%A4%A',
      headers: { cookie: admin.cookie },
    })
    expect(badUrl.status).toBe(400)
    expectErrorEnvelope(badUrl.body, 400, 'Bad request', '/api/users/%E0%A4%A')
    expect(badUrl.headers['x-request-id']).toBeDefined()

    const longParam = await send({
      method: 'GET',
      url: `/api/users/${'a'.repeat(500)}`,
      headers: { cookie: admin.cookie },
    })
    expect(longParam.status).toBe(414)
    expect(longParam.body).toMatchObject({ success: false, statusCode: 414, message: 'URI too long' })
  })

  it('hostile and malformed inputs never produce a 500', async () => {
    const h = { cookie: admin.cookie }
    const json = { ...h, 'content-type': 'application/json' }
    const requests: InjectOptions[] = [
      {
        method: 'POST',
        url: '/api/skills',
        headers: json,
        payload: '{"__proto__":{"admin":true},"name":"pp"}',
      },
      { method: 'POST', url: '/api/skills', headers: json, payload: '{"constructor":{"prototype":{"x":1}}}' },
      {
        method: 'POST',
        url: '/api/skills',
        headers: { ...json, 'content-length': '3' },
        payload: '{"name":"abc"}',
      },
      { method: 'POST', url: '/api/skills', headers: json, payload: '{"name":"\\ud800\\udfff\\ud800"}' },
      { method: 'POST', url: '/api/skills', headers: json, payload: '{"name":{"$gt":""}}' },
      { method: 'POST', url: '/api/skills', headers: json, payload: `{"name":"${'['.repeat(10)}"}` },
      {
        method: 'POST',
        url: '/api/skills',
        headers: json,
        payload: `${'['.repeat(5000)}${']'.repeat(5000)}`,
      },
      {
        method: 'POST',
        url: '/api/skills',
        headers: { ...h, 'content-type': 'application/json; charset=utf-16' },
      },
      { method: 'POST', url: '/api/skills', headers: { ...h, 'content-type': ';;;' }, payload: '{}' },
      { method: 'GET', url: '/api/users?page=99999999999999999999', headers: h },
      { method: 'GET', url: '/api/users?page=1e3&limit=1.5', headers: h },
      { method: 'GET', url: '/api/users?q=%E0%A4%A', headers: h },
      { method: 'GET', url: `/api/users?q=${'x'.repeat(300)}`, headers: h },
      { method: 'GET', url: '/api/users?role[]=admin', headers: h },
      { method: 'GET', url: '/api/users/00000000-0000-0000-0000-00000000000g', headers: h },
      { method: 'PATCH', url: '/api/users/%20', headers: h, payload: { name: 'x' } },
      {
        method: 'PUT',
        url: `/api/users/${admin.id}/skills`,
        headers: h,
        payload: { skills: [{ skill: "'; DROP TABLE skills; --", proficiency: 1 }] },
      },
      { method: 'GET', url: '/api/auth/me', headers: { cookie: `sid=${'%'.repeat(50)}` } },
      { method: 'GET', url: '/api/auth/me', headers: { cookie: 'sid=' } },
      { method: 'POST', url: '/api/auth/login', payload: { email: ['a@b.c'], password: 'x' } },
      { method: 'POST', url: '/api/auth/login', payload: { email: 'a@b.c', password: { toString: 'x' } } },
      { method: 'DELETE', url: '/api/skills/..%2F..%2Fetc', headers: h },
      { method: 'GET', url: '/docs/static/..%2f..%2fpackage.json' },
    ]
    for (const request of requests) {
      const { status, body } = await send(request)
      const label = `${request.method} ${request.url} ${String(request.payload ?? '').slice(0, 40)}`
      expect(status, label).toBeLessThan(500)
      if (status >= 400 && body) expect(body.success, label).toBe(false)
    }
  })
})

describe('CSRF guard', () => {
  const login = (headers: Record<string, string>) =>
    send({
      method: 'POST',
      url: '/api/auth/login',
      headers,
      payload: { email: 'nobody@example.com', password: 'whatever123' },
    })

  it('refuses a state-changing request from another origin with 403', async () => {
    const { status, body } = await login({ origin: 'https://evil.example' })
    expect(status).toBe(403)
    expectErrorEnvelope(body, 403, 'Forbidden - cross-origin request refused', '/api/auth/login')

    const withSession = await send({
      method: 'POST',
      url: '/api/skills',
      headers: { cookie: admin.cookie, origin: 'https://evil.example' },
      payload: { name: 'Planted by evil' },
    })
    expect(withSession.status).toBe(403)
    const list = await send({ method: 'GET', url: '/api/skills', headers: { cookie: admin.cookie } })
    expect(list.body.data.some((s) => s.name === 'Planted by evil')).toBe(false)
  })

  it('refuses "Origin: null" and a cross-site Sec-Fetch-Site without Origin', async () => {
    expect((await login({ origin: 'null' })).status).toBe(403)
    expect((await login({ 'sec-fetch-site': 'cross-site' })).status).toBe(403)
  })

  it('lets APP_URL, its loopback names (APP_URL unset) and requests without Origin through', async () => {
    expect((await login({ origin: ctx.config.appUrl })).status).toBe(401)
    expect((await login({ origin: `http://localhost:${ctx.config.port}` })).status).toBe(401)
    expect((await login({})).status).toBe(401)
    expect((await login({ 'sec-fetch-site': 'same-origin' })).status).toBe(401)
  })

  it("never trusts an origin because the request's own Host header names it", async () => {
    expect((await login({ host: 'evil.example', origin: 'http://evil.example' })).status).toBe(403)
    // inject's Host is localhost:80: not a configured origin.
    expect((await login({ origin: 'http://localhost:80' })).status).toBe(403)
  })

  it('with APP_URL set, trusts that origin and CORS_ORIGINS only', async () => {
    const configured = await createTestContext({
      APP_URL: 'https://help.example.com/',
      CORS_ORIGINS: 'https://app.example.com',
    })
    try {
      const attempt = (origin: string) =>
        send(
          {
            method: 'POST',
            url: '/api/auth/login',
            headers: { origin, host: new URL(origin).host },
            payload: { email: 'nobody@example.com', password: 'whatever123' },
          },
          configured,
        )
      expect((await attempt('https://help.example.com')).status).toBe(401)
      expect((await attempt('https://app.example.com')).status).toBe(401)
      expect((await attempt('http://localhost:3000')).status).toBe(403)
      expect((await attempt('http://help.example.com')).status).toBe(403)
    } finally {
      await configured.close()
    }
  })

  it('does not block safe methods from another origin', async () => {
    const { status } = await send({
      method: 'GET',
      url: '/health/live',
      headers: { origin: 'https://evil.example' },
    })
    expect(status).toBe(200)
  })
})

describe('CORS', () => {
  it('sends no CORS headers by default', async () => {
    const { headers } = await send({
      method: 'GET',
      url: '/health/live',
      headers: { origin: 'https://app.example.com' },
    })
    expect(headers['access-control-allow-origin']).toBeUndefined()
    expect(headers['access-control-allow-credentials']).toBeUndefined()
  })

  describe('with CORS_ORIGINS', () => {
    let cors: TestContext
    let corsAdmin: TestUser
    beforeAll(async () => {
      cors = await createTestContext({ CORS_ORIGINS: 'https://app.example.com/, https://other.example.com' })
      corsAdmin = await signedInUser(cors, 'admin')
    })
    afterAll(() => cors.close())

    it('allows a listed origin with credentials, and no other', async () => {
      const allowed = await send(
        { method: 'GET', url: '/health/live', headers: { origin: 'https://app.example.com' } },
        cors,
      )
      expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example.com')
      expect(allowed.headers['access-control-allow-credentials']).toBe('true')
      expect(String(allowed.headers['access-control-expose-headers'])).toMatch(/x-request-id/i)

      const other = await send(
        { method: 'GET', url: '/health/live', headers: { origin: 'https://evil.example' } },
        cors,
      )
      expect(other.headers['access-control-allow-origin']).toBeUndefined()
    })

    it('answers a preflight for every method the API uses', async () => {
      for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
        const { status, headers } = await send(
          {
            method: 'OPTIONS',
            url: '/api/skills',
            headers: {
              origin: 'https://other.example.com',
              'access-control-request-method': method,
              'access-control-request-headers': 'content-type',
            },
          },
          cors,
        )
        expect(status).toBeLessThan(300)
        expect(headers['access-control-allow-origin']).toBe('https://other.example.com')
        expect(String(headers['access-control-allow-methods'])).toContain(method)
        expect(String(headers['access-control-allow-headers']).toLowerCase()).toContain('content-type')
      }
    })

    it('lets a listed origin change state past the CSRF guard', async () => {
      const { status } = await send(
        {
          method: 'POST',
          url: '/api/skills',
          headers: { cookie: corsAdmin.cookie, origin: 'https://app.example.com' },
          payload: { name: 'From the SPA' },
        },
        cors,
      )
      expect(status).toBe(201)
      const refused = await send(
        {
          method: 'POST',
          url: '/api/skills',
          headers: { cookie: corsAdmin.cookie, origin: 'https://evil.example' },
          payload: { name: 'From elsewhere' },
        },
        cors,
      )
      expect(refused.status).toBe(403)
    })
  })
})

describe('response headers', () => {
  it('carries the security headers (helmet) on API answers and errors', async () => {
    for (const url of ['/health/live', '/api/auth/me', '/nowhere']) {
      const { headers } = await send({ method: 'GET', url })
      expect(headers['x-content-type-options'], url).toBe('nosniff')
      expect(headers['x-frame-options'], url).toBe('SAMEORIGIN')
      expect(String(headers['content-security-policy']), url).toContain("default-src 'self'")
      // APP_URL is plain http here: no HSTS, no upgrade-insecure-requests.
      expect(headers['strict-transport-security'], url).toBeUndefined()
      expect(String(headers['content-security-policy']), url).not.toContain('upgrade-insecure-requests')
      expect(headers['referrer-policy'], url).toBe('no-referrer')
      expect(headers['x-powered-by'], url).toBeUndefined()
    }
  })

  it('adds HSTS and upgrade-insecure-requests when the app is served over HTTPS', async () => {
    const https = await createTestContext({ APP_URL: 'https://help.example.com' })
    try {
      const { headers } = await send({ method: 'GET', url: '/health/live' }, https)
      expect(headers['strict-transport-security']).toContain('max-age=')
      expect(String(headers['content-security-policy'])).toContain('upgrade-insecure-requests')
    } finally {
      await https.close()
    }
  })

  it('echoes X-Request-Id, or makes one up', async () => {
    const echoed = await send({
      method: 'GET',
      url: '/health/live',
      headers: { 'x-request-id': 'trace-abc-123' },
    })
    expect(echoed.headers['x-request-id']).toBe('trace-abc-123')
    const onError = await send({ method: 'GET', url: '/nowhere', headers: { 'x-request-id': 'trace-err-1' } })
    expect(onError.status).toBe(404)
    expect(onError.headers['x-request-id']).toBe('trace-err-1')
    const made = await send({ method: 'GET', url: '/health/live' })
    expect(String(made.headers['x-request-id'])).toMatch(UUID)
    const other = await send({ method: 'GET', url: '/health/live' })
    expect(other.headers['x-request-id']).not.toBe(made.headers['x-request-id'])
  })

  it('replaces an X-Request-Id that is not a short token', async () => {
    expect(
      (await send({ method: 'GET', url: '/health/live', headers: { 'x-request-id': 'a'.repeat(64) } }))
        .headers['x-request-id'],
    ).toBe('a'.repeat(64))
    for (const given of ['a'.repeat(65), 'has space', '<script>alert(1)</script>', 'a"b', '']) {
      const { headers } = await send({
        method: 'GET',
        url: '/health/live',
        headers: { 'x-request-id': given },
      })
      expect(String(headers['x-request-id']), given).toMatch(UUID)
    }
  })
})

describe('Cache-Control', () => {
  it('is no-store on API, auth and operations answers, errors included', async () => {
    const answers = [
      await send({ method: 'GET', url: '/api/tickets', headers: { cookie: admin.cookie } }),
      await send({ method: 'GET', url: '/api/auth/me', headers: { cookie: admin.cookie } }),
      await send({ method: 'GET', url: '/api/auth/me' }),
      await send({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: 'x@example.com', password: 'nope' },
      }),
      await send({ method: 'GET', url: '/api/nowhere' }),
      await send({ method: 'GET', url: '/health/ready' }),
    ]
    for (const { status, headers } of answers)
      expect(headers['cache-control'], String(status)).toBe('no-store')
  })

  it('leaves the UI page its own caching', async () => {
    const page = await send({ method: 'GET', url: '/', headers: { accept: 'text/html' } })
    expect(page.headers['cache-control']).toBe('no-cache')
  })
})

describe('ADMIN_PASSWORD', () => {
  it('is held to the password rule (8-128 characters): the server refuses to start otherwise', () => {
    const admin = (password: string) => () =>
      loadConfig({ ADMIN_EMAIL: 'boss@example.com', ADMIN_PASSWORD: password })
    expect(admin('short')).toThrow('Invalid configuration: ADMIN_PASSWORD must be at least 8 characters long')
    expect(admin('p'.repeat(129))).toThrow(
      'Invalid configuration: ADMIN_PASSWORD cannot exceed 128 characters',
    )
    expect(
      loadConfig({ ADMIN_EMAIL: 'boss@example.com', ADMIN_PASSWORD: 'long enough' }).admin?.password,
    ).toBe('long enough')
  })
})
