import { describe, expect, test } from 'bun:test'
import fc from 'fast-check'
import { listPatch, type RenderedCard } from '../../src/routes/inbox-patch.ts'

interface Node { id: string; html: string }

/**
 * Applies a patch the way htmx 4 does: every partial's target is looked up first (by id, in the list as it was),
 * then the swaps run in order; a target removed by an earlier swap is skipped.
 */
function apply(list: Node[], patch: string): Node[] {
  const dom = [...list]
  const ops = [...patch.matchAll(/<hx-partial hx-target="#([^"]+)" hx-swap="([^"]+)">([^]*?)<\/hx-partial>/g)].map((m) => ({
    target: m[1] === 'inbox-list' ? 'list' as const : dom.find((n) => `conv-${n.id}` === m[1]), swap: m[2], html: m[3],
  }))
  const parse = (html: string): Node[] => [...html.matchAll(/<li id="conv-([^"]+)">([^<]*)<\/li>/g)].map((m) => ({ id: m[1], html: m[0] }))
  for (const op of ops) {
    if (!op.target) continue
    if (op.target === 'list') { expect(op.swap).toBe('afterbegin'); dom.unshift(...parse(op.html)); continue }
    const at = dom.indexOf(op.target)
    if (at < 0) continue
    if (op.swap === 'delete') dom.splice(at, 1)
    else if (op.swap === 'afterend') dom.splice(at + 1, 0, ...parse(op.html))
    else throw new Error(`unexpected swap ${op.swap}`)
  }
  return dom
}

const card = (id: string, v: number): RenderedCard => ({ id, html: `<li id="conv-${id}">${id}:${v}</li>` })

describe('inbox list patches', () => {
  test('a message moving a card to the top is one delete and one insert', () => {
    const before = ['a', 'b', 'c', 'd'].map((id) => card(id, 0))
    const after = [card('c', 1), card('a', 0), card('b', 0), card('d', 0)]
    const patch = listPatch(before, after, 10_000)!
    expect(patch.match(/<hx-partial/g)).toHaveLength(2)
    expect(apply(before, patch).map((n) => n.html)).toEqual(after.map((c) => c.html))
  })

  test('empty lists and patches bigger than the list fall back to the whole list', () => {
    expect(listPatch([], [card('a', 0)], 10_000)).toBeNull()
    expect(listPatch([card('a', 0)], [], 10_000)).toBeNull()
    expect(listPatch([card('a', 0)], [card('a', 1)], 10)).toBeNull()
  })

  test('any change of order, content, membership turns the shown list into the new one', () => {
    const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']
    const list = fc.uniqueArray(fc.record({ id: fc.constantFrom(...ids), v: fc.integer({ min: 0, max: 2 }) }), { selector: (x) => x.id, minLength: 1, maxLength: 8 })
    fc.assert(fc.property(list, list, (b, a) => {
      const before = b.map((x) => card(x.id, x.v))
      const after = a.map((x) => card(x.id, x.v))
      const patch = listPatch(before, after, Number.MAX_SAFE_INTEGER)
      expect(patch).not.toBeNull()
      expect(apply(before, patch!).map((n) => n.html)).toEqual(after.map((c) => c.html))
    }), { numRuns: 2000 })
  })
})
