/**
 * Prometheus metrics (prom-client) for one process. Instrumented code imports `metrics` and records;
 * GET /metrics renders `registry`. A private registry, not prom-client's global one, so nothing else
 * that loads prom-client can collide with these names.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client'

export const registry = new Registry()
const registers = [registry]
const started = Date.now()

export const metrics = {
  messages: new Counter({
    name: 'pitwall_messages_total', help: 'Messages stored, by author (customer, bot, staff, system)',
    labelNames: ['author'] as const, registers,
  }),
  handoffs: new Counter({
    name: 'pitwall_handoffs_total', help: 'Conversations handed to staff, by department and priority',
    labelNames: ['department', 'priority'] as const, registers,
  }),
  dbStatements: new Counter({
    name: 'pitwall_db_statements_total', help: 'SQL statements the app sent through drizzle (BEGIN/COMMIT and NOTIFY not included)', registers,
  }),
  sseClients: new Gauge({
    name: 'pitwall_sse_clients', help: 'Open server-sent event streams (rider chats and staff inboxes)', registers,
  }),
  llmDuration: new Histogram({
    name: 'pitwall_llm_request_duration_seconds', help: 'Claude request time, by operation (answer, triage, summary, tags) and outcome',
    labelNames: ['operation', 'outcome'] as const, buckets: [0.25, 0.5, 1, 2, 4, 8, 15, 30, 60], registers,
  }),
  llmErrors: new Counter({
    name: 'pitwall_llm_errors_total', help: 'Claude requests that failed, by operation and reason (timeout, http_<status>, aborted, other)',
    labelNames: ['operation', 'reason'] as const, registers,
  }),
  searchDuration: new Histogram({
    name: 'pitwall_search_duration_seconds', help: 'DMS search time (query understanding, embedding and engine), by engine',
    labelNames: ['engine'] as const, buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers,
  }),
  httpDuration: new Histogram({
    name: 'pitwall_http_request_duration_seconds', help: 'HTTP request time to the response headers, by method, route pattern and status class',
    labelNames: ['method', 'route', 'status'] as const, buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10], registers,
  }),
  rss: new Gauge({
    name: 'pitwall_process_resident_memory_bytes', help: 'Resident set size of the process', registers,
    collect() { this.set(process.memoryUsage.rss()) },
  }),
  uptime: new Gauge({
    name: 'pitwall_process_uptime_seconds', help: 'Seconds since the process started', registers,
    collect() { this.set((Date.now() - started) / 1000) },
  }),
}

/** Why a Claude call failed, in a handful of values (label cardinality stays small). */
export function llmFailureReason(err: unknown): string {
  const e = err as { name?: string; status?: number }
  if (e?.name === 'AbortError' || e?.name === 'APIUserAbortError') return 'aborted'
  if (e?.name === 'TimeoutError' || e?.name === 'APIConnectionTimeoutError') return 'timeout'
  if (typeof e?.status === 'number') return `http_${e.status}`
  return 'other'
}

/** Times one Claude request; a throw counts as an error (and is rethrown). */
export async function timeLlm<T>(operation: 'answer' | 'triage' | 'summary' | 'tags', call: () => Promise<T>): Promise<T> {
  const end = metrics.llmDuration.startTimer({ operation })
  try {
    const r = await call()
    end({ outcome: 'ok' })
    return r
  } catch (err) {
    end({ outcome: 'error' })
    metrics.llmErrors.inc({ operation, reason: llmFailureReason(err) })
    throw err
  }
}
