import type { ResponseRow } from '../../../src/insights/queries.ts'
import { duration } from '../../../src/insights/aggregate.ts'
import { colorAt, niceMax } from './palette.ts'

const W = 640, L = 120, R = 90, ROW = 34, T = 6

/** Median (bar) and 90th percentile (tick) time to a person's first reply per priority, against its target (dashed line). */
export function TargetBars({ id, rows }: { id: string; rows: ResponseRow[] }) {
  const H = T * 2 + Math.max(rows.length, 1) * ROW
  const max = niceMax(Math.max(1, ...rows.flatMap((r) => [r.p90Seconds, (r.targetMinutes ?? 0) * 60])))
  const x = (sec: number) => L + (W - L - R) * Math.min(sec / max, 1)
  const desc = rows.length
    ? rows.map((r) => `${r.priority}: median ${duration(r.medianSeconds)}, 90% within ${duration(r.p90Seconds)}, target ${r.targetMinutes == null ? 'none' : duration(r.targetMinutes * 60)}, ${r.late} of ${r.responses} late`).join('; ')
    : 'No first replies in this range.'
  return (
    <div class="chart-body">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${id}-t ${id}-d`} aria-label="Time to first human reply by priority" class="chart-svg">
        <title id={`${id}-t`}>Time to first human reply by priority, against target</title>
        <desc id={`${id}-d`}>{desc}</desc>
        {rows.map((r, i) => {
          const top = T + i * ROW
          const late = r.targetMinutes != null && r.medianSeconds > r.targetMinutes * 60
          return (
            <g>
              <text x={L - 6} y={top + 19} text-anchor="end" font-size="12">{r.priority}</text>
              <rect x={L} y={top + 6} width={(x(r.medianSeconds) - L).toFixed(1)} height={18} fill={late ? colorAt(5) : colorAt(0)}>
                <title>{`${r.priority}: median ${duration(r.medianSeconds)} over ${r.responses} replies`}</title>
              </rect>
              <line x1={x(r.p90Seconds)} x2={x(r.p90Seconds)} y1={top + 3} y2={top + 27} stroke="#333" stroke-width="2"><title>{`90th percentile ${duration(r.p90Seconds)}`}</title></line>
              {r.targetMinutes != null && (
                <line x1={x(r.targetMinutes * 60)} x2={x(r.targetMinutes * 60)} y1={top} y2={top + ROW} stroke="#D55E00" stroke-dasharray="4 3" stroke-width="2"><title>{`target ${duration(r.targetMinutes * 60)}`}</title></line>
              )}
              <text x={W - R + 6} y={top + 19} font-size="11">{`${duration(r.medianSeconds)} / ${r.targetMinutes == null ? '–' : duration(r.targetMinutes * 60)}`}</text>
            </g>
          )
        })}
      </svg>
      <ul class="legend">
        <li><span class="swatch" style={`background:${colorAt(0)}`} aria-hidden="true"></span>median (red when over target)</li>
        <li><span class="swatch tick" aria-hidden="true"></span>90th percentile</li>
        <li><span class="swatch dashed" aria-hidden="true"></span>target</li>
      </ul>
    </div>
  )
}
