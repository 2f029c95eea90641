import { mkdirSync, rmSync, statfsSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * The embedded database's directory checked before PGlite touches it: a missing, unwritable or full data dir
 * must stop start-up with one clear line (PGlite itself only says "failed to initialize"), and must not get
 * as far as writing half a store.
 */
export class DataDirError extends Error {}

/** Below these, PGlite cannot start reliably: an existing store needs WAL room, a new one takes ~40 MB at once. */
export const MIN_FREE_BYTES = 16 * 1024 * 1024
export const MIN_FREE_NEW_STORE_BYTES = 64 * 1024 * 1024

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`

/** Why the directory cannot hold the store, in words, from an errno code. */
function cause(code: string | undefined, fallback: string): string {
  switch (code) {
    case 'ENOTDIR': case 'EEXIST': return 'it is a file, not a directory'
    case 'EACCES': case 'EPERM': return 'permission denied (the server cannot write there)'
    case 'EROFS': return 'the file system is read-only'
    case 'ENOSPC': case 'EDQUOT': return 'the disk is full'
    default: return fallback
  }
}

const fail = (dataDir: string, why: string) =>
  new DataDirError(`cannot use the data directory ${dataDir} (PITWALL_DATA_DIR): ${why}. Fix that and start again; the store there is left as it was.`)

/** Creates the directory if needed and proves it can be written, with room to spare; throws DataDirError. */
export function checkDataDir(dataDir: string, dir = dataDir, minFree = MIN_FREE_BYTES): void {
  try {
    mkdirSync(dir, { recursive: true })
    if (!statSync(dir).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' })
  } catch (err) {
    throw fail(dataDir, cause((err as NodeJS.ErrnoException).code, (err as Error).message))
  }
  const probe = join(dir, `.write-test-${process.pid}`)
  try {
    writeFileSync(probe, 'pitwall')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    throw fail(dataDir, code === 'ENOSPC' ? `the disk is full (${mb(freeBytes(dir))} free)` : cause(code, (err as Error).message))
  } finally {
    rmSync(probe, { force: true })
  }
  const free = freeBytes(dir)
  if (free < minFree) throw fail(dataDir, `the disk is full (${mb(free)} free, at least ${mb(minFree)} needed)`)
}

function freeBytes(dir: string): number {
  const fs = statfsSync(dir)
  return Number(fs.bavail) * Number(fs.bsize)
}

/** Turns an error from opening or migrating PGlite into a DataDirError when the directory is the cause. */
export function explainDataDirError(dataDir: string, dir: string, err: unknown): DataDirError | undefined {
  if (err instanceof DataDirError) return err
  try {
    checkDataDir(dataDir, dir) // full or unwritable now: that is the clearest explanation
  } catch (e) {
    if (e instanceof DataDirError) return e
  }
  const code = (err as { code?: string })?.code
  // SQLSTATE disk_full / io_error from inside PGlite, or Emscripten's ENOSPC (errno 51).
  if (code === '53100' || (err as { errno?: number })?.errno === 51) return fail(dataDir, 'the disk is full')
  if (code === '58030') return fail(dataDir, `an I/O error (${(err as Error).message})`)
  return undefined
}
