import { describe, expect, test } from 'bun:test'
import {
  describeWeek, formatOpening, isOpen, localTime, nextOpening, parseDayHours, parseDays, stem, tokenize, zonedTime, type Department,
} from '../../../src/escalation/index.ts'
import { PhraseIndex } from '../../../src/escalation/phrases.ts'

describe('stemmer', () => {
  const same: string[][] = [
    ['bike', 'bikes', 'biking'],
    ['start', 'starts', 'started', 'starting'],
    ['overheat', 'overheats', 'overheated', 'overheating'],
    ['battery', 'batteries'],
    ['stop', 'stopped', 'stopping'],
    ['stall', 'stalled', 'stalling'],
    ['finance', 'financed', 'financing'],
    ['switch', 'switches'],
    ['ride', 'rides', 'riding'],
  ]
  for (const group of same) test(`${group.join(' = ')}`, () => expect(new Set(group.map(stem)).size).toBe(1))
  const apart: [string, string][] = [['tired', 'tire'], ['made', 'mad'], ['string', 'str'], ['p0301', 'p0301s']]
  for (const [a, b] of apart) test(`${a} ≠ ${b}`, () => expect(stem(a)).not.toBe(stem(b)))
  test('tokens keep offsets of the original text', () => {
    const text = "My bike WON'T start — café"
    const toks = tokenize(text)
    expect(toks.map((t) => t.word)).toEqual(['my', 'bike', 'wont', 'start', 'cafe'])
    for (const t of toks) expect(text.slice(t.start, t.end).length).toBeGreaterThan(0)
    expect(text.slice(toks[2].start, toks[2].end)).toBe("WON'T")
  })
})

describe('phrase index', () => {
  test('rejects keywords it cannot match, with the reason', () => {
    const idx = new PhraseIndex()
    expect(idx.add('!!!')).toContain('no letters or digits')
    expect(idx.add('... start')).toContain("'...' must sit between two words")
    expect(idx.add('start ...')).toContain("'...' must sit between two words")
    expect(idx.add('ab*')).toContain('too short')
    expect(idx.add('=')).toEqual(expect.any(String))
  })
  test('the same keyword written twice is one phrase', () => {
    const idx = new PhraseIndex()
    expect(idx.add('Broke Down')).toBe(idx.add('broke down') as number)
    expect(idx.size).toBe(1)
  })
  test('only the first occurrence is recorded, and a second scan forgets the first', () => {
    const idx = new PhraseIndex()
    const id = idx.add('quad') as number
    idx.scan(tokenize('quad and another quad'))
    expect(idx.start(id)).toBe(0)
    idx.scan(tokenize('no match here'))
    expect(idx.start(id)).toBe(-1)
  })
})

const dept = (weekly: Department['weekly'], closures: Department['closures'] = []): Department => ({
  id: 'service', label: 'Service', timezone: 'America/Chicago', weekly, closures,
})
const split = [{ start: 450, end: 720 }, { start: 780, end: 1050 }] // 7:30-12:00, 13:00-17:30
const service = dept([[], [], split, split, split, split, [{ start: 480, end: 720 }]], [
  { date: '2026-11-27', name: 'Day after Thanksgiving', hours: [] },
  { date: '12-24', name: 'Christmas Eve', hours: [{ start: 480, end: 600 }] },
  { date: '12-25', name: 'Christmas', hours: [] },
])
const at = (iso: string) => new Date(iso)

