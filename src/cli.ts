// Operator commands: `npm run cli -- <command> [--flag value …]`.
//   user:create --email E --password P [--role user|moderator|admin] [--name N]
//   db:migrate
import { parseArgs } from 'node:util'
import { USER_ROLES, type UserRole } from './db/schema.js'
import { AppError } from './errors.js'
import { createUser } from './modules/users/user.service.js'
import { openRuntime } from './runtime.js'

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
    console.log('database is up to date')
    return 0
  }
  if (command === 'user:create') {
    const role = (values.role ?? 'user') as UserRole
    if (!values.email || !values.password || !USER_ROLES.includes(role)) {
      console.error(USAGE)
      return 2
    }
    if (values.password.length < 8 || values.password.length > 128) {
      console.error('password must be 8-128 characters')
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
      console.log(`created ${user.role} ${user.email} (${user.id})`)
      return 0
    } catch (error) {
      if (error instanceof AppError) {
        console.error(error.message)
        return 1
      }
      throw error
    } finally {
      await database.close()
    }
  }
  console.error(USAGE)
  return 2
}

process.exitCode = await main()
