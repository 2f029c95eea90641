/**
 * Load-time check that a dealer's regex cannot backtrack catastrophically. JavaScriptCore (Bun) takes seconds on
 * `.*a.*b` over 1,000 characters, so besides the classic `(a+)+`, `(a|a)*` and back-references this also rejects
 * two open-ended repeats that can match the same text. The check is conservative: some safe patterns are refused,
 * and the message says how to rewrite them (a bounded repeat such as `.{0,40}`).
 */

/** A set of characters: 128 ASCII bits plus "anything beyond ASCII". */
class CharSet {
  bits = new Uint32Array(4)
  other = false

  static of(chars: string): CharSet {
    const s = new CharSet()
    for (const c of chars) s.addCode(c.codePointAt(0)!)
    return s
  }
  static range(a: number, b: number): CharSet {
    const s = new CharSet()
    for (let c = a; c <= Math.min(b, 127); c++) s.addCode(c)
    if (b > 127) s.other = true
    return s
  }
  addCode(c: number): void {
    if (c < 128) this.bits[c >> 5] |= 1 << (c & 31)
    else this.other = true
  }
  add(o: CharSet): this {
    for (let i = 0; i < 4; i++) this.bits[i] |= o.bits[i]
    this.other ||= o.other
    return this
  }
  negate(): CharSet {
    const s = new CharSet()
    for (let i = 0; i < 4; i++) s.bits[i] = ~this.bits[i]
    s.other = true
    return s
  }
  intersects(o: CharSet): boolean {
    if (this.other && o.other) return true
    for (let i = 0; i < 4; i++) if ((this.bits[i] & o.bits[i]) !== 0) return true
    return false
  }
  subsetOf(o: CharSet): boolean {
    if (this.other && !o.other) return false
    for (let i = 0; i < 4; i++) if ((this.bits[i] & ~o.bits[i]) !== 0) return false
    return true
  }
  isEmpty(): boolean {
    return !this.other && this.bits.every((b) => b === 0)
  }
  /** Adds the other case of every ASCII letter (the engine matches case-insensitively). */
  fold(): this {
    for (let c = 65; c <= 90; c++) {
      const up = (this.bits[c >> 5] >> (c & 31)) & 1
      const lo = (this.bits[(c + 32) >> 5] >> ((c + 32) & 31)) & 1
      if (up || lo) {
        this.addCode(c)
        this.addCode(c + 32)
      }
    }
    return this
  }
}

const DIGIT = CharSet.range(48, 57)
const WORDC = CharSet.range(48, 57).add(CharSet.range(65, 90)).add(CharSet.range(97, 122)).add(CharSet.of('_'))
const SPACE = CharSet.of(' \t\n\r\v\f\u00a0')
SPACE.other = true
const DOT = CharSet.of('\n\r').negate()

type Node =
  | { kind: 'set'; set: CharSet }
  | { kind: 'assert'; anchor?: boolean }
  | { kind: 'backref' }
  | { kind: 'group'; alts: Node[][]; look: boolean }
  | { kind: 'quant'; min: number; max: number; body: Node }

/** Repeats above this count behave like `*` for backtracking purposes. */
const OPEN = 100

class Parser {
  i = 0
  constructor(readonly p: string) {}

  alt(): Node[][] {
    const alts: Node[][] = [this.seq()]
    while (this.p[this.i] === '|') {
      this.i++
      alts.push(this.seq())
    }
    return alts
  }

  seq(): Node[] {
    const out: Node[] = []
    while (this.i < this.p.length && this.p[this.i] !== '|' && this.p[this.i] !== ')') {
      let atom = this.atom()
      const q = this.quant()
      if (q) atom = { kind: 'quant', min: q[0], max: q[1], body: atom }
      out.push(atom)
    }
    return out
  }

