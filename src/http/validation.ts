// Turns an ajv validation error into the one-line `error` the spec shows, e.g.
// "title must be at least 5 characters long". A schema can override the wording with
// `errorMessage` (a string, or one string per failing keyword).
import { Ajv, type Options } from 'ajv'
import addFormatsModule from 'ajv-formats'
import type { FastifyInstance } from 'fastify'
import type { FastifySchemaValidationError } from 'fastify/types/schema.js'

// ajv-formats is CommonJS with a default export; under NodeNext it arrives as the module object.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default

type Messages = string | Partial<Record<string, string>>

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'a boolean',
  array: 'an array',
  object: 'an object',
  null: 'null',
}

const FORMAT_NAMES: Record<string, string> = {
  email: 'email address',
  uuid: 'UUID',
  'date-time': 'date-time',
}

function fieldName(error: FastifySchemaValidationError, context: string): string {
  const params = error.params as Record<string, unknown>
  const segments = error.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
  if (error.keyword === 'required' && typeof params.missingProperty === 'string') {
    segments.push(params.missingProperty)
  }
  if (segments.length === 0) return context === 'body' ? 'request body' : context
  return segments.reduce((name, s) => (/^\d+$/.test(s) ? `${name}[${s}]` : name ? `${name}.${s}` : s), '')
}

function customMessage(error: FastifySchemaValidationError): string | undefined {
  const parent = (error as { parentSchema?: { errorMessage?: Messages } }).parentSchema
  const messages = parent?.errorMessage
  if (typeof messages === 'string') return messages
  return messages?.[error.keyword]
}

function defaultMessage(error: FastifySchemaValidationError, field: string): string {
  const p = error.params as Record<string, unknown>
  switch (error.keyword) {
    case 'required':
      return `${field} is required`
    case 'minLength':
      return p.limit === 1
        ? `${field} must not be empty`
        : `${field} must be at least ${p.limit} characters long`
    case 'maxLength':
      return `${field} cannot exceed ${p.limit} characters`
    case 'type': {
      const type = String(p.type).split(',')[0] ?? ''
      return field === 'request body'
        ? 'request body must be a JSON object'
        : `${field} must be ${TYPE_NAMES[type] ?? type}`
    }
    case 'enum':
      return `${field} must be one of: ${(p.allowedValues as unknown[]).join(', ')}`
    case 'const':
      return `${field} must be ${JSON.stringify(p.allowedValue)}`
    case 'format':
      return `${field} must be a valid ${FORMAT_NAMES[String(p.format)] ?? String(p.format)}`
    case 'minimum':
      return `${field} must be at least ${p.limit}`
    case 'maximum':
      return `${field} cannot exceed ${p.limit}`
    case 'minItems':
      return `${field} must have at least ${p.limit} items`
    case 'maxItems':
      return `${field} cannot have more than ${p.limit} items`
    case 'uniqueItems':
      return `${field} must not contain duplicates`
    case 'additionalProperties':
      return `property ${String(p.additionalProperty)} should not exist`
    case 'minProperties':
      return `${field} must not be empty`
    default:
      return `${field} is invalid`
  }
}

/** The message for the first failed rule; a failed rule that carries its own wording wins. */
export function validationMessage(errors: FastifySchemaValidationError[], context: string): string {
  const chosen = errors.find((e) => customMessage(e) !== undefined) ?? errors[0]
  if (!chosen) return 'request is invalid'
  const field = fieldName(chosen, context)
  const custom = customMessage(chosen)
  if (custom !== undefined) return custom
  // ajv reports a missing body against the body schema's own `type: object`.
  return defaultMessage(chosen, field)
}

// Two validators. Query strings and path params arrive as text, so they are coerced ("2" → 2).
// JSON bodies are not: a number where a string belongs is the client's mistake, not "12345".
// Neither removes unknown properties silently: a schema with additionalProperties: false answers
// 400 "property x should not exist", so a client sending a field we ignore finds out.
const ajvOptions: Options = {
  allErrors: false,
  verbose: true,
  useDefaults: true,
  removeAdditional: false,
  addUsedSchema: false,
  keywords: ['errorMessage'],
}

function makeAjv(coerceTypes: 'array' | false): Ajv {
  const ajv = new Ajv({ ...ajvOptions, coerceTypes })
  addFormats(ajv)
  return ajv
}

export function registerValidators(app: FastifyInstance): void {
  const bodyAjv = makeAjv(false)
  const textAjv = makeAjv('array')
  app.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === 'body' ? bodyAjv : textAjv).compile(schema),
  )
}
