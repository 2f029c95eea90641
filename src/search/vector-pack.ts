import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { normalize, type VectorCache } from './embedder.ts'

/**
 * A file of precomputed embeddings: entries of a 32-byte cache key (sha256 of model + text) and 512 int8
 * components (vectors are unit length; int8 moves cosines by < 0.01). The demo ships one so a fresh
 * `seed-demo` indexes in seconds instead of embedding ~2,500 documents on the CPU.
 */
const DIMS = 512
const ENTRY = 32 + DIMS

export function readVectorPack(file: string): Map<string, Float32Array> {
  const map = new Map<string, Float32Array>()
  if (!existsSync(file)) return map
  const buf = readFileSync(file)
  for (let off = 0; off + ENTRY <= buf.length; off += ENTRY) {
    const v = new Float32Array(DIMS)
    for (let i = 0; i < DIMS; i++) v[i] = buf.readInt8(off + 32 + i) / 127
    map.set(buf.subarray(off, off + 32).toString('hex'), normalize(v))
  }
  return map
}

export function writeVectorPack(file: string, entries: Map<string, Float32Array>): void {
  const buf = Buffer.alloc(entries.size * ENTRY)
  let off = 0
  for (const [key, v] of [...entries].sort(([a], [b]) => a.localeCompare(b))) {
    Buffer.from(key, 'hex').copy(buf, off)
    for (let i = 0; i < DIMS; i++) buf.writeInt8(Math.max(-127, Math.min(127, Math.round(v[i] * 127))), off + 32 + i)
    off += ENTRY
  }
  writeFileSync(file, buf)
}

/** Looks in `base` first, then the pack; pack hits are written through to `base` so later runs find them there. */
export function packedVectorCache(pack: Map<string, Float32Array>, model: string, base: VectorCache): VectorCache {
  return {
    async get(keys) {
      const found = await base.get(keys)
      const fromPack = keys.filter((k) => !found.has(k) && pack.has(k)).map((k) => [k, pack.get(k)!] as [string, Float32Array])
      if (fromPack.length) {
        await base.put(model, fromPack)
        for (const [k, v] of fromPack) found.set(k, v)
      }
      return found
    },
    put: (m, entries) => base.put(m, entries),
  }
}
