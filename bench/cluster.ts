/**
 * Two instances behind one database: posts on either reach live streams on both; SIGKILL one mid-load and its
 * streams resume on the other (Last-Event-ID) with no event missing. Baseline: delivery to a stream on the
 * instance that took the post, against delivery to the other instance (the LISTEN/NOTIFY hop).
 *
 *   bun bench/cluster.ts [--riders 20] [--messages 10] [--kill-at 0.5]
 */
import { flags, fmt, loadAverage, scratchDatabase, seedDemo } from './lib.ts'
import { clusterScenario } from './cluster-scenario.ts'

const f = flags()
const log = (line: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${line}`)
const db = await scratchDatabase('pw_cluster')
try {
  const password = await seedDemo(db.url, false)
  const o = { riders: Number(f.riders ?? 20), messages: Number(f.messages ?? 10), killAt: Number(f['kill-at'] ?? 0.5), log }
  const t0 = performance.now()
  const r = await clusterScenario(db.url, password, o)
  const lines = [
    `two instances — ${new Date().toISOString().slice(0, 16)}Z, load average ${loadAverage()}, ${fmt((performance.now() - t0) / 1000)} s`,
    `  ${o.riders} riders × ${o.messages} messages alternating between instances; ${r.streams} rider SSE streams (one per conversation on each instance)`,
    `  SIGKILL instance A after ${Math.round(o.killAt * 100)}% of posts: ${r.reconnects} streams reconnected to B with Last-Event-ID in ${fmt(r.failoverMs, 0)} ms; ${r.retried} posts retried on B (same client id)`,
    `  gap check against the events table: ${r.missing} missing, ${r.duplicates} duplicates, ${r.unknown} unknown, ${r.resent} resent after a reconnect (late-commit replay: shown once); customer messages stored ${r.stored} of ${r.posts} posted`,
    `  post -> rider stream, same instance: p50 ${fmt(r.sameInstance.p50)} ms, p99 ${fmt(r.sameInstance.p99)} ms (n ${r.sameInstance.n})`,
    `  post -> rider stream, other instance: p50 ${fmt(r.crossInstance.p50)} ms, p99 ${fmt(r.crossInstance.p99)} ms (n ${r.crossInstance.n})`,
    `  ratio other / same instance p50: ${fmt(r.crossInstance.p50 / r.sameInstance.p50, 2)}, p99: ${fmt(r.crossInstance.p99 / r.sameInstance.p99, 2)}`,
    `  conversations left unanswered (last public message is the rider's): ${r.conversationsWithoutAnswer}`,
  ]
  console.log(lines.join('\n'))
  if (r.missing || r.duplicates || r.unknown || r.stored !== r.posts) process.exitCode = 1
} finally {
  await db.drop()
}
