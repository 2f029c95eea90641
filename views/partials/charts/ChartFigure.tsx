import type { Child } from 'hono/jsx'
import type { Table } from '../../../src/insights/tables.ts'
import { DataTable } from './DataTable.tsx'

export interface ChartFigureProps {
  id: string
  title: string
  /** One line under the title: what is counted and how. */
  note?: string
  table: Table
  /** The CSV download of `table` (same filters). */
  csvHref: string
  children: Child
}

/** A chart with its heading, explanation, data table (in a disclosure) and CSV link. */
export function ChartFigure(p: ChartFigureProps) {
  return (
    <figure class="chart" id={p.id} aria-labelledby={`${p.id}-h`}>
      <h2 id={`${p.id}-h`}>{p.title}</h2>
      {p.note && <p class="note">{p.note}</p>}
      {p.children}
      <figcaption>
        <details>
          <summary>Data table</summary>
          <DataTable table={p.table} caption={p.title} />
        </details>
        <a href={p.csvHref} download>Download CSV</a>
      </figcaption>
    </figure>
  )
}
