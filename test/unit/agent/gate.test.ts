import { describe, expect, test } from 'bun:test'
import { SentenceGate, stripMarkers } from '../../../src/agent/gate.ts'

const ctx = () => ({ sources: [], riderText: '' })

describe('sentence gate', () => {
  test('releases whole sentences, without citation markers', () => {
    const out: string[] = []
    const g = new SentenceGate((d) => out.push(d), ctx)
    for (const d of ['The Grizzly is $12,', '499 [[unit-N26', '-0188]]. It is in']) g.push(d)
    expect(out.join('')).toBe('The Grizzly is $12,499.')
    g.push(' stock. Want more?')
    expect(out.join('')).toBe('The Grizzly is $12,499. It is in stock.')
    g.flush()
    expect(out.join('')).toBe('The Grizzly is $12,499. It is in stock. Want more?')
  })
  test('stops before a forbidden sentence and shows nothing after it', () => {
    const out: string[] = []
    const g = new SentenceGate((d) => out.push(d), ctx)
    for (const d of ['It is $12,499. ', 'That is about $210 a ', 'month with 3.9% APR. ', 'Great deal! ']) g.push(d)
    g.flush()
    expect(out.join('')).toBe('It is $12,499.')
    expect(g.blocked).toBe(true)
  })
  test('stripMarkers', () => {
    expect(stripMarkers('Yes [[a-1]], and [[b_2]].')).toBe('Yes, and.')
  })
})
