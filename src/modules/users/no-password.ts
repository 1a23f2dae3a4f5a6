/**
 * Stands in users.password_hash (NOT NULL) for a person who has never set a password: not an
 * argon2 string, so no password ever verifies against it; a password reset replaces it.
 */
export const NO_PASSWORD = '!no-password'

/** Someone who only wrote to support: they sign in after choosing a password (forgot password). */
export const hasNoPassword = (user: { passwordHash: string }) => user.passwordHash === NO_PASSWORD
