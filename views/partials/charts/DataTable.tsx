import type { Table } from '../../../src/insights/tables.ts'

/** The numbers behind a chart, as a plain table: what screen readers and no-SVG browsers read. */
export function DataTable({ table, caption }: { table: Table; caption: string }) {
  return (
    <table class="data">
      <caption>{caption}</caption>
      <thead><tr>{table.columns.map((c) => <th scope="col">{c.replace(/_/g, ' ')}</th>)}</tr></thead>
      <tbody>
        {table.rows.length === 0 && <tr><td colspan={table.columns.length}>No data in this range.</td></tr>}
        {table.rows.map(([head, ...rest]) => <tr><th scope="row">{head ?? ''}</th>{rest.map((c) => <td>{c ?? ''}</td>)}</tr>)}
      </tbody>
    </table>
  )
}
