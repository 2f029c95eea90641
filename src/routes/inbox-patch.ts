/** One inbox card as rendered: `<li id="conv-{id}">…</li>`. */
export interface RenderedCard { id: string; html: string }

const partial = (target: string, swap: string, html = '') => `<hx-partial hx-target="${target}" hx-swap="${swap}">${html}</hx-partial>`

/**
 * The smallest change that turns the list a browser shows (`before`) into `after`, as <hx-partial> blocks, or null
 * when sending the whole list is simpler (an empty list on either side, or a patch no smaller than the list).
 *
 * Cards whose HTML is unchanged and whose relative order holds (the longest run in order) stay untouched; every
 * other card is deleted and inserted at its new place, right after the nearest untouched card before it (or at the
 * top). htmx resolves all partial targets before swapping anything, so inserts only ever anchor on untouched cards.
 */
export function listPatch(before: RenderedCard[], after: RenderedCard[], wholeBytes: number): string | null {
  if (!before.length || !after.length) return null
  const oldIndex = new Map(before.map((c, i) => [c.id, i]))
  const candidates = after.flatMap((c) => {
    const i = oldIndex.get(c.id)
    return i !== undefined && before[i].html === c.html ? [{ id: c.id, i }] : []
  })
  const stable = new Set(longestIncreasing(candidates.map((c) => c.i)).map((k) => candidates[k].id))
  let out = before.filter((c) => !stable.has(c.id)).map((c) => partial(`#conv-${c.id}`, 'delete')).join('')
  let anchor: string | null = null
  let run = ''
  const flush = () => {
    if (run) out += anchor ? partial(`#conv-${anchor}`, 'afterend', run) : partial('#inbox-list', 'afterbegin', run)
    run = ''
  }
  for (const c of after) {
    if (stable.has(c.id)) { flush(); anchor = c.id } else run += c.html
  }
  flush()
  return out.length < wholeBytes ? out : null
}

/** Positions (into `xs`) of one longest strictly increasing subsequence: O(n log n) patience sorting. */
function longestIncreasing(xs: number[]): number[] {
  const tails: number[] = []
  const prev = new Array<number>(xs.length).fill(-1)
  for (let k = 0; k < xs.length; k++) {
    let lo = 0
    let hi = tails.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (xs[tails[mid]] < xs[k]) lo = mid + 1
      else hi = mid
    }
    if (lo > 0) prev[k] = tails[lo - 1]
    tails[lo] = k
  }
  const out: number[] = []
  for (let k = tails.length ? tails[tails.length - 1] : -1; k >= 0; k = prev[k]) out.push(k)
  return out.reverse()
}
