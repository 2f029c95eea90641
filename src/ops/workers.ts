import type { Subprocess } from 'bun'
import { log } from './log.ts'

/** Set in the environment of a worker process: its number (1 …), so it neither spawns workers nor serves /metrics' port. */
export const WORKER_ENV = 'PITWALL_WORKER'

/** This process's worker number: 0 for the first (supervising) process. */
export const workerNumber = (env: Record<string, string | undefined> = process.env): number => {
  const n = Number(env[WORKER_ENV] ?? 0)
  return Number.isInteger(n) && n > 0 ? n : 0
}

/** The command line that runs this program again: the compiled binary, or bun with the entry script. */
export function selfCommand(args: string[]): string[] {
  const compiled = Bun.main.startsWith('/$bunfs/') || Bun.main.startsWith('B:/~BUN/')
  return compiled ? [process.execPath, ...args] : [process.execPath, Bun.main, ...args]
}

export interface Workers {
  /** Resolves when every worker has said it listens (rejects if one fails to start within `startMs`). */
  ready: Promise<void>
  /** Sends SIGTERM to every worker and waits for them to exit (they drain like the first process). */
  stop(): Promise<void>
}

/**
 * Starts `count` more `pitwall serve` processes on the same port (each listens with SO_REUSEPORT, so the
 * kernel spreads connections over all of them). They share nothing in memory: every live event goes through
 * PostgreSQL LISTEN/NOTIFY, exactly as between machines. A worker that dies is started again after a second
 * (at most once a second); they all get SIGTERM when this process stops, and end on their own if it is killed.
 */
export function startWorkers(count: number, port: number, opts: { restartMs?: number; startMs?: number } = {}): Workers {
  const procs = new Map<number, Subprocess>()
  let stopping = false
  const waiting = new Set(Array.from({ length: count }, (_, i) => i + 1))
  let started!: () => void, failed!: (err: Error) => void
  const ready = new Promise<void>((resolve, reject) => { started = resolve; failed = reject })
  const startMs = opts.startMs ?? 60_000
  const timer = setTimeout(() => failed(new Error(`worker ${[...waiting].join(', ')} did not start within ${startMs / 1000} s`)), startMs)
  ready.then(() => clearTimeout(timer), () => {})
  if (!count) started()
  const spawn = (n: number) => {
    const proc = Bun.spawn(selfCommand(['serve', '--port', String(port)]), {
      env: { ...process.env, [WORKER_ENV]: String(n), PITWALL_PARENT_PID: String(process.pid) },
      stdin: 'ignore', stdout: 'inherit', stderr: 'inherit',
      ipc: (message) => {
        if (message !== 'listening' || !waiting.delete(n)) return
        if (!waiting.size) started()
      },
      onExit: (_p, code, signal) => {
        if (procs.get(n) !== proc) return
        procs.delete(n)
        if (stopping) return
        log.error('worker exited; starting it again', { worker: n, pid: proc.pid, code, signal })
        setTimeout(() => { if (!stopping) spawn(n) }, opts.restartMs ?? 1000)
      },
    })
    procs.set(n, proc)
    log.info('worker started', { worker: n, pid: proc.pid, port })
  }
  for (let n = 1; n <= count; n++) spawn(n)
  return {
    ready,
    async stop() {
      stopping = true
      const running = [...procs.values()]
      for (const p of running) p.kill('SIGTERM')
      await Promise.all(running.map((p) => p.exited))
    },
  }
}

/** In a worker: tells the first process this one listens (over the IPC channel Bun.spawn opened). */
export function reportListening(): void {
  process.send?.('listening')
}

/**
 * In a worker: resolves when the supervising process is gone (killed without a chance to stop us), so a
 * worker never outlives it holding the port. Checked every `everyMs`.
 */
export function parentGone(env: Record<string, string | undefined> = process.env, everyMs = 1000): Promise<void> {
  const parent = Number(env.PITWALL_PARENT_PID)
  return new Promise((resolve) => {
    if (!parent) return
    const timer = setInterval(() => {
      if (process.ppid !== parent) { clearInterval(timer); resolve() }
    }, everyMs)
    timer.unref?.()
  })
}
