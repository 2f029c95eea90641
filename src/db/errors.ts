/**
 * Errors that mean "the database is not reachable right now" (a restart, failover or network blip), as opposed
 * to a bad query: callers answer 503 with Retry-After, because the same request will work once it is back.
 */
const UNAVAILABLE_CODES = new Set([
  // sockets (postgres.js passes the Node error through)
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN',
  // postgres.js connection states
  'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT',
  // SQLSTATE: admin_shutdown, crash_shutdown, cannot_connect_now (starting up), too_many_connections
  '57P01', '57P02', '57P03', '53300',
])

export function isDatabaseUnavailable(err: unknown): boolean {
  // drizzle wraps the driver's error in DrizzleQueryError (`cause`); look a few levels down.
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true // 08xxx: connection exception
  }
  return false
}
