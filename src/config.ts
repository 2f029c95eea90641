import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { randomBytes } from 'node:crypto'
import * as v from 'valibot'

/** The only module that reads process.env. */
const optionalString = v.optional(v.pipe(v.string(), v.trim(), v.minLength(1)))
const url = (name: string) =>
  v.optional(v.pipe(v.string(), v.trim(), v.url(`${name} must be a URL such as http://host:port`)))

/** A whole number of requests or streams; 0 turns the limit off. */
const count = (name: string, fallback: string) => v.optional(v.pipe(
  v.string(), v.regex(/^\d{1,7}$/, `${name} must be a whole number (0 turns the limit off)`), v.transform(Number),
), fallback)

const EnvSchema = v.object({
  PORT: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d{1,5}$/, 'PORT must be a whole number from 0 to 65535'),
      v.transform(Number),
      v.maxValue(65535, 'PORT must be a whole number from 0 to 65535'),
    ),
    '3000',
  ),
  DATABASE_URL: v.optional(
    v.pipe(v.string(), v.trim(), v.regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must start with postgres:// or postgresql://')),
  ),
  DIRECT_DATABASE_URL: v.optional(
    v.pipe(v.string(), v.trim(), v.regex(/^postgres(ql)?:\/\//, 'DIRECT_DATABASE_URL must start with postgres:// or postgresql://')),
  ),
  PITWALL_DATA_DIR: v.optional(v.pipe(v.string(), v.trim(), v.minLength(1)), './data'),
  PITWALL_RULES: optionalString,
  PITWALL_STORE: v.optional(v.pipe(v.string(), v.regex(/^[a-z0-9-]{1,40}$/, 'PITWALL_STORE must be lowercase letters, digits and dashes')), 'demo'),
  MEILI_URL: url('MEILI_URL'),
  MEILI_KEY: optionalString,
  ANTHROPIC_API_KEY: optionalString,
  ANTHROPIC_BASE_URL: url('ANTHROPIC_BASE_URL'),
  CLAUDE_MODEL_FAST: v.optional(v.pipe(v.string(), v.minLength(1)), 'claude-haiku-5-5'),
  CLAUDE_MODEL_SMART: v.optional(v.pipe(v.string(), v.minLength(1)), 'claude-sonnet-5-5'),
  PUBLIC_URL: url('PUBLIC_URL'),
  SESSION_SECRET: v.optional(v.pipe(v.string(), v.minLength(32, 'SESSION_SECRET must be at least 32 characters'))),
  WIDGET_ALLOWED_ORIGINS: v.optional(v.pipe(
    v.string(), v.trim(),
    v.regex(/^(\*|https?:\/\/[^\s,]+(\s*,\s*https?:\/\/[^\s,]+)*)$/, 'WIDGET_ALLOWED_ORIGINS must be * or a comma-separated list of origins such as https://dealer.com'),
  ), '*'),
  LOG_LEVEL: v.optional(v.picklist(['debug', 'info', 'warn', 'error', 'silent'], 'LOG_LEVEL must be one of debug, info, warn, error, silent'), 'info'),
  SMTP_URL: v.optional(v.pipe(v.string(), v.trim(), v.regex(/^smtps?:\/\/[^\s]+$/, 'SMTP_URL must look like smtp://user:pass@host:587 or smtps://host:465'))),
  SMTP_FROM: v.optional(v.pipe(v.string(), v.trim(), v.minLength(3), v.maxLength(200)), 'Pitwall <pitwall@localhost>'),
  TRUST_PROXY: v.optional(v.picklist(['true', 'false', '1', '0'], 'TRUST_PROXY must be true or false'), 'false'),
  PITWALL_CHAT_RATE_PER_VISITOR: count('PITWALL_CHAT_RATE_PER_VISITOR', '30'),
  PITWALL_CHAT_RATE_PER_IP: count('PITWALL_CHAT_RATE_PER_IP', '300'),
  PITWALL_SSE_STREAMS_PER_CLIENT: count('PITWALL_SSE_STREAMS_PER_CLIENT', '20'),
  PITWALL_IDLE_TIMEOUT: v.optional(v.pipe(
    v.string(), v.regex(/^\d{1,3}$/, 'PITWALL_IDLE_TIMEOUT must be seconds from 1 to 255'), v.transform(Number),
    v.minValue(1, 'PITWALL_IDLE_TIMEOUT must be seconds from 1 to 255'), v.maxValue(255, 'PITWALL_IDLE_TIMEOUT must be seconds from 1 to 255'),
  ), '30'),
  PITWALL_WORKERS: v.optional(v.pipe(
    v.string(), v.regex(/^\d{1,2}$/, 'PITWALL_WORKERS must be a whole number of processes from 1 to 32'), v.transform(Number),
    v.minValue(1, 'PITWALL_WORKERS must be a whole number of processes from 1 to 32'), v.maxValue(32, 'PITWALL_WORKERS must be a whole number of processes from 1 to 32'),
  ), '1'),
  PITWALL_DB_PREPARE: v.optional(v.picklist(['auto', 'on', 'off'], 'PITWALL_DB_PREPARE must be auto, on or off'), 'auto'),
  METRICS_TOKEN: v.optional(v.pipe(v.string(), v.trim(), v.minLength(16, 'METRICS_TOKEN must be at least 16 characters'))),
  METRICS_PORT: v.optional(v.pipe(
    v.string(), v.regex(/^\d{1,5}$/, 'METRICS_PORT must be a port number from 1 to 65535'), v.transform(Number),
    v.minValue(1, 'METRICS_PORT must be a port number from 1 to 65535'), v.maxValue(65535, 'METRICS_PORT must be a port number from 1 to 65535'),
  )),
})

export interface Config {
  port: number
  databaseUrl?: string
  /** LISTEN/NOTIFY and advisory locks need a direct (unpooled) connection. */
  directDatabaseUrl?: string
  /**
   * Named prepared statements on PostgreSQL: parsed and planned once per connection, one round trip a query instead of
   * two. `auto`: on unless DATABASE_URL is a pooler's (DIRECT_DATABASE_URL set apart), where PgBouncer before 1.21 or
   * without max_prepared_statements would mix them up between clients.
   */
  prepareStatements: boolean
  dataDir: string
  rulesPath: string
  storeId: string
  meili?: { url: string; key?: string }
  anthropic?: { apiKey: string; baseURL?: string }
  claudeModels: { fast: string; smart: string }
  publicUrl?: string
  sessionSecret: string
  /** Sites allowed to embed the chat widget (CSP frame-ancestors); ['*'] means any. */
  widgetOrigins: string[]
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent'
  /** Lead emails (ADF/XML) go out through this SMTP server; absent means email leads fail with a clear error. */
  smtp?: { url: string; from: string }
  /** Behind Fly's proxy: the client address is the Fly-Client-IP header, not the socket's. */
  trustProxy: boolean
  /** Public chat API: writes (messages, contact, handoff) per minute per visitor and per IP; 0 = no limit. */
  chatRate: { perVisitor: number; perIp: number }
  /** Concurrent SSE streams per visitor or staff member; 0 = no limit. */
  sseStreamsPerClient: number
  /** Seconds a connection may sit idle or trickle a request (Bun.serve idleTimeout; SSE streams are exempt). */
  idleTimeout: number
  /** Server processes sharing the port (SO_REUSEPORT) on one machine; more than 1 needs PostgreSQL. */
  workers: number
  /** GET /metrics: a bearer token for the main port, and/or a private port that serves only /metrics (docs/deploy.md). */
  metrics: { token?: string; port?: number }
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>

/** Parses the environment; throws ConfigError whose message is one line naming the variable. */
export function loadConfig(env: Env = process.env, opts: { ensureSecret?: boolean } = {}): Config {
  const cleaned = Object.fromEntries(Object.keys(EnvSchema.entries).map((k) => [k, env[k] === '' ? undefined : env[k]]))
  const r = v.safeParse(EnvSchema, cleaned)
  if (!r.success) {
    const issue = r.issues[0]
    const key = v.getDotPath(issue) ?? 'environment'
    throw new ConfigError(`${key}: ${issue.message}`)
  }
  const e = r.output
  const dataDir = resolve(e.PITWALL_DATA_DIR)
  if (e.PITWALL_WORKERS > 1 && !e.DATABASE_URL) {
    throw new ConfigError('PITWALL_WORKERS: more than one server process needs DATABASE_URL (PostgreSQL); the embedded database belongs to one process')
  }
  return {
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    directDatabaseUrl: e.DIRECT_DATABASE_URL ?? e.DATABASE_URL,
    prepareStatements: e.PITWALL_DB_PREPARE === 'auto' ? !e.DIRECT_DATABASE_URL || e.DIRECT_DATABASE_URL === e.DATABASE_URL : e.PITWALL_DB_PREPARE === 'on',
    dataDir,
    rulesPath: resolve(e.PITWALL_RULES ?? defaultRulesPath()),
    storeId: e.PITWALL_STORE,
    meili: e.MEILI_URL ? { url: e.MEILI_URL, key: e.MEILI_KEY } : undefined,
    anthropic: e.ANTHROPIC_API_KEY
      ? { apiKey: e.ANTHROPIC_API_KEY, baseURL: e.ANTHROPIC_BASE_URL }
      : undefined,
    claudeModels: { fast: e.CLAUDE_MODEL_FAST, smart: e.CLAUDE_MODEL_SMART },
    publicUrl: e.PUBLIC_URL?.replace(/\/$/, ''),
    sessionSecret: e.SESSION_SECRET ?? (opts.ensureSecret === false ? 'x'.repeat(32) : storedSecret(dataDir)),
    widgetOrigins: e.WIDGET_ALLOWED_ORIGINS.split(',').map((o) => o.trim().replace(/\/$/, '')),
    logLevel: e.LOG_LEVEL,
    smtp: e.SMTP_URL ? { url: e.SMTP_URL, from: e.SMTP_FROM } : undefined,
    trustProxy: e.TRUST_PROXY === 'true' || e.TRUST_PROXY === '1',
    chatRate: { perVisitor: e.PITWALL_CHAT_RATE_PER_VISITOR, perIp: e.PITWALL_CHAT_RATE_PER_IP },
    sseStreamsPerClient: e.PITWALL_SSE_STREAMS_PER_CLIENT,
    idleTimeout: e.PITWALL_IDLE_TIMEOUT,
    workers: e.PITWALL_WORKERS,
    metrics: { token: e.METRICS_TOKEN, port: e.METRICS_PORT },
  }
}

/** The shipped rules file: next to the source in development, embedded beside the binary when compiled. */
export function defaultRulesPath(): string {
  const candidates = [join(import.meta.dir, '../rules/escalation.yaml'), join(import.meta.dir, 'rules/escalation.yaml')]
  return candidates.find((p) => existsSync(p)) ?? candidates[0]
}

/** A generated secret survives restarts by living in the data dir (created 0600). */
function storedSecret(dataDir: string): string {
  const file = join(dataDir, 'session-secret')
  if (existsSync(file)) return readFileSync(file, 'utf8').trim()
  try {
    mkdirSync(dataDir, { recursive: true })
    const secret = randomBytes(32).toString('hex')
    writeFileSync(file, secret, { mode: 0o600 })
    return secret
  } catch (err) {
    throw new ConfigError(`PITWALL_DATA_DIR: cannot write ${file} (${(err as Error).message})`)
  }
}
