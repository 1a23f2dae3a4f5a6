// Child process: the yardstick for the GET endpoints. The same Fastify, one route, a small JSON
// object, no plugins, no database: what this machine and load generator can do at best.
import Fastify from 'fastify'
import { serveOverIpc } from './ipc.js'

const app = Fastify({ logger: false })
app.get('/', async () => ({ hello: 'world' }))

await serveOverIpc(app, () => app.close())
