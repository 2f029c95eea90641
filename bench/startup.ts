/**
 * bench/startup: the compiled binary against PostgreSQL, from spawn to the first `/healthz` 200 and to the
 * first `/readyz` 200 (database, rules, search index), with the resident memory (VmRSS) at each point.
 * Baseline: the same measured for `bun src/main.ts serve` from the source tree; the ratio is binary / source.
 * Scenarios: first boot on an empty database (migrations run), then several runs on a migrated empty
 * database, then several on the migrated database holding the demo dealership (2,500 documents to index).
 *
 *   node_modules/.bin/bun bench/startup.ts [--runs 5] [--build] [--bin PATH] [--admin-url postgres://postgres@127.0.0.1:5432/test]
 *
 * Uses dist/pitwall (built first when missing or with --build), or the binary at --bin. Creates and drops a scratch database.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import postgres from 'postgres'

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    build: { type: 'boolean', default: false },
    bin: { type: 'string' },
    'admin-url': { type: 'string', default: process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test' },
  },
})
const RUNS = Number(values.runs)
const ROOT = join(import.meta.dir, '..')
const BIN = values.bin ?? join(ROOT, 'dist/pitwall')
const work = mkdtempSync(join(tmpdir(), 'pitwall-startup-'))

if (!values.bin && (values.build || !existsSync(BIN))) {
  const b = Bun.spawnSync([process.execPath, join(ROOT, 'scripts/build.ts')], { cwd: ROOT, stdout: 'inherit', stderr: 'inherit' })
  if (b.exitCode !== 0) process.exit(1)
}

const admin = postgres(values['admin-url']!, { max: 1, onnotice: () => {} })
const dbName = `pw_bench_startup_${Date.now().toString(36)}`
await admin.unsafe(`create database ${dbName}`)
const url = new URL(values['admin-url']!)
url.pathname = `/${dbName}`
const DATABASE_URL = url.toString()

const rssMb = (pid: number) => {
  const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/)
  return m ? Number(m[1]) / 1024 : NaN
}

interface Sample { healthzMs: number; readyzMs: number; rssHealthzMb: number; rssReadyMb: number }
type Kind = 'binary' | 'source'

/** Spawns the server, polls /healthz then /readyz every 5 ms, samples RSS at each, then stops it with SIGTERM. */
async function measure(kind: Kind): Promise<Sample> {
  const cmd = kind === 'binary' ? [BIN, 'serve', '--port', '0'] : [process.execPath, join(ROOT, 'src/main.ts'), 'serve', '--port', '0']
  const started = performance.now()
  const proc = Bun.spawn(cmd, {
    // The source runs from the repo (its tsconfig sets the JSX runtime); the binary from anywhere.
    cwd: kind === 'binary' ? work : ROOT, stdout: 'pipe', stderr: 'pipe',
    env: { PATH: process.env.PATH ?? '', HOME: work, DATABASE_URL, PITWALL_DATA_DIR: join(work, 'data'), SESSION_SECRET: 'b'.repeat(40), LOG_LEVEL: 'warn' },
  })
  try {
    const reader = proc.stdout.getReader()
    let out = ''
    while (!/listening on (http:\/\/\S+)/.test(out)) {
      const r = await reader.read()
      if (r.done) throw new Error(`${kind} did not start: ${out}${await new Response(proc.stderr).text()}`)
      out += new TextDecoder().decode(r.value)
    }
    const base = out.match(/listening on (http:\/\/\S+)/)![1]
    const firstOk = async (path: string) => {
      for (;;) {
        const res = await fetch(base + path).catch(() => null)
        if (res?.status === 200) return performance.now() - started
        if (performance.now() - started > 120_000) throw new Error(`${kind}: ${path} never answered 200`)
        await Bun.sleep(5)
      }
    }
    const healthzMs = await firstOk('/healthz')
    const rssHealthzMb = rssMb(proc.pid)
    const readyzMs = await firstOk('/readyz')
    const rssReadyMb = rssMb(proc.pid)
    return { healthzMs, readyzMs, rssHealthzMb, rssReadyMb }
  } finally {
    proc.kill('SIGTERM')
    await Promise.race([proc.exited, Bun.sleep(15_000)])
    proc.kill('SIGKILL')
  }
}

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2 }
const f0 = (n: number) => n.toFixed(0)
const range = (xs: number[]) => `${f0(median(xs))} (${f0(Math.min(...xs))}–${f0(Math.max(...xs))})`

async function series(label: string): Promise<string[]> {
  const got: Record<Kind, Sample[]> = { binary: [], source: [] }
  // Interleaved, so load from other processes on the machine hits both alike.
  for (let i = 0; i < RUNS; i++) for (const kind of ['binary', 'source'] as Kind[]) got[kind].push(await measure(kind))
  const col = (k: Kind, f: keyof Sample) => got[k].map((s) => s[f])
  const ratio = (f: keyof Sample) => (median(col('binary', f)) / median(col('source', f))).toFixed(2)
  return [
    `| ${label} | binary | ${range(col('binary', 'healthzMs'))} | ${range(col('binary', 'readyzMs'))} | ${range(col('binary', 'rssHealthzMb'))} | ${range(col('binary', 'rssReadyMb'))} |`,
    `| | \`bun src/main.ts\` | ${range(col('source', 'healthzMs'))} | ${range(col('source', 'readyzMs'))} | ${range(col('source', 'rssHealthzMb'))} | ${range(col('source', 'rssReadyMb'))} |`,
    `| | ratio (binary / source, medians) | ${ratio('healthzMs')} | ${ratio('readyzMs')} | ${ratio('rssHealthzMb')} | ${ratio('rssReadyMb')} |`,
  ]
}

try {
  const rows: string[] = []
  // First boot: the binary applies the migrations itself (in production the release command does this).
  const first = await measure('binary')
  rows.push(`| first boot, empty database (runs migrations) | binary | ${f0(first.healthzMs)} | ${f0(first.readyzMs)} | ${f0(first.rssHealthzMb)} | ${f0(first.rssReadyMb)} |`)
  rows.push(...await series(`migrated, no documents (${RUNS} runs each)`))
  const seed = Bun.spawnSync([BIN, 'seed-demo'], {
    cwd: work, stdout: 'pipe', stderr: 'pipe', env: { PATH: process.env.PATH ?? '', HOME: work, DATABASE_URL, PITWALL_DATA_DIR: join(work, 'data') },
  })
  if (seed.exitCode !== 0) throw new Error(`seed-demo failed: ${seed.stderr}`)
  rows.push(...await series(`demo dealership, 2,500 documents (${RUNS} runs each)`))
  const size = Bun.file(BIN).size / 1024 / 1024
  console.log(`\nbinary: ${BIN} (${size.toFixed(1)} MB); load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}\n`)
  console.log('| scenario | process | spawn → /healthz 200, ms | spawn → /readyz 200, ms | RSS at /healthz, MB | RSS at /readyz, MB |')
  console.log('|---|---|---|---|---|---|')
  for (const r of rows) console.log(r)
} finally {
  await admin.unsafe(`drop database if exists ${dbName} with (force)`).catch(() => {})
  await admin.end()
  rmSync(work, { recursive: true, force: true })
}
