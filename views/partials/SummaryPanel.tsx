/** The handoff package: headline and labelled facts, so staff act without reading the whole transcript. */
export function SummaryPanel({ summary }: { summary: string | null }) {
  if (!summary) return <section id="summary" class="panel summary" hidden></section>
  const [headline, ...rest] = summary.split('\n')
  return (
    <section id="summary" class="panel summary">
      <h2>Handoff summary</h2>
      <p class="headline">{headline}</p>
      <dl>
        {rest.map((line) => {
          const i = line.indexOf(': ')
          return i > 0 ? <><dt>{line.slice(0, i)}</dt><dd>{line.slice(i + 2)}</dd></> : <dd>{line}</dd>
        })}
      </dl>
    </section>
  )
}
