import type { SearchHit } from '../../src/search/contract.ts'

const money = (n: unknown) => (typeof n === 'number' ? `$${n.toLocaleString('en-US', { maximumFractionDigits: 0 })}` : undefined)

/** The key facts staff need at a glance, per document type. */
export function keyFacts(h: SearchHit): string[] {
  const f = h.fields as Record<string, unknown>
  const facts = [
    f.stockNumber && `Stock ${f.stockNumber}`, f.partNumber && `Part ${f.partNumber}`, f.campaignId && `Campaign ${f.campaignId}`,
    f.bulletinNumber && `Bulletin ${f.bulletinNumber}`, money(f.price), typeof f.status === 'string' && f.status.replace('_', ' '),
    typeof f.onHand === 'number' && `${f.onHand} on hand`, f.condition, f.color,
  ]
  return facts.filter((x): x is string => typeof x === 'string' && x.length > 0)
}

/** A sentence staff can drop into a reply (they edit before sending). */
export function insertText(h: SearchHit): string {
  const facts = keyFacts(h)
  return `${h.title}${facts.length ? ` — ${facts.join(', ')}` : ''}`
}

const asOf = (h: SearchHit) => {
  const f = h.fields as Record<string, unknown>
  const d = (typeof f.dataAsOf === 'string' && f.dataAsOf) || h.effectiveAt
  return d ? String(d).slice(0, 10) : undefined
}

export function SearchResults({ hits, q, warning }: { hits: SearchHit[]; q: string; warning?: string }) {
  return (
    <div id="dms-results" class="dms-results">
      {warning && <p class="warn" role="alert">{warning}</p>}
      {q && hits.length === 0 && <p class="sub">No DMS documents match “{q}”.</p>}
      <ul>
        {hits.map((h) => (
          <li class={`hit type-${h.type}`}>
            <div class="hit-top"><span class="badge">{h.type.replace('_', ' ')}</span> <strong>{h.title}</strong>{h.exact && <span class="badge exact">exact</span>}</div>
            <p class="facts">{keyFacts(h).join(' · ')}</p>
            <p class="sub">{asOf(h) && <>Data as of {asOf(h)} · </>}<code>{h.id}</code></p>
            <button type="button" class="secondary insert" data-insert={insertText(h)} data-target="reply-body">Insert into reply</button>
          </li>
        ))}
      </ul>
    </div>
  )
}
