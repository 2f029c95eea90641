import { describe, expect, test } from 'bun:test'
import { analyzeQuery, expandSynonyms, findIdentifiers, identifierKeys, meiliSynonyms, normalizeIdentifier, semanticRatioFor } from '../../../src/search/query.ts'

describe('identifiers in rider text', () => {
  const values = (q: string) => findIdentifiers(q).map((i) => i.value)
  test.each<[string, string, string]>([
    ['JH2PC6805TK177060', 'JH2PC6805TK177060', 'vin'],
    ['is stk n26-0150 still available', 'N260150', 'code'],
    ['stock #U25-0102', 'U250102', 'code'],
    ['do you have 22140-EXV-E31 in stock', '22140EXVE31', 'code'],
    ['what does code p0217 mean', 'P0217', 'fault_code'],
    ['recall 24V-512', '24V512', 'campaign'],
    ['last 6 of my vin is 141397', '141397', 'vin_suffix'],
  ])('%s -> %s', (q, value, kind) => {
    expect(findIdentifiers(q)).toContainEqual({ value, kind: kind as never })
  })
  test('joins split codes: "sb 24-011", "spn 520207", "15400 PLM A02"', () => {
    expect(values('sb 24-011')).toContain('SB24011')
    expect(values('spn 520207')).toContain('SPN520207')
    expect(values('15400 PLM A02')).toContain('15400PLMA02')
  })
  test('years, engine sizes and plain words are not identifiers', () => {
    expect(values('2021 sportsman 570 with 1000 miles')).toEqual([])
    expect(values('my quad is running hot')).toEqual([])
  })
  test('normalizes case and punctuation', () => {
    expect(normalizeIdentifier(' 15400-plm a02 ')).toBe('15400PLMA02')
  })
  test('documents are found by their VIN, last 8 and last 6', () => {
    expect(identifierKeys(['N26-0001'], ['4xasee570th100001'])).toEqual(['N260001', '4XASEE570TH100001', 'TH100001', '100001'])
  })
})

describe('semantic ratio', () => {
  test('low for identifiers, higher for questions than for keywords', () => {
    const id = semanticRatioFor(analyzeQuery('P0335'), 0)
    const found = semanticRatioFor(analyzeQuery('N26-0101'), 1)
    const kw = semanticRatioFor(analyzeQuery('oil filter'), 0)
    const question = semanticRatioFor(analyzeQuery('why does my quad overheat in mud?'), 0)
    expect(id).toBeLessThan(kw)
    expect(found).toBeLessThan(kw)
    expect(question).toBeGreaterThan(kw)
  })
  test('questions are recognised by their shape', () => {
    expect(analyzeQuery("atv won't start, it just clicks").question).toBe(true)
    expect(analyzeQuery('honda rebel 500').question).toBe(false)
  })
})

describe('powersports synonyms', () => {
  test.each([
    ['my quad overheats', 'atv'], ['four wheeler tires', 'quad'], ['side by side belt', 'utv'], ['sxs', 'side by side'],
    ['sled track', 'snowmobile'], ['jet ski impeller', 'pwc'], ['waverunner cover', 'sea-doo'], ['bike battery', 'motorcycle'],
  ])('%s mentions %s', (q, term) => {
    expect(expandSynonyms(q).toLowerCase()).toContain(term)
  })
  test('no synonym, no change; whole words only', () => {
    expect(expandSynonyms('oil filter')).toBe('oil filter')
    expect(expandSynonyms('squadron')).toBe('squadron')
  })
  test('Meilisearch gets every term mapped to all others', () => {
    const s = meiliSynonyms()
    expect(s.quad).toEqual(expect.arrayContaining(['atv', 'four wheeler']))
    expect(s.atv).toContain('quad')
    expect(s.waverunner).toContain('jet ski')
  })
})
