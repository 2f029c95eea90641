/**
 * Holds staff SSE streams in a process of its own, as the browsers of a thousand staff members would be: their
 * reading then never delays the load generator's clock (its probe streams and riders). Reads one JSON line on
 * stdin — { url, cookies, count } — opens the streams, prints "open N", then every second
 * "stats {bytes, reads, ended}" (reads: chunks read, about one a frame); exits when stdin closes. The streams are
 * raw sockets (`holdSse`): a browser's cost of reading them is not the server's, so the holder keeps its own small.
 *
 *   bun bench/stream-holder.ts   (spawned by bench/load.ts)
 */
import { holdSse, inBatches } from './lib.ts'

const decoder = new TextDecoder()
const stdin = Bun.stdin.stream().getReader()
let input = ''
while (!input.includes('\n')) {
  const r = await stdin.read()
  if (r.done) process.exit(1)
  input += decoder.decode(r.value)
}
const { url, cookies, count } = JSON.parse(input.split('\n')[0]) as { url: string; cookies: string[]; count: number }
let bytes = 0
let reads = 0
let ended = 0
const closers: Array<() => void> = []
await inBatches(Array.from({ length: count }, (_, i) => i), 50, async (i) => {
  const s = await holdSse(url, { cookie: cookies[i % cookies.length] }, { onBytes: (n) => { bytes += n; reads++ }, onEnd: () => { ended++ } })
  if (s.status !== 200) throw new Error(`staff stream ${i}: HTTP ${s.status}`)
  closers.push(s.close)
})
console.log(`open ${closers.length}`)
const timer = setInterval(() => console.log(`stats ${JSON.stringify({ bytes, reads, ended })}`), 1000)
// The load generator closing our stdin (or exiting) ends us.
void (async () => {
  while (!(await stdin.read()).done) { /* nothing more is sent */ }
  clearInterval(timer)
  for (const c of closers) c()
  process.exit(0)
})()
