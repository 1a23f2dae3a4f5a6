import { hash, verify } from '@node-rs/argon2'

// argon2id (the library's default algorithm) with its default cost: 19 MiB, 2 passes.
export const hashPassword = (password: string) => hash(password)

// Verifying against this hash when the email is unknown makes "no such user" take as long
// as "wrong password", so response times do not reveal which emails are registered.
const DUMMY_HASH = hash('not-a-real-password-used-for-timing')

export async function verifyPassword(passwordHash: string | undefined, password: string): Promise<boolean> {
  // An account without a password (users.NO_PASSWORD: someone who only wrote to support) takes
  // as long as every other one, and never verifies.
  const usable = passwordHash?.startsWith('$argon2') === true
  try {
    const matches = await verify(usable && passwordHash ? passwordHash : await DUMMY_HASH, password)
    return usable && matches
  } catch {
    return false
  }
}
