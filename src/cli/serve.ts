import { loadConfig } from '../config.ts'
import { bootServices } from '../boot.ts'
import { createApp } from '../app.tsx'
import { parseFlags, UsageError, type Command } from './command.ts'

const command: Command = {
  name: 'serve',
  summary: 'Start the web server',
  usage: `Usage: pitwall serve [--port N]

Starts Pitwall: the rider chat at /chat, the staff inbox at /inbox, health at /healthz.
Uses PostgreSQL when DATABASE_URL is set, otherwise PGlite under PITWALL_DATA_DIR (default ./data).
Options:
  --port N   listen on port N (default: PORT or 3000; 0 picks a free port)`,
  async run(argv, io) {
    const { values } = parseFlags(argv, { port: { type: 'string' } }, false)
    if (values.port !== undefined && !/^\d{1,5}$/.test(values.port)) throw new UsageError('--port must be a whole number')
    const config = loadConfig()
    const services = await bootServices(config)
    const app = createApp(services)
    const server = Bun.serve({ fetch: app.fetch, port: values.port !== undefined ? Number(values.port) : config.port, idleTimeout: 30 })
    io.out(`Pitwall listening on http://localhost:${server.port} (${services.database.kind}; chat: /chat, inbox: /inbox)`)
    await new Promise<void>((resolve) => {
      const stop = () => resolve()
      process.once('SIGTERM', stop)
      process.once('SIGINT', stop)
    })
    io.out('Shutting down…')
    // SSE streams never finish on their own: close connections, then the database.
    await server.stop(true)
    await services.close()
    return 0
  },
}
export default command
