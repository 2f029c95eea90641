import { describe, expect, test } from 'bun:test'
import { VectorStore } from '../../../src/search/orama.ts'
import type { SearchRecord } from '../../../src/search/record.ts'

/** A seeded generator, so a failure can be replayed. */
function rng(seed: number) {
  return () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
}

describe('VectorStore.top (the semantic half of hybrid search)', () => {
  test('returns exactly the k most similar accepted documents, asking the filter about far fewer than all of them', () => {
    const dims = 32
    const rand = rng(7)
    const store = new VectorStore(dims)
    const vectors = new Map<string, number[]>()
    for (let i = 0; i < 1500; i++) {
      const v = Array.from({ length: dims }, () => rand() - 0.3)
      const id = `d${i}`
      vectors.set(id, v)
      store.set(id, v, { id, storeId: i % 3 === 0 ? 'other' : 'demo' } as SearchRecord)
    }
    store.delete('d10')
    const norm = (v: number[]) => { const n = Math.hypot(...v); return v.map((x) => x / n) }
    const q = new Float32Array(norm(Array.from({ length: dims }, () => rand() - 0.3)))
    let asked = 0
    const accept = (r: SearchRecord) => { asked++; return r.storeId === 'demo' }

    const got = store.top(q, accept, 0.1, 60)
    const expected = [...vectors].filter(([id]) => id !== 'd10' && Number(id.slice(1)) % 3 !== 0)
      .map(([id, v]) => [id, norm(v).reduce((s, x, i) => s + x * q[i], 0)] as [string, number])
      .filter(([, s]) => s >= 0.1).sort((a, b) => b[1] - a[1]).slice(0, 60)
    expect(got.map(([id]) => id)).toEqual(expected.map(([id]) => id))
    for (let i = 0; i < got.length; i++) expect(got[i][1]).toBeCloseTo(expected[i][1], 4)
    expect(asked).toBeLessThan(1500 / 2)
  })
})
