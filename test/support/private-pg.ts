/**
 * A private PostgreSQL cluster for fault tests that stop and start the server (never the shared one on 5432).
 * initdb refuses to run as root, so as root the cluster runs as the `postgres` user (runuser or su).
 *
 *   const pg = await startPrivatePostgres()   // throws PrivatePgUnavailable with the reason when it cannot
 *   await pg.stop(); await pg.start()          // a fast shutdown and a restart on the same port
 *   await pg.destroy()
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, chownSync, chmodSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export class PrivatePgUnavailable extends Error {}

/** The bin folder of an installed PostgreSQL (15 preferred), or undefined. */
export function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql'
  if (!existsSync(root)) return undefined
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin/initdb'))).sort((a, b) => Number(b) - Number(a))
  const v = versions.includes('15') ? '15' : versions[0]
  return v ? join(root, v, 'bin') : undefined
}

/** Why a private cluster cannot be started here, or undefined when it can. */
export function privatePgUnavailableReason(): string | undefined {
  if (!postgresBinDir()) return 'no PostgreSQL server binaries under /usr/lib/postgresql/*/bin'
  if (process.getuid?.() === 0 && !userId('postgres')) return 'running as root and there is no postgres user to run initdb as'
  return undefined
}

function userId(name: string): { uid: number; gid: number } | undefined {
  const r = Bun.spawnSync(['id', '-u', name]), g = Bun.spawnSync(['id', '-g', name])
  return r.exitCode === 0 ? { uid: Number(r.stdout.toString()), gid: Number(g.stdout.toString()) } : undefined
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port
      srv.close(() => resolve(port))
    })
  })
}

export interface PrivatePostgres {
  url: string
  port: number
  /** `pg_ctl stop -m fast`: open connections are terminated (57P01), new ones refused. */
  stop(): Promise<void>
  start(): Promise<void>
  destroy(): Promise<void>
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const reason = privatePgUnavailableReason()
  if (reason) throw new PrivatePgUnavailable(reason)
  const bin = postgresBinDir()!
  const asRoot = process.getuid?.() === 0
  const dir = mkdtempSync(join(tmpdir(), 'pitwall-pg-'))
  if (asRoot) {
    const { uid, gid } = userId('postgres')!
    chownSync(dir, uid, gid)
    chmodSync(dir, 0o700)
  }
  const run = async (args: string[]) => {
    const cmd = asRoot
      ? (existsSync('/usr/sbin/runuser') || existsSync('/sbin/runuser') ? ['runuser', '-u', 'postgres', '--', ...args] : ['su', 'postgres', '-s', '/bin/sh', '-c', args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ')])
      : args
    const p = Bun.spawn(cmd, { stdout: 'pipe', stderr: 'pipe', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8' } })
    const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited])
    if (code !== 0) throw new Error(`${args.join(' ')} failed (${code}): ${err || out}`)
  }
  const data = join(dir, 'data')
  const port = await freePort()
  await run([join(bin, 'initdb'), '-D', data, '-U', 'postgres', '--auth=trust', '-N', '-E', 'UTF8'])
  const start = () => run([join(bin, 'pg_ctl'), '-D', data, '-l', join(dir, 'log'), '-w', '-t', '30',
    '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start'])
  const stop = () => run([join(bin, 'pg_ctl'), '-D', data, '-m', 'fast', '-w', '-t', '30', 'stop'])
  await start()
  let running = true
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async stop() { await stop(); running = false },
    async start() { await start(); running = true },
    async destroy() {
      if (running) await stop().catch(() => {})
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
