import { colorAt, niceMax } from './palette.ts'

const W = 640, L = 60, R = 60, ROW = 24

/** How many closed chats got each star rating, 5 at the top. */
export function StarBars({ id, stars }: { id: string; stars: number[] }) {
  const max = niceMax(Math.max(1, ...stars))
  const total = stars.reduce((a, b) => a + b, 0)
  const order = [4, 3, 2, 1, 0]
  const H = order.length * ROW + 6
  const desc = total ? order.map((i) => `${i + 1} stars: ${stars[i]}`).join(', ') : 'No chat ratings in this range.'
  return (
    <div class="chart-body">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${id}-t ${id}-d`} aria-label="Chat ratings from 1 to 5 stars" class="chart-svg">
        <title id={`${id}-t`}>Chat ratings from 1 to 5 stars</title>
        <desc id={`${id}-d`}>{desc}</desc>
        {order.map((i, row) => (
          <g>
            <text x={L - 6} y={row * ROW + 17} text-anchor="end" font-size="12">{`${i + 1} ★`}</text>
            <rect x={L} y={row * ROW + 4} width={((W - L - R) * stars[i] / max).toFixed(1)} height={16} fill={colorAt(i >= 3 ? 2 : i === 2 ? 1 : 5)}>
              <title>{`${i + 1} stars: ${stars[i]}`}</title>
            </rect>
            <text x={L + (W - L - R) * stars[i] / max + 6} y={row * ROW + 17} font-size="11">{stars[i]}</text>
          </g>
        ))}
      </svg>
    </div>
  )
}
