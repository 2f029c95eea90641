import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { SearchParams, SearchResult } from '../../src/search/service.ts'

/** Judged rider queries over the demo dealership and the metrics the relevance test reports. */
export interface Judged { id: string; kind: 'identifier' | 'keyword' | 'question'; query: string; relevant: string[]; note?: string }

export function loadJudged(file = join(import.meta.dir, '../fixtures/search/relevance.jsonl')): Judged[] {
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Judged)
}

export interface Metrics { queries: number; top1: number; mrr10: number; misses: Array<{ id: string; query: string; got: string[] }> }

/** top-1: share of queries whose first hit is relevant; MRR@10: mean of 1/rank of the first relevant hit in the top 10. */
export async function evaluate(
  search: (p: Pick<SearchParams, 'q' | 'semanticRatio'>) => Promise<Pick<SearchResult, 'hits'>>,
  judged: Judged[], semanticRatio: number | undefined,
): Promise<Metrics> {
  let top1 = 0, rr = 0
  const misses: Metrics['misses'] = []
  for (const j of judged) {
    const { hits } = await search({ q: j.query, semanticRatio })
    const ids = hits.slice(0, 10).map((h) => h.id)
    const rank = ids.findIndex((id) => j.relevant.includes(id))
    if (rank === 0) top1++
    else misses.push({ id: j.id, query: j.query, got: ids.slice(0, 3) })
    if (rank >= 0) rr += 1 / (rank + 1)
  }
  return { queries: judged.length, top1: top1 / judged.length, mrr10: rr / judged.length, misses }
}

export const fmt = (x: number) => x.toFixed(3)
