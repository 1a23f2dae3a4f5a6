// /openapi.json is a valid OpenAPI document: code generators and API tools accept it.
import SwaggerParser from '@apidevtools/swagger-parser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestContext, type TestContext } from './helpers/app.js'

describe('GET /openapi.json', () => {
  let ctx: TestContext
  beforeAll(async () => {
    ctx = await createTestContext()
  })
  afterAll(() => ctx.close())

  it('validates as OpenAPI 3.1 (swagger-parser)', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/openapi.json' })
    expect(response.statusCode).toBe(200)
    const document = response.json() as { openapi: string; paths: Record<string, unknown> }
    expect(document.openapi).toBe('3.1.0')
    // validate() dereferences in place: give it its own copy.
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeDefined()
    expect(Object.keys(document.paths)).toContain('/api/tickets')
  })

  it('carries no validator-only keywords (errorMessage) and keeps the contract’s paths', async () => {
    const text = (await ctx.app.inject({ method: 'GET', url: '/openapi.json' })).body
    expect(text).not.toContain('"errorMessage"')
    expect(text).toContain('"/api/users"')
  })
})
