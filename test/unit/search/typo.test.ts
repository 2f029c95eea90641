import { describe, expect, test } from 'bun:test'
import { Vocabulary, boundedLevenshtein } from '../../../src/search/typo.ts'

const stem = (w: string) => w.replace(/(s|ing)$/, '')

describe('typo correction against the indexed vocabulary', () => {
  const v = new Vocabulary(stem)
  v.add('Polaris Sportsman radiator coolant overheating')
  v.add('Polaris Ranger radiator')
  test('one typo from five letters, two from nine', () => {
    expect(v.correct('polaaris radiatr').text).toBe('polaris radiator')
    expect(v.correct('sportzmann').text).toBe('sportsman')
    expect(v.correct('overheeting').text).toBe('overheating')
  })
  test('short words, known words and words with digits are left alone', () => {
    expect(v.correct('hot fan').text).toBe('hot fan')
    expect(v.correct('N260002 P0217').text).toBe('N260002 P0217')
    expect(v.correct('ranger').corrections).toEqual([])
  })
  test('too far is not corrected; removed documents stop counting', () => {
    expect(v.correct('radishes').text).toBe('radishes')
    v.remove('Polaris Ranger radiator')
    v.remove('Polaris Sportsman radiator coolant overheating')
    expect(v.size).toBe(0)
    expect(v.correct('polaaris').text).toBe('polaaris')
  })
  test('bounded edit distance counts an adjacent swap as one edit', () => {
    expect(boundedLevenshtein('polaris', 'plaoris', 1)).toBe(-1)
    expect(boundedLevenshtein('polaris', 'poalris', 1)).toBe(1)
    expect(boundedLevenshtein('kitten', 'sitting', 3)).toBe(3)
    expect(boundedLevenshtein('kitten', 'sitting', 2)).toBe(-1)
  })
})