  quant(): [number, number] | undefined {
    const c = this.p[this.i]
    let q: [number, number] | undefined
    if (c === '*') q = [0, Infinity]
    else if (c === '+') q = [1, Infinity]
    else if (c === '?') q = [0, 1]
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.p.slice(this.i))
      if (!m) return undefined
      this.i += m[0].length - 1
      const min = Number(m[1])
      q = [min, m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3])]
    }
    if (!q) return undefined
    this.i++
    if (this.p[this.i] === '?') this.i++
    return q
  }

  atom(): Node {
    const c = this.p[this.i++]
    if (c === '(') {
      let look = false
      if (this.p.startsWith('?:', this.i)) this.i += 2
      else if (this.p.startsWith('?=', this.i) || this.p.startsWith('?!', this.i)) { this.i += 2; look = true }
      else if (this.p.startsWith('?<=', this.i) || this.p.startsWith('?<!', this.i)) { this.i += 3; look = true }
      else if (this.p.startsWith('?<', this.i)) this.i = this.p.indexOf('>', this.i) + 1
      const alts = this.alt()
      this.i++ // ')'
      return { kind: 'group', alts, look }
    }
    if (c === '[') return { kind: 'set', set: this.cls() }
    if (c === '.') return { kind: 'set', set: DOT }
    if (c === '^' || c === '$') return { kind: 'assert', anchor: c === '^' }
    if (c === '\\') return this.escape(false) as Node
    return { kind: 'set', set: CharSet.of(c).fold() }
  }

  /** After a backslash; inside a class returns a CharSet. */
  escape(inClass: boolean): Node | CharSet {
    const c = this.p[this.i++]
    const set = (s: CharSet): Node | CharSet => (inClass ? s : { kind: 'set', set: s })
    switch (c) {
      case 'd': return set(DIGIT)
      case 'D': return set(DIGIT.negate())
      case 'w': return set(WORDC)
      case 'W': return set(WORDC.negate())
      case 's': return set(SPACE)
      case 'S': return set(CharSet.of(' \t\n\r\v\f').negate())
      case 'b': return inClass ? CharSet.of('\b') : { kind: 'assert' }
      case 'B': return { kind: 'assert' }
      case 'p': case 'P': {
        if (this.p[this.i] === '{') this.i = this.p.indexOf('}', this.i) + 1
        const s = CharSet.range(65, 90).add(CharSet.range(97, 122))
        s.other = true
        return set(s)
      }
      case 'k':
        if (this.p[this.i] === '<') {
          this.i = this.p.indexOf('>', this.i) + 1
          return inClass ? CharSet.of('k') : { kind: 'backref' }
        }
        return set(CharSet.of('k').fold())
      case 'x': {
        const h = /^[0-9a-fA-F]{2}/.exec(this.p.slice(this.i))
        if (h) { this.i += 2; return set(CharSet.range(parseInt(h[0], 16), parseInt(h[0], 16)).fold()) }
        return set(CharSet.of('x'))
      }
      case 'u': {
        const h = /^(?:[0-9a-fA-F]{4}|\{[0-9a-fA-F]+\})/.exec(this.p.slice(this.i))
        if (h) {
          this.i += h[0].length
          const code = parseInt(h[0].replace(/[{}]/g, ''), 16)
          return set(CharSet.range(code, code).fold())
        }
        return set(CharSet.of('u'))
      }
      case 'c': this.i++; return set(CharSet.range(0, 31))
      case 't': return set(CharSet.of('\t'))
      case 'n': return set(CharSet.of('\n'))
      case 'r': return set(CharSet.of('\r'))
      case 'f': return set(CharSet.of('\f'))
      case 'v': return set(CharSet.of('\v'))
      case '0': return set(CharSet.of('\0'))
      default:
        if (c >= '1' && c <= '9') {
          while (this.p[this.i] >= '0' && this.p[this.i] <= '9') this.i++
          return inClass ? CharSet.range(0, 127) : { kind: 'backref' }
        }
        return set(CharSet.of(c ?? '\\').fold())
    }
  }

  cls(): CharSet {
    const negated = this.p[this.i] === '^'
    if (negated) this.i++
    const s = new CharSet()
    let first = true
    while (this.i < this.p.length && (this.p[this.i] !== ']' || first)) {
      first = false
      const lo = this.classAtom()
      if (this.p[this.i] === '-' && this.p[this.i + 1] !== ']' && this.i + 1 < this.p.length && typeof lo === 'number') {
        this.i++
        const hi = this.classAtom()
        if (typeof hi === 'number') s.add(CharSet.range(lo, hi))
        else s.add(CharSet.range(lo, lo)).add(hi).add(CharSet.of('-'))
      } else s.add(typeof lo === 'number' ? CharSet.range(lo, lo) : lo)
    }
    this.i++ // ']'
    s.fold()
    return negated ? s.negate() : s
  }

  classAtom(): number | CharSet {
    const c = this.p[this.i++]
    if (c !== '\\') return c.codePointAt(0)!
    const e = this.escape(true) as CharSet
    // A single-character escape becomes a code point so it can start a range.
    const one = [...Array(128).keys()].filter((k) => (e.bits[k >> 5] >> (k & 31)) & 1)
    return !e.other && one.length === 1 ? one[0] : e
  }
}

