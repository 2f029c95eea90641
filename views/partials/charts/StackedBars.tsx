import type { SeriesChart } from '../../../src/insights/aggregate.ts'
import { colorAt, niceMax, shortDay } from './palette.ts'

const W = 640, H = 220, L = 40, R = 8, T = 10, B = 34

/** Stacked columns, one per day or week, one colour per series; each column names its figures on hover. */
export function StackedBars({ id, chart, label }: { id: string; chart: SeriesChart; label: string }) {
  const n = Math.max(chart.buckets.length, 1)
  const totals = chart.buckets.map((_, i) => chart.series.reduce((a, s) => a + s.values[i], 0))
  const max = niceMax(Math.max(0, ...totals))
  const band = (W - L - R) / n
  const barW = Math.max(1, band * 0.75)
  const y = (v: number) => T + (H - T - B) * (1 - v / max)
  const every = Math.ceil(n / 10)
  const x = (i: number) => L + i * band + (band - barW) / 2
  // One path per series (its segment in every column) and one hover target per column naming all its segments:
  // a year of weekly columns is a few dozen elements, not one rect and tooltip per segment.
  const acc = chart.buckets.map(() => 0)
  const w = barW.toFixed(1)
  const paths = chart.series.map((s) => s.values.map((v, i) => {
    if (!v) return ''
    const top = y(acc[i] + v), h = y(acc[i]) - top
    acc[i] += v
    return `M${x(i).toFixed(1)} ${top.toFixed(1)}h${w}v${h.toFixed(1)}h-${w}z`
  }).join(''))
  const sums = chart.series.map((s) => `${s.key} ${s.values.reduce((a, b) => a + b, 0)}`)
  const desc = chart.series.length ? `Totals: ${sums.join(', ')}. Highest ${label} in one period: ${Math.max(0, ...totals)}.` : 'No data in this range.'
  return (
    <div class="chart-body">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${id}-t ${id}-d`} aria-label={`${label} per period`} class="chart-svg">
        <title id={`${id}-t`}>{`${label} per period`}</title>
        <desc id={`${id}-d`}>{desc}</desc>
        {[0, 0.5, 1].map((f) => (
          <g class="grid">
            <line x1={L} x2={W - R} y1={y(max * f)} y2={y(max * f)} stroke="#ddd" />
            <text x={L - 4} y={y(max * f) + 4} text-anchor="end" font-size="10">{Math.round(max * f)}</text>
          </g>
        ))}
        {paths.map((d, si) => d && <path d={d} fill={colorAt(si)} />)}
        {chart.buckets.map((b, i) => {
          const parts = chart.series.filter((s) => s.values[i])
          return (
            <g>
              {parts.length > 0 && (
                <rect x={x(i).toFixed(1)} y={T} width={barW.toFixed(1)} height={H - T - B} fill="transparent">
                  <title>{`${b}: ${parts.map((s) => `${s.key} ${s.values[i]}`).join(', ')}`}</title>
                </rect>
              )}
              {i % every === 0 && <text x={(x(i) + barW / 2).toFixed(1)} y={H - B + 14} text-anchor="middle" font-size="10">{shortDay(b)}</text>}
            </g>
          )
        })}
      </svg>
      <ul class="legend">
        {chart.series.map((s, i) => <li><span class="swatch" style={`background:${colorAt(i)}`} aria-hidden="true"></span>{s.key}</li>)}
      </ul>
    </div>
  )
}
