import { describe, expect, test } from 'bun:test'
import { matched, subjectStems } from '../../../src/agent/retrieve.ts'

describe('subject words a document mentions', () => {
  const found = (q: string, doc: string) => [...matched(subjectStems(q), doc)].sort()

  test('exact stems and plural endings count', () => {
    expect(found('winch for the grizzly', 'Warn winch kit, fits Yamaha Grizzly 700')).toEqual(subjectStems('winch grizzly').sort())
    expect(found('tire chains', 'Tire chain set')).toHaveLength(2)
  })

  test('one typo in a long word counts; in a short word, or two typos, it does not', () => {
    expect(found('stator', 'Replace the staror and regulator')).toEqual(subjectStems('stator'))
    expect(found('grizzly', 'Grizly 700 EPS')).toEqual(subjectStems('grizzly'))
    expect(found('grizzly', 'Grixly 700 EPS')).toEqual([])
    expect(found('belt', 'bolt kit')).toEqual([])
  })

  test('numbers are not typo-matched: a different year or code is a different thing', () => {
    expect(found('2024 maverick', '2025 Maverick X3')).toEqual(subjectStems('maverick'))
    expect(found('p0301', 'Code P0302: cylinder 2 misfire')).toEqual([])
  })
})
