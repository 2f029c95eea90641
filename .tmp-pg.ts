import { openDatabase } from './src/db/client.ts'
import { runMigrations } from './src/db/migrate.ts'
import { embeddings } from './src/db/schema.ts'
import { inArray, sql } from 'drizzle-orm'
let t = performance.now()
const d = await openDatabase({}); await runMigrations(d)
console.log('open+migrate', performance.now() - t)
const N = 20000
const rowsIn = Array.from({ length: N }, (_, i) => ({ contentHash: 'h' + i, model: 'm', vector: Array.from({ length: 512 }, (_, j) => Math.fround(Math.sin(i + j))) }))
t = performance.now()
for (let i = 0; i < N; i += 500) await d.db.insert(embeddings).values(rowsIn.slice(i, i + 500))
console.log('insert', performance.now() - t)
t = performance.now()
let n = 0
for (let i = 0; i < N; i += 1000) { const r = await d.db.select().from(embeddings).where(inArray(embeddings.contentHash, rowsIn.slice(i, i + 1000).map(r => r.contentHash))); n += r.length }
console.log('select', performance.now() - t, n)
console.log(process.memoryUsage().rss / 1e6)
