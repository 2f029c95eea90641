import { describe, expect, test } from 'bun:test'
import { redact } from '../../../src/agent/redact.ts'

describe('redact', () => {
  test.each([
    ['my card is 4111 1111 1111 1111 exp 12/28', ['card'], '4111'],
    ['ssn 123-45-6789', ['ssn'], '6789'],
    ['my social security number is 123456789', ['ssn'], '123456789'],
    ['DOB: 04/12/1988', ['dob'], '1988'],
    ['born on 1990-02-03', ['dob'], '1990-02-03'],
  ])('%p', (text, kinds, gone) => {
    const r = redact(text)
    expect(r.kinds).toEqual(kinds)
    expect(r.text).not.toContain(gone)
  })
  test.each(['VIN JH2SD1008TK121538', 'call 555-201-3344', 'part 17690-ESH-H70', 'stock N26-0188', 'my 2019 Grizzly', 'part 123456789 please'])('keeps %p', (text) => {
    expect(redact(text)).toEqual({ text, kinds: [] })
  })
})
