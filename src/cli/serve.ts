import { loadConfig } from '../config.ts'
import { bootServices } from '../boot.ts'
import { createApp } from '../app.tsx'
import { parseFlags, UsageError, type Command } from './command.ts'
import { configureLog, log } from '../ops/log.ts'
import { stopServer } from '../ops/shutdown.ts'
import { metricsHandler } from '../routes/ops.ts'
import { parentGone, reportListening, startWorkers, workerNumber } from '../ops/workers.ts'

const command: Command = {
  name: 'serve',
  summary: 'Start the web server',
  usage: `Usage: pitwall serve [--port N]

Starts Pitwall: the rider chat at /chat, the staff inbox at /inbox; /healthz (alive), /readyz (ready for
traffic), /metrics (Prometheus; METRICS_TOKEN / METRICS_PORT). Logs are JSON lines on stdout (LOG_LEVEL).
SIGTERM or SIGINT drains: SSE streams are told to reconnect elsewhere, in-flight requests get up to 8 s.
Uses PostgreSQL when DATABASE_URL is set, otherwise PGlite under PITWALL_DATA_DIR (default ./data).
With PostgreSQL, PITWALL_WORKERS=N (or --workers N) runs N server processes on the same port, one per core.
Options:
  --port N      listen on port N (default: PORT or 3000; 0 picks a free port)
  --workers N   server processes (default: PITWALL_WORKERS or 1; more than 1 needs DATABASE_URL)`,
  async run(argv, io) {
    const { values } = parseFlags(argv, { port: { type: 'string' }, workers: { type: 'string' } }, false)
    if (values.port !== undefined && !/^\d{1,5}$/.test(values.port)) throw new UsageError('--port must be a whole number')
    if (values.workers !== undefined && !/^\d{1,2}$/.test(values.workers)) throw new UsageError('--workers must be a whole number from 1 to 32')
    const worker = workerNumber()
    // A worker is one process of its own; --workers is the first process's business.
    const config = loadConfig(worker ? { ...process.env, PITWALL_WORKERS: '1' } : { ...process.env, ...(values.workers ? { PITWALL_WORKERS: values.workers } : {}) })
    configureLog({ level: config.logLevel, ...(worker ? { fields: { worker } } : {}) })
    const started = performance.now()
    const services = await bootServices(config)
    let draining = false
    const app = createApp(services, { draining: () => draining })
    const shared = config.workers > 1 || worker > 0
    const server = Bun.serve({
      fetch: app.fetch, port: values.port !== undefined ? Number(values.port) : config.port, idleTimeout: config.idleTimeout, reusePort: shared,
    })
    // Only /metrics, on a port the Fly proxy does not expose (Fly's scraper reaches it over the private network).
    // Served by the first process only: each process counts its own requests (README, PITWALL_WORKERS).
    const metricsServer = config.metrics.port && !worker
      ? Bun.serve({ port: config.metrics.port, fetch: (req) => (new URL(req.url).pathname === '/metrics' ? metricsHandler() : new Response('Not found', { status: 404 })) })
      : undefined
    // The workers start once this process has migrated the database and holds the port (port 0 is now a real one).
    const workers = config.workers > 1 ? startWorkers(config.workers - 1, server.port!) : undefined
    if (worker) reportListening()
    // "Listening" means every process is: a client connecting now may land on any of them.
    await workers?.ready
    if (!worker) io.out(`Pitwall listening on http://localhost:${server.port} (${services.database.kind}${config.workers > 1 ? `, ${config.workers} processes` : ''}; chat: /chat, inbox: /inbox)`)
    log.info('listening', { port: server.port, database: services.database.kind, metricsPort: metricsServer?.port, bootMs: Math.round(performance.now() - started) })
    const signal = await new Promise<string>((resolve) => {
      process.once('SIGTERM', () => resolve('SIGTERM'))
      process.once('SIGINT', () => resolve('SIGINT'))
      if (worker) void parentGone().then(() => resolve('parent gone'))
    })
    draining = true
    if (!worker) io.out('Shutting down…')
    log.info('shutting down', { signal })
    await Promise.all([stopServer(server), workers?.stop()])
    await metricsServer?.stop(true)
    await services.close()
    return 0
  },
}
export default command
