import { describe, expect, test } from 'bun:test'
import { clip, money } from '../../../src/agent/text.ts'

describe('answer text helpers', () => {
  test('money: whole dollars without cents, anything else to the cent, thousands grouped', () => {
    expect(money(12999)).toBe('$12,999')
    expect(money(0)).toBe('$0')
    expect(money(12.5)).toBe('$12.50')
    expect(money(0.1)).toBe('$0.10')
    expect(money(1234567.891)).toBe('$1,234,567.89')
    expect(money(89.999)).toBe('$90.00')
  })

  test('clip: whitespace collapsed, cut on a word boundary', () => {
    expect(clip('  a   b  ', 10)).toBe('a b')
    expect(clip('the quick brown fox', 12)).toBe('the quick…')
  })
})
