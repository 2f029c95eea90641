import type { PGliteOptions } from '@electric-sql/pglite'
import pgliteWasmPath from '@electric-sql/pglite/pglite.wasm' with { type: 'file' }
import initdbWasmPath from '@electric-sql/pglite/initdb.wasm' with { type: 'file' }
import pgliteDataPath from '@electric-sql/pglite/pglite.data' with { type: 'file' }

type Assets = Pick<PGliteOptions, 'pgliteWasmModule' | 'initdbWasmModule' | 'fsBundle'>
let loading: Promise<Assets> | undefined

/**
 * PGlite finds its wasm and data files next to its own module, which a compiled binary does not have
 * (ENOENT '/$bunfs/root/pglite.data'); there they are embedded by these imports and handed over explicitly.
 * Compiled once per process. In development PGlite loads them itself, as it always has.
 */
export function pgliteAssets(): Promise<Assets> {
  if (!Bun.isStandaloneExecutable) return Promise.resolve({})
  loading ??= (async () => {
    const [pgliteWasmModule, initdbWasmModule, data] = await Promise.all([
      WebAssembly.compile(await Bun.file(pgliteWasmPath).arrayBuffer()),
      WebAssembly.compile(await Bun.file(initdbWasmPath).arrayBuffer()),
      Bun.file(pgliteDataPath).arrayBuffer(),
    ])
    return { pgliteWasmModule, initdbWasmModule, fsBundle: new Blob([data]) }
  })()
  return loading
}
