/** Card numbers, SSNs and dates of birth never reach storage or an LLM. */
const CARD = /\b(?:\d[ -]?){12,18}\d\b/g
const SSN = /\b\d{3}[- ]\d{2}[- ]\d{4}\b/g
/** Nine digits in a row count as an SSN only when the rider says so (they could be a part or phone number). */
const SSN_LABELLED = /\b(ssn|social(?: security)?(?: number| no\.?| #)?)(\s*(?:is|:|#)?\s*)\d{9}\b/gi
const DOB = /\b(?:dob|date of birth|born(?: on)?|birth ?date)\s*[:\-]?\s*(\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2})/gi

export interface Redaction { text: string; kinds: string[] }

/** Luhn check keeps VINs, phone numbers and part numbers from being mistaken for cards. */
function luhn(digits: string): boolean {
  let sum = 0
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i])
    if (i % 2 === 1) { d *= 2; if (d > 9) d -= 9 }
    sum += d
  }
  return sum % 10 === 0
}

export function redact(text: string): Redaction {
  const kinds = new Set<string>()
  let out = text.replace(CARD, (m) => {
    const digits = m.replace(/\D/g, '')
    if (digits.length < 13 || digits.length > 19 || !luhn(digits)) return m
    kinds.add('card')
    return '[card number removed]'
  })
  out = out.replace(SSN, () => (kinds.add('ssn'), '[SSN removed]'))
  out = out.replace(SSN_LABELLED, (_m, label: string, sep: string) => (kinds.add('ssn'), `${label}${sep}[SSN removed]`))
  out = out.replace(DOB, (m, date: string) => (kinds.add('dob'), m.replace(date, '[date of birth removed]')))
  return { text: out, kinds: [...kinds] }
}
