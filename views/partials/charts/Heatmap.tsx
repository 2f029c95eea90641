const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']
const W = 640, L = 36, T = 14, CELL_H = 20

/** Weekday x hour grid; darker is busier. Each cell names its count on hover. */
export function Heatmap({ id, grid, label }: { id: string; grid: number[][]; label: string }) {
  const max = Math.max(1, ...grid.flat())
  const cw = (W - L) / 24
  const H = T + 7 * CELL_H + 4
  let peak = { d: 0, h: 0, n: -1 }
  grid.forEach((row, d) => row.forEach((n, h) => { if (n > peak.n) peak = { d, h, n } }))
  const desc = peak.n > 0 ? `Busiest: ${DAYS[peak.d]} ${peak.h}:00-${peak.h + 1}:00 with ${peak.n} ${label}.` : `No ${label} in this range.`
  return (
    <div class="chart-body">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${id}-t ${id}-d`} aria-label={`${label} by weekday and hour`} class="chart-svg">
        <title id={`${id}-t`}>{`${label} by weekday and hour`}</title>
        <desc id={`${id}-d`}>{desc}</desc>
        {[0, 6, 12, 18].map((h) => <text x={L + h * cw} y={10} font-size="10">{`${h}:00`}</text>)}
        {grid.map((row, d) => (
          <g>
            <text x={L - 4} y={T + d * CELL_H + 14} text-anchor="end" font-size="11">{DAYS[d]}</text>
            {row.map((n, h) => (
              <rect x={(L + h * cw).toFixed(1)} y={T + d * CELL_H} width={(cw - 1).toFixed(1)} height={CELL_H - 1}
                fill="#0072B2" fill-opacity={n ? (0.12 + 0.88 * (n / max)).toFixed(2) : '0.04'}>
                <title>{`${DAYS[d]} ${h}:00: ${n}`}</title>
              </rect>
            ))}
          </g>
        ))}
      </svg>
    </div>
  )
}
