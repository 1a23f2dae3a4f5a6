import { defineConfig } from 'drizzle-kit'

// `npm run db:generate` writes a new SQL migration from src/db/schema.ts. Both migrators
// (PGlite and PostgreSQL) apply this one folder.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema.ts',
  out: './src/db/migrations',
})
