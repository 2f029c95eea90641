import { loadConfig } from '../config.ts'
import { bootServices } from '../boot.ts'
import { createApp } from '../app.tsx'
import { parseFlags, UsageError, type Command } from './command.ts'
import { configureLog, log } from '../ops/log.ts'
import { stopServer } from '../ops/shutdown.ts'
import { metricsHandler } from '../routes/ops.ts'

const command: Command = {
  name: 'serve',
  summary: 'Start the web server',
  usage: `Usage: pitwall serve [--port N]

Starts Pitwall: the rider chat at /chat, the staff inbox at /inbox; /healthz (alive), /readyz (ready for
traffic), /metrics (Prometheus; METRICS_TOKEN / METRICS_PORT). Logs are JSON lines on stdout (LOG_LEVEL).
SIGTERM or SIGINT drains: SSE streams are told to reconnect elsewhere, in-flight requests get up to 8 s.
Uses PostgreSQL when DATABASE_URL is set, otherwise PGlite under PITWALL_DATA_DIR (default ./data).
Options:
  --port N   listen on port N (default: PORT or 3000; 0 picks a free port)`,
  async run(argv, io) {
    const { values } = parseFlags(argv, { port: { type: 'string' } }, false)
    if (values.port !== undefined && !/^\d{1,5}$/.test(values.port)) throw new UsageError('--port must be a whole number')
    const config = loadConfig()
    configureLog({ level: config.logLevel })
    const started = performance.now()
    const services = await bootServices(config)
    let draining = false
    const app = createApp(services, { draining: () => draining })
    const server = Bun.serve({ fetch: app.fetch, port: values.port !== undefined ? Number(values.port) : config.port, idleTimeout: config.idleTimeout })
    // Only /metrics, on a port the Fly proxy does not expose (Fly's scraper reaches it over the private network).
    const metricsServer = config.metrics.port
      ? Bun.serve({ port: config.metrics.port, fetch: (req) => (new URL(req.url).pathname === '/metrics' ? metricsHandler() : new Response('Not found', { status: 404 })) })
      : undefined
    io.out(`Pitwall listening on http://localhost:${server.port} (${services.database.kind}; chat: /chat, inbox: /inbox)`)
    log.info('listening', { port: server.port, database: services.database.kind, metricsPort: metricsServer?.port, bootMs: Math.round(performance.now() - started) })
    const signal = await new Promise<string>((resolve) => {
      process.once('SIGTERM', () => resolve('SIGTERM'))
      process.once('SIGINT', () => resolve('SIGINT'))
    })
    draining = true
    io.out('Shutting down…')
    log.info('shutting down', { signal })
    await stopServer(server)
    await metricsServer?.stop(true)
    await services.close()
    return 0
  },
}
export default command
