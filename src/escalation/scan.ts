/** Per-message state for one evaluate() call: tokens, phrase hits, and lazily computed entities and signals. */
import { detect, type ExtraPatterns } from './detectors.ts'
import { isOpen, localTime, type Department, type LocalTime } from './hours.ts'
import type { PhraseIndex } from './phrases.ts'
import { frustrationLevel, punctuationScore, repeatCount } from './signals.ts'
import { tokenize, type Token } from './text.ts'
import type { Entity, EntityKind, FrustrationLevel, SignalName, Span, TriageContext } from './types.ts'

/** Which built-in lexicons a phrase of the rules' phrase index belongs to (a phrase can be in several). */
export const SIGNAL_BITS = { human_request: 1, purchase_intent: 2, safety_risk: 4, frustration: 8, repeat: 16, botQuestion: 32 } as const

export interface SignalPhrases {
  /** Per phrase id: OR of SIGNAL_BITS. */
  mask: Uint8Array
  /** Per phrase id: frustration weight (1 annoyed, 2 angry, 4 threatens). */
  weight: Uint8Array
}

export interface SignalResult {
  on: boolean
  level?: FrustrationLevel
  /** Repeats counted, or frustration score. */
  score?: number
  spans: Span[]
}

/** A condition's evidence, copied into the Decision trace when its rule fires. */
export interface MatchRec {
  condition: string
  text?: string
  start?: number
  end?: number
  detail?: string
}

export class Scan {
  readonly text: string
  readonly regexText: string
  readonly truncated: boolean
  readonly tokens: Token[]
  /** Tags present so far: detected from the text or added by a rule that fired. */
  readonly tags = new Map<string, MatchRec | undefined>()
  private ents = new Map<EntityKind, Entity[]>()
  private sigs = new Map<SignalName, SignalResult>()
  private locals = new Map<string, LocalTime>()
  private opens = new Map<Department, boolean>()

  constructor(
    readonly ctx: TriageContext,
    readonly phrases: PhraseIndex,
    readonly signalPhrases: SignalPhrases,
    readonly extra: ExtraPatterns,
    scanChars: number,
    regexChars: number,
  ) {
    const raw = typeof ctx.text === 'string' ? ctx.text : String(ctx.text ?? '')
    this.truncated = raw.length > scanChars
    this.text = this.truncated ? raw.slice(0, scanChars) : raw
    this.regexText = this.text.length > regexChars ? this.text.slice(0, regexChars) : this.text
    this.tokens = tokenize(this.text)
    phrases.scan(this.tokens)
  }

  phrase(id: number): Span | undefined {
    const start = this.phrases.start(id)
    if (start < 0) return undefined
    const end = this.phrases.end(id)
    return { text: this.text.slice(start, end), start, end }
  }

  entities(kind: EntityKind): Entity[] {
    let e = this.ents.get(kind)
    if (!e) {
      e = detect(kind, this.text, this.extra)
      this.ents.set(kind, e)
    }
    return e
  }

  local(tz: string): LocalTime {
    let l = this.locals.get(tz)
    if (!l) {
      l = localTime(this.ctx.now, tz)
      this.locals.set(tz, l)
    }
    return l
  }

  /** Whether the department is open at ctx.now (once per message). */
  isOpen(dept: Department): boolean {
    let o = this.opens.get(dept)
    if (o === undefined) {
      o = isOpen(dept, this.ctx.now, this.local(dept.timezone))
      this.opens.set(dept, o)
    }
    return o
  }

  customerMessages(): number {
    let n = 1
    for (const m of this.ctx.history ?? []) if (m.author === 'customer') n++
    return n
  }

  turn(): number {
    return this.ctx.turn ?? (this.ctx.history?.length ?? 0) + 1
  }

  signal(name: SignalName): SignalResult {
    let s = this.sigs.get(name)
    if (!s) {
      s = this.computeSignal(name)
      this.sigs.set(name, s)
    }
    return s
  }

  /** Spans of the phrases found in this message that belong to a lexicon, in text order. */
  private hits(bit: number): Span[] {
    const out: Span[] = []
    const mask = this.signalPhrases.mask
    for (const id of this.phrases.hits) {
      if (mask[id] & bit) {
        const start = this.phrases.start(id)
        const end = this.phrases.end(id)
        out.push({ text: this.text.slice(start, end), start, end })
      }
    }
    return out
  }

  /** Character offset of the end of the `n`-th token after the token ending at `end`. */
  private endAfter(end: number, n: number): number {
    const i = this.tokens.findIndex((t) => t.end === end)
    if (i < 0) return end
    return this.tokens[Math.min(i + n, this.tokens.length - 1)].end
  }

  private computeSignal(name: SignalName): SignalResult {
    switch (name) {
      case 'human_request': {
        const questions = this.hits(SIGNAL_BITS.botQuestion)
        const spans = this.hits(SIGNAL_BITS.human_request)
          .filter((h) => !questions.some((q) => h.start >= q.start && h.start <= this.endAfter(q.end, 3)))
        return { on: spans.length > 0, spans }
      }
      case 'purchase_intent':
      case 'safety_risk': {
        const spans = this.hits(SIGNAL_BITS[name])
        return { on: spans.length > 0, spans }
      }
      case 'repeated_question': {
        const spans = this.hits(SIGNAL_BITS.repeat)
        const earlier = (this.ctx.history ?? []).filter((m) => m.author === 'customer').map((m) => m.text)
        const n = earlier.length > 0 ? repeatCount(this.tokens, earlier) : 0
        return { on: n > 0 || spans.length > 0, score: Math.max(n, spans.length > 0 ? 1 : 0), spans }
      }
      case 'frustration': {
        let score = 0
        const spans: Span[] = []
        for (const id of this.phrases.hits) {
          const w = this.signalPhrases.weight[id]
          if (w && this.signalPhrases.mask[id] & SIGNAL_BITS.frustration) {
            score += w
            const start = this.phrases.start(id)
            const end = this.phrases.end(id)
            spans.push({ text: this.text.slice(start, end), start, end })
          }
        }
        const p = punctuationScore(this.text)
        score += p.score
        spans.push(...p.spans)
        if (this.signal('repeated_question').on) score += 1
        const level = frustrationLevel(score)
        // Words first, then shouting and punctuation: the words explain the level better.
        return { on: level !== 'none', level, score, spans }
      }
    }
  }
}