function chars(n: Node): CharSet {
  switch (n.kind) {
    case 'set': return n.set
    case 'quant': return chars(n.body)
    case 'group': {
      const s = new CharSet()
      if (!n.look) for (const a of n.alts) for (const x of a) s.add(chars(x))
      return s
    }
    default: return new CharSet()
  }
}

function nullable(n: Node): boolean {
  switch (n.kind) {
    case 'set': return false
    case 'quant': return n.min === 0 || nullable(n.body)
    case 'group': return n.look || n.alts.some((a) => a.every(nullable))
    default: return true
  }
}

function firstChars(seq: Node[]): { set: CharSet; empty: boolean } {
  const s = new CharSet()
  for (const n of seq) {
    if (n.kind === 'group' && !n.look) {
      for (const a of n.alts) s.add(firstChars(a).set)
    } else if (n.kind === 'quant') s.add(firstChars([n.body]).set)
    else s.add(chars(n))
    if (!nullable(n)) return { set: s, empty: false }
  }
  return { set: s, empty: true }
}

/** A repeat whose count is open or varies by 3 or more: the matcher may try many lengths. */
const flexibleQuant = (n: Node) => n.kind === 'quant' && (n.max > OPEN || n.max - n.min >= 3)

function some(n: Node, test: (q: Extract<Node, { kind: 'quant' }>) => boolean): boolean {
  switch (n.kind) {
    case 'quant': return test(n) || some(n.body, test)
    case 'group': return n.alts.some((a) => a.some((x) => some(x, test)))
    default: return false
  }
}

const hasRepeat = (n: Node) => some(n, (q) => q.max > 1)
/** Contains a flexible repeat anywhere inside (an optional group around `\\w+` counts). */
const isOpen = (n: Node) => some(n, flexibleQuant)

/** Fixed number of characters every match has, or undefined when it varies. */
function width(n: Node): number | undefined {
  switch (n.kind) {
    case 'set': return 1
    case 'assert': return 0
    case 'backref': return undefined
    case 'quant': {
      const w = width(n.body)
      return w !== undefined && (n.min === n.max || w === 0) ? w * n.min : undefined
    }
    case 'group': {
      if (n.look) return 0
      const ws = n.alts.map((a) => a.reduce<number | undefined>((t, x) => (t === undefined ? undefined : (w => (w === undefined ? undefined : t + w))(width(x))), 0))
      return ws.every((w) => w !== undefined && w === ws[0]) ? ws[0] : undefined
    }
  }
}

/** Characters that can be matched after the first position of a match (conservative). */
function restChars(n: Node): CharSet {
  switch (n.kind) {
    case 'quant': return n.max > 1 ? new CharSet().add(chars(n.body)).add(restChars(n.body)) : restChars(n.body)
    case 'group': {
      const s = new CharSet()
      if (n.look) return s
      for (const seq of n.alts) {
        let started = false
        for (const x of seq) {
          if (started) s.add(chars(x))
          else {
            s.add(restChars(x))
            if (nullable(x)) s.add(chars(x))
            else started = true
          }
        }
      }
      return s
    }
    default: return new CharSet()
  }
}

class Unsafe extends Error {}

const SPLIT_ADVICE = 'split it into two regex conditions under `all:` instead'

