// Operator commands: `npm run cli -- <command> [--flag value …]`.
//   user:create --email E --password P [--role user|moderator|admin] [--name N]
//   db:migrate
import { parseArgs } from 'node:util'
import { USER_ROLES, type UserRole } from './db/schema.js'
import { AppError } from './errors.js'
import { createUser } from './modules/users/user.service.js'
import { openRuntime } from './runtime.js'

// A command-line tool's output is its interface, not a log: plain lines on stdout and stderr.
const say = (line: string) => process.stdout.write(`${line}\n`)
const complain = (line: string) => process.stderr.write(`${line}\n`)

const USAGE = `usage:
  npm run cli -- user:create --email EMAIL --password PASSWORD [--role user|moderator|admin] [--name NAME]
  npm run cli -- db:migrate`

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2)
  const { values } = parseArgs({
    args: rest,
    options: {
      email: { type: 'string' },
      password: { type: 'string' },
      role: { type: 'string' },
      name: { type: 'string' },
    },
  })
  if (command === 'db:migrate') {
    const { database } = await openRuntime()
    await database.close()
    say('database is up to date')
    return 0
  }
  if (command === 'user:create') {
    const role = (values.role ?? 'user') as UserRole
    if (!values.email || !values.password || !USER_ROLES.includes(role)) {
      complain(USAGE)
      return 2
    }
    if (values.password.length < 8 || values.password.length > 128) {
      complain('password must be 8-128 characters')
      return 2
    }
    const { database } = await openRuntime()
    try {
      const user = await createUser(database.db, {
        email: values.email,
        password: values.password,
        name: values.name,
        role,
      })
      say(`created ${user.role} ${user.email} (${user.id})`)
      return 0
    } catch (error) {
      if (error instanceof AppError) {
        complain(error.message)
        return 1
      }
      throw error
    } finally {
      await database.close()
    }
  }
  complain(USAGE)
  return 2
}

process.exitCode = await main()
