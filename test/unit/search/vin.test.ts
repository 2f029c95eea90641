import { describe, expect, test } from 'bun:test'
import fc from 'fast-check'
import { isValidVin, vinCheckDigit, vinInRange, withCheckDigit } from '../../../src/search/vin.ts'

const VIN_CHARS = 'ABCDEFGHJKLMNPRSTUVWXYZ0123456789'.split('')
const vinBody = fc.array(fc.constantFrom(...VIN_CHARS), { minLength: 17, maxLength: 17 }).map((a) => a.join(''))

describe('VIN check digit', () => {
  test('a published example validates', () => {
    expect(vinCheckDigit('1M8GDM9AXKP042788')).toBe('X')
    expect(isValidVin('1M8GDM9AXKP042788')).toBe(true)
    expect(isValidVin('1M8GDM9A1KP042788')).toBe(false)
    expect(isValidVin('1M8GDM9AXKP04278')).toBe(false)
    expect(isValidVin('IM8GDM9AXKP042788')).toBe(false) // I is not allowed
  })
  test('withCheckDigit always produces a valid VIN', () => {
    fc.assert(fc.property(vinBody, (v) => isValidVin(withCheckDigit(v))))
  })
  test('changing one character of the serial almost always breaks the check digit', () => {
    fc.assert(fc.property(vinBody, fc.integer({ min: 11, max: 16 }), fc.constantFrom(...'0123456789'.split('')), (v, pos, c) => {
      const good = withCheckDigit(v)
      const bad = good.slice(0, pos) + c + good.slice(pos + 1)
      return bad === good || (isValidVin(bad) === (vinCheckDigit(bad) === good[8]))
    }))
  })
})

describe('recall VIN ranges', () => {
  const from = withCheckDigit('3NSRAE990RM110000'), to = withCheckDigit('3NSRAE990RM139999')
  test('same model descriptor, year and plant, serial between the ends', () => {
    expect(vinInRange(withCheckDigit('3NSRAE990RM120500'), from, to)).toBe(true)
    expect(vinInRange(withCheckDigit('3NSRAE990RM140000'), from, to)).toBe(false)
    expect(vinInRange(withCheckDigit('3NSRAE990PM120500'), from, to)).toBe(false) // other model year
    expect(vinInRange(withCheckDigit('3NSGAE990RM120500'), from, to)).toBe(false) // other model
  })
})