function check(n: Node): void {
  if (n.kind === 'backref') throw new Unsafe('back-references like \\1 are not allowed (they can make matching very slow)')
  if (n.kind === 'group') {
    for (const a of n.alts) checkSeq(a)
    return
  }
  if (n.kind !== 'quant') return
  check(n.body)
  if (n.max > 1 && nullable(n.body)) {
    throw new Unsafe('a repeat of something that can match nothing, like (a?)+ or (\\s*)*, can hang the matcher')
  }
  if ((flexibleQuant(n) && hasRepeat(n.body)) || (n.max > 1 && isOpen(n.body))) {
    throw new Unsafe('a repeat inside a repeat, like (a+)+ or (\\w+\\s?)*, can hang the matcher; repeat a simple character class instead')
  }
  if (!flexibleQuant(n) && n.max <= 10) return
  if (n.body.kind === 'group' && !n.body.look && n.body.alts.length > 1) {
    const firsts = n.body.alts.map(firstChars)
    if (firsts.some((f) => f.empty)) throw new Unsafe('an alternative that can match nothing inside a repeat, like (a|)*, can hang the matcher')
    for (let i = 0; i < firsts.length; i++) {
      for (let j = i + 1; j < firsts.length; j++) {
        if (firsts[i].set.intersects(firsts[j].set)) {
          throw new Unsafe('alternatives inside a repeat start with the same characters, like (a|ab)*; this can hang the matcher')
        }
      }
    }
  }
  if (width(n.body) === undefined && firstChars([n.body]).set.intersects(restChars(n.body))) {
    throw new Unsafe('a repeated group that can be split in more than one way, like ([ab]b?)+, can hang the matcher')
  }
}

/**
 * Flexible repeats that can match the same text multiply the work. Two of them are tolerated when a required
 * character they cannot match (or `^`) comes first, because then the match can only start in few places.
 */
function checkSeq(seq: Node[]): void {
  for (const n of seq) check(n)
  let open: { set: CharSet; anchored: boolean; chained: boolean }[] = []
  let prev: Node | undefined
  for (const n of seq) {
    if (isOpen(n)) {
      const s = chars(n)
      const clash = open.filter((o) => o.set.intersects(s))
      let chained = false
      if (clash.length > 0) {
        if (clash.length > 1 || !clash[0].anchored || clash[0].chained) {
          throw new Unsafe(`two open-ended repeats can match the same text (like .*a.*b or \\w*\\w*); ${SPLIT_ADVICE}`)
        }
        clash[0].chained = chained = true
      }
      const anchored = !!prev && ((prev.kind === 'assert' && !!prev.anchor) || (prev.kind !== 'assert' && !chars(prev).intersects(s)))
      // A required part ends the reach of an earlier repeat only if that repeat can match none of its characters:
      // in a{1,200}\w(a)*, \w can be one more "a", so both repeats still share every run of a's.
      if (!nullable(n)) open = open.filter((o) => s.intersects(o.set))
      open.push({ set: s, anchored, chained })
    } else if (!nullable(n)) {
      const s = chars(n)
      open = open.filter((o) => s.intersects(o.set))
    }
    if (!nullable(n) || (n.kind === 'assert' && n.anchor)) prev = n
  }
}

/** Longest pattern a dealer may write; longer ones are almost always pasted by mistake. */
export const MAX_PATTERN_LENGTH = 500

/** Undefined when the pattern is safe to run on rider text; otherwise what is wrong with it. */
export function regexProblem(pattern: string): string | undefined {
  if (pattern.length > MAX_PATTERN_LENGTH) return `the pattern is longer than ${MAX_PATTERN_LENGTH} characters`
  try {
    new RegExp(pattern, 'i')
  } catch (err) {
    return `bad regex: ${(err as Error).message.replace(/^Invalid regular expression: /, '')}`
  }
  try {
    const p = new Parser(pattern)
    const alts = p.alt()
    check({ kind: 'group', alts, look: false })
    if (p.i < pattern.length) return `bad regex: unexpected '${pattern[p.i]}' at character ${p.i + 1}`
    if (!alts.some((a) => a.length > 0) || alts.every((a) => a.every(nullable))) {
      return 'the pattern can match empty text, so it would match every message'
    }
  } catch (err) {
    if (err instanceof Unsafe) return `unsafe regex: ${err.message}`
    return `bad regex: ${(err as Error).message}`
  }
  return undefined
}

// Exposed for tests of the analysis itself.
export const _internal = { CharSet }
