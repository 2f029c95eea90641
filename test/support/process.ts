import { join } from 'node:path'
import type { Subprocess } from 'bun'

export const ROOT = join(import.meta.dir, '../..')
export const MAIN = join(ROOT, 'src/main.ts')

/** Runs `pitwall <args>` as a child process with the given environment (plus PATH/HOME). */
export function spawnCli(args: string[], env: Record<string, string>, cwd = ROOT): Subprocess<'ignore', 'pipe', 'pipe'> {
  return Bun.spawn([process.execPath, MAIN, ...args], {
    cwd, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env }, stdin: 'ignore', stdout: 'pipe', stderr: 'pipe',
  })
}

export async function runCli(args: string[], env: Record<string, string>, cwd = ROOT) {
  const p = spawnCli(args, env, cwd)
  const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited])
  return { stdout, stderr, code }
}

/** Starts `pitwall serve --port 0` and resolves with its URL once it prints the listening line. */
export async function startServer(env: Record<string, string>, timeoutMs = 30_000) {
  const proc = spawnCli(['serve', '--port', '0'], env)
  const reader = proc.stdout.getReader()
  let out = ''
  const deadline = Date.now() + timeoutMs
  while (!/listening on (http:\/\/\S+)/.test(out)) {
    const r = await Promise.race([reader.read(), Bun.sleep(Math.max(1, deadline - Date.now())).then(() => null)])
    if (!r || r.done) {
      proc.kill()
      throw new Error(`server did not start: ${out}\n${await new Response(proc.stderr).text()}`)
    }
    out += new TextDecoder().decode(r.value)
  }
  reader.releaseLock()
  const url = out.match(/listening on (http:\/\/\S+)/)![1]
  // `output`: what stdout held up to the listening line (log lines printed while starting).
  return { proc, url, output: out, async stop() { proc.kill('SIGTERM'); return proc.exited } }
}
