/** The admin the e2e server creates at start (ADMIN_EMAIL / ADMIN_PASSWORD in playwright.config.ts). */
export const ADMIN = { email: 'admin@e2e.test', password: 'admin-password-e2e' }

/** Every account the tests create uses this password. */
export const PASSWORD = 'correct-horse-battery'
/** The e2e server's INBOUND_TOKEN: specs deliver mail through POST /api/inbound/email. */
export const INBOUND_TOKEN = 'e2e-inbound-token-0123456789'
