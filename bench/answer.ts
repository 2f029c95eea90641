/**
 * Local answerer latency on the demo dealership: rider message → first answer byte (redaction, escalation rules,
 * hybrid search, templates, guardrails), against search alone measured in the same run on the same messages.
 *
 *   node_modules/.bin/bun bench/answer.ts [--rounds 5]
 *
 * Round 1 is cold for every message (each search service embeds a query text the first time it sees it, as it
 * would a new rider's message); later rounds hit each service's query-vector cache. Both sides get their own
 * search service over the same database, so neither warms the other's cache.
 */
import { parseArgs } from 'node:util'
import { readFileSync } from 'node:fs'
import { answerLocally, type LocalDeps } from '../src/agent/local.ts'
import { dbDocumentBodies } from '../src/agent/documents.ts'
import { hoursFromRules } from '../src/agent/index.ts'
import { redact } from '../src/agent/redact.ts'
import { defaultRulesPath } from '../src/config.ts'
import { triageMessage } from '../src/conversations/triage.ts'
import { openDatabase } from '../src/db/client.ts'
import { runMigrations } from '../src/db/migrate.ts'
import { loadRules } from '../src/escalation/index.ts'
import { loadDemoContent } from '../src/search/demo.ts'
import { modelStats } from '../src/search/embedder.ts'
import { createSearch } from '../src/search/service.ts'
import { ensureStore } from '../src/search/store.ts'
import { DEMO_QUESTIONS } from '../test/fixtures/agent/demo-questions.ts'
import { fixtureVectorCache } from '../test/fixtures/agent/demo-vectors.ts'

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' } } })
const rounds = Math.max(1, Number(values.rounds))
const STORE = 'demo'
const NOW = new Date('2026-11-24T19:00:00Z')

const database = await openDatabase({})
await runMigrations(database)
await ensureStore(database, STORE, 'Ridgeline Powersports')
const cache = fixtureVectorCache()
await loadDemoContent(database, STORE, { cache, now: new Date('2026-11-20T12:00:00Z') })
const searchAlone = await createSearch({}, database, { cache, syncIntervalMs: 0 })
const searchForAnswers = await createSearch({}, database, { cache, syncIntervalMs: 0 })
const rules = loadRules(readFileSync(defaultRulesPath(), 'utf8'), defaultRulesPath())
const deps: LocalDeps = { source: searchForAnswers, bodies: dbDocumentBodies(database), hours: hoursFromRules(rules) }

// Load the sentence encoder before timing (both services share it); its load time is reported, not timed.
await searchAlone.search({ q: 'warm up the encoder', storeId: STORE, now: NOW })
await searchForAnswers.search({ q: 'warm up the encoder', storeId: STORE, now: NOW })

const messages = DEMO_QUESTIONS.map((x) => x.q)

let handedOff = 0
async function firstByte(text: string): Promise<number> {
  const started = performance.now()
  let first = 0
  const { text: clean } = redact(text)
  const decision = await triageMessage(rules, { text: clean, now: NOW, history: [] })
  // A message the rules hand off gets its reply right after triage; everything else waits for the answer's first byte.
  if (decision.action === 'handoff') { handedOff++; return performance.now() - started }
  await answerLocally(deps, { storeId: STORE, text: clean, history: [], now: NOW, onText: () => { first ||= performance.now() - started } })
  return first
}

async function searchOnly(text: string): Promise<number> {
  const started = performance.now()
  await searchAlone.search({ q: text, storeId: STORE, now: NOW, limit: 8 })
  return performance.now() - started
}

const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] }
const row = (name: string, xs: number[]) => `| ${name} | ${pct(xs, 50).toFixed(1)} | ${pct(xs, 95).toFixed(1)} | ${Math.max(...xs).toFixed(1)} | ${(xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(1)} |`

const cold = { answer: [] as number[], search: [] as number[], answered: [] as number[] }
const warm = { answer: [] as number[], search: [] as number[], answered: [] as number[] }
for (let r = 0; r < rounds; r++) {
  const bucket = r === 0 ? cold : warm
  for (const [i, m] of messages.entries()) {
    // Alternate which side runs first so neither always meets a cooler CPU cache.
    const before = handedOff
    let ms: number
    if ((i + r) % 2) { ms = await firstByte(m); bucket.search.push(await searchOnly(m)) }
    else { bucket.search.push(await searchOnly(m)); ms = await firstByte(m) }
    bucket.answer.push(ms)
    if (handedOff === before) bucket.answered.push(ms)
  }
}

const lines = [
  `messages: ${messages.length} demo questions × ${rounds} rounds (${handedOff / rounds} of them handed off by the rules, first byte = the handoff reply); documents: ${(await searchAlone.health()).documents}; encoder load ${modelStats.loadMs?.toFixed(0) ?? '?'} ms (not timed)`,
  '',
  '| ms | p50 | p95 | max | mean |',
  '|---|---:|---:|---:|---:|',
  row('round 1 (cold query vectors): message → first answer byte', cold.answer),
  row('round 1: answered messages only (no rules handoff)', cold.answered),
  row('round 1: search alone', cold.search),
  ...(warm.answer.length ? [row(`rounds 2-${rounds} (cached query vectors): message → first answer byte`, warm.answer), row(`rounds 2-${rounds}: answered messages only`, warm.answered), row(`rounds 2-${rounds}: search alone`, warm.search)] : []),
  '',
  `p95 ratio (first answer byte / search alone): round 1 ${(pct(cold.answer, 95) / pct(cold.search, 95)).toFixed(2)}×` +
    (warm.answer.length ? `, rounds 2-${rounds} ${(pct(warm.answer, 95) / pct(warm.search, 95)).toFixed(2)}×` : ''),
  `target: p95 ≤ 100 ms → round 1 ${pct(cold.answer, 95) <= 100 ? 'met' : 'NOT met'}${warm.answer.length ? `, rounds 2-${rounds} ${pct(warm.answer, 95) <= 100 ? 'met' : 'NOT met'}` : ''}`,
]
console.log(lines.join('\n'))
await searchAlone.close()
await searchForAnswers.close()
await database.close()
process.exit(0)