describe('hours', () => {
  const OPEN: [string, boolean][] = [
    ['2026-11-24T07:29:00-06:00', false],
    ['2026-11-24T07:30:00-06:00', true],
    ['2026-11-24T11:59:00-06:00', true],
    ['2026-11-24T12:00:00-06:00', false], // lunch
    ['2026-11-24T13:00:00-06:00', true],
    ['2026-11-24T17:30:00-06:00', false],
    ['2026-11-23T10:00:00-06:00', false], // Monday
    ['2026-11-27T10:00:00-06:00', false], // one-off closure (Friday)
    ['2026-12-24T09:00:00-06:00', true], // short day, yearly
    ['2026-12-24T10:30:00-06:00', false],
    ['2027-12-24T09:00:00-06:00', true], // the yearly closure applies next year too (a Friday)
    ['2026-11-24T16:30:00Z', true], // same instant expressed in UTC (10:30 local)
  ]
  for (const [iso, open] of OPEN) test(`${iso} ${open ? 'open' : 'closed'}`, () => expect(isOpen(service, at(iso))).toBe(open))

  const NEXT: [string, string, string][] = [
    ['2026-11-24T10:00:00-06:00', '2026-11-24T10:00:00-06:00', 'now'],
    ['2026-11-24T12:10:00-06:00', '2026-11-24T13:00:00-06:00', 'today at 1:00 PM'],
    ['2026-11-24T18:00:00-06:00', '2026-11-25T07:30:00-06:00', 'tomorrow at 7:30 AM'],
    ['2026-11-21T13:00:00-06:00', '2026-11-24T07:30:00-06:00', 'Tuesday at 7:30 AM'], // Saturday afternoon → Tuesday
    ['2026-11-26T18:00:00-06:00', '2026-11-28T08:00:00-06:00', 'Saturday at 8:00 AM'], // skips the Friday closure
    ['2026-12-24T11:00:00-06:00', '2026-12-26T08:00:00-06:00', 'Saturday at 8:00 AM'], // skips Christmas
  ]
  for (const [now, expected, words] of NEXT) {
    test(`next opening after ${now}`, () => {
      const n = nextOpening(service, at(now))!
      expect(n.toISOString()).toBe(at(expected).toISOString())
      expect(formatOpening(n, at(now), 'America/Chicago')).toBe(words)
    })
  }

  test('daylight saving: opening times stay on the wall clock', () => {
    const everyDay = dept(Array.from({ length: 7 }, () => [{ start: 540, end: 1020 }]))
    // US DST starts 2027-03-14 and ends 2026-11-01: 9:00 local is 15:00Z in winter, 14:00Z in summer
    expect(nextOpening(everyDay, at('2027-03-13T20:00:00-06:00'))!.toISOString()).toBe('2027-03-14T14:00:00.000Z')
    expect(nextOpening(everyDay, at('2026-10-31T20:00:00-05:00'))!.toISOString()).toBe('2026-11-01T15:00:00.000Z')
    expect(zonedTime(2026, 7, 4, 540, 'America/Chicago').toISOString()).toBe('2026-07-04T14:00:00.000Z')
  })

  test('never open: undefined, and a sensible sentence', () => {
    const never = dept([[], [], [], [], [], [], []])
    expect(nextOpening(never, at('2026-11-24T10:00:00-06:00'))).toBeUndefined()
    expect(formatOpening(undefined, new Date(), 'America/Chicago')).toBe('when we reopen')
  })

  test('far openings name the date', () => {
    const now = at('2026-11-24T10:00:00-06:00')
    expect(formatOpening(at('2026-12-07T09:00:00-06:00'), now, 'America/Chicago')).toBe('Monday, Dec 7 at 9:00 AM')
  })

  test('local time in the store time zone', () => {
    expect(localTime(at('2026-11-24T03:30:00Z'), 'America/Chicago')).toEqual({ year: 2026, month: 11, day: 23, weekday: 1, minutes: 21 * 60 + 30 })
  })

  test('week description', () => {
    expect(describeWeek(service)).toBe('Mon closed; Tue-Fri 7:30 AM-noon, 1:00 PM-5:30 PM; Sat 8:00 AM-noon; Sun closed')
  })

  const PARSE: [string | string[], string | [number, number][]][] = [
    ['9:00-17:30', [[540, 1050]]],
    ['9am-5:30pm', [[540, 1050]]],
    ['7:30 to noon', [[450, 720]]],
    [['7:30-12:00', '13:00-17:30'], [[450, 720], [780, 1050]]],
    ['13:00-17:30, 7:30-12:00', [[450, 720], [780, 1050]]],
    ['closed', []],
    ['24h', [[0, 1440]]],
    ['17:00-9:00', 'ends before it starts'],
    ['9:00-12:00, 11:00-14:00', 'overlap'],
    ['25:00-26:00', 'past 24:00'],
    ['9:75-10:00', 'more than 59 minutes'],
    ['nine to five', 'not a time'],
  ]
  for (const [spec, want] of PARSE) {
    test(`parse hours ${JSON.stringify(spec)}`, () => {
      const r = parseDayHours(spec)
      if (typeof want === 'string') expect(r).toEqual(expect.stringContaining(want))
      else expect(r).toEqual(want.map(([start, end]) => ({ start, end })))
    })
  }

  test('parse days', () => {
    expect(parseDays('mon-fri')).toEqual([1, 2, 3, 4, 5])
    expect(parseDays('Fri-Mon')).toEqual([5, 6, 0, 1])
    expect(parseDays('tue, thu')).toEqual([2, 4])
    expect(parseDays('weekends')).toEqual([0, 6])
    expect(parseDays('funday')).toEqual(expect.stringContaining('not a day of the week'))
  })
})
