// PostgreSQL error codes (SQLSTATE) the app reacts to. drizzle wraps driver errors, so the
// code may sit on the error or on its cause.
export function pgErrorCode(error: unknown): string | undefined {
  let current: unknown = error
  for (let depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code
    current = (current as { cause?: unknown }).cause
  }
  return undefined
}

export const isUniqueViolation = (error: unknown) => pgErrorCode(error) === '23505'

/** Serialization failures and deadlocks: the transaction did nothing and can simply run again. */
export const isRetryableConflict = (error: unknown) => {
  const code = pgErrorCode(error)
  return code === '40001' || code === '40P01'
}
