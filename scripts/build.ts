/**
 * `npm run build`: compiles Pitwall into one executable, dist/pitwall (or --outfile PATH).
 * Embedded: the code, the embed worker (a second entry point: a compiled binary cannot load it from disk),
 * public/, migrations/, the default rules, the demo export for `seed-demo`; the model weights, TensorFlow's
 * and PGlite's wasm files come in through `with { type: 'file' }` imports (src/search/model-files.ts,
 * src/db/pglite-assets.ts).
 */
import { parseArgs } from 'node:util'
import { join, relative } from 'node:path'
import { rmSync, statSync } from 'node:fs'

const ROOT = join(import.meta.dir, '..')
const { values } = parseArgs({
  options: { outfile: { type: 'string' }, target: { type: 'string' } },
  strict: true,
})
const outfile = values.outfile ?? join(ROOT, 'dist/pitwall')

// A directory lands under import.meta.dir (/$bunfs/root) by its own name: public/, demo/… (the app looks there).
const ASSETS = ['public', 'migrations', 'rules', 'demo']

const started = performance.now()
process.chdir(ROOT)
const result = await Bun.build({
  entrypoints: ['src/main.ts', 'src/search/embed-worker.ts'],
  root: 'src', // the worker is embedded as search/embed-worker.ts, where src/search/embedder.ts looks for it
  minify: true,
  sourcemap: 'linked',
  // Parsing moved to build time: start-up to the first /healthz about 25-45% faster (bench/RESULTS.md, startup).
  bytecode: true,
  format: 'esm',
  compile: {
    outfile,
    assets: ASSETS,
    ...(values.target ? { target: values.target as Bun.Build.CompileTarget } : {}),
    // A bunfig.toml in whatever directory the binary runs from must not change how it runs.
    autoloadBunfig: false,
  },
})
if (!result.success) {
  for (const log of result.logs) console.error(log)
  process.exit(1)
}
// The sourcemap is embedded in the binary (stack traces); the side files it also writes are not needed.
for (const f of result.outputs) if (f.path.endsWith('.map')) rmSync(f.path, { force: true })
const mb = (statSync(outfile).size / 1024 / 1024).toFixed(1)
console.log(`built ${relative(process.cwd(), outfile) || outfile} (${mb} MB) in ${((performance.now() - started) / 1000).toFixed(1)} s`)
