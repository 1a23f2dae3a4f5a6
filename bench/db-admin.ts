// The throwaway benchmark database: created fresh each run, dropped at the end.
import pg from 'pg'
import { CONNECTION_OPTIONS } from '../src/db/client.js'
import { ADMIN_URL } from './config.js'

/**
 * Runs `work` on one dedicated connection (session state such as setseed must stay on it), with
 * the app's own connection settings, so plans here are the plans the app gets.
 */
export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, options: CONNECTION_OPTIONS })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

// Names come from config.ts, never from input; the check keeps it that way if someone changes that.
function quoteName(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unexpected database name: ${name}`)
  return `"${name}"`
}

export async function recreateDatabase(name: string): Promise<void> {
  await withClient(ADMIN_URL, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${quoteName(name)} WITH (FORCE)`)
    await client.query(`CREATE DATABASE ${quoteName(name)}`)
  })
}

export async function dropDatabase(name: string): Promise<void> {
  await withClient(ADMIN_URL, (client) =>
    client.query(`DROP DATABASE IF EXISTS ${quoteName(name)} WITH (FORCE)`),
  )
}
