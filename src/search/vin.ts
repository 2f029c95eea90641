/** VIN check digit (49 CFR 565): position 9 is the weighted sum of the others mod 11, 10 written as X. */
const TRANSLIT: Record<string, number> = {
  A: 1, B: 2, C: 3, D: 4, E: 5, F: 6, G: 7, H: 8, J: 1, K: 2, L: 3, M: 4, N: 5, P: 7, R: 9,
  S: 2, T: 3, U: 4, V: 5, W: 6, X: 7, Y: 8, Z: 9,
}
const WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]
export const VIN_PATTERN = /^[A-HJ-NPR-Z0-9]{17}$/

export function vinCheckDigit(vin: string): string {
  let sum = 0
  for (let i = 0; i < 17; i++) {
    const c = vin[i]
    const value = c >= '0' && c <= '9' ? Number(c) : TRANSLIT[c] ?? 0
    sum += value * WEIGHTS[i]
  }
  const r = sum % 11
  return r === 10 ? 'X' : String(r)
}

export function isValidVin(vin: string): boolean {
  const v = vin.toUpperCase()
  return VIN_PATTERN.test(v) && vinCheckDigit(v) === v[8]
}

/** Returns the VIN with its check digit (position 9) set correctly. */
export function withCheckDigit(vin17: string): string {
  const v = vin17.toUpperCase()
  return v.slice(0, 8) + vinCheckDigit(v) + v.slice(9)
}

/**
 * A recall's VIN range covers a VIN when the model descriptor (1–8), model year and plant (10–11)
 * match the range start and the serial (12–17) lies between the two ends.
 */
export function vinInRange(vin: string, from: string, to: string): boolean {
  const v = vin.toUpperCase(), a = from.toUpperCase(), b = to.toUpperCase()
  if (v.length !== 17 || a.length !== 17 || b.length !== 17) return false
  if (v.slice(0, 8) !== a.slice(0, 8) || v.slice(9, 11) !== a.slice(9, 11)) return false
  const serial = v.slice(11)
  return serial >= a.slice(11) && serial <= b.slice(11)
}
