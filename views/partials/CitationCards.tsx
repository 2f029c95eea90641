import type { Citation } from '../../src/agent/contract.ts'

const money = (n?: number) => (n === undefined ? undefined : `$${n.toLocaleString('en-US', { maximumFractionDigits: 0 })}`)

/** Sources under an AI answer: units with a photo placeholder, price and data-as-of; bulletin and campaign numbers; policy names. */
export function CitationCards({ citations }: { citations: Citation[] }) {
  if (!citations.length) return null
  return (
    <ul class="citations" aria-label="Sources">
      {citations.map((c) => (
        <li class={`cite cite-${c.type}`}>
          {c.type === 'unit' && <div class="photo" aria-hidden="true">🏍</div>}
          <div>
            <strong>{c.title}</strong>
            <p>
              {[money(c.price), c.status?.replace('_', ' '), c.stockNumber && `Stock ${c.stockNumber}`, c.partNumber && `Part ${c.partNumber}`,
                c.onHand !== undefined && `${c.onHand} on hand`, c.bulletinNumber && `Bulletin ${c.bulletinNumber}`,
                c.campaignId && `Recall ${c.campaignId}${c.agencyId ? ` (${c.agencyId})` : ''}`, c.topic && c.type !== 'unit' && c.topic]
                .filter(Boolean).join(' · ')}
            </p>
            {c.dataAsOf && <p class="asof">Data as of {c.dataAsOf}</p>}
          </div>
        </li>
      ))}
    </ul>
  )
}
