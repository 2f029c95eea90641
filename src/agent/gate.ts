import { checkAnswer, type AnswerCheckContext } from './guardrails.ts'

/**
 * Streams model text to the rider a sentence at a time, each sentence checked by the guardrails first:
 * a forbidden sentence is never shown, and nothing after it is either (the final answer replaces the draft).
 */

/** Citation markers ([[doc-id]]) are for us, not the rider. */
export const stripMarkers = (s: string) => s.replace(/\s?\[\[[^\][]{0,200}\]\]/g, '')

export class SentenceGate {
  private pending = ''
  private shown = ''
  blocked = false

  constructor(private emit: ((delta: string) => void) | undefined, private context: () => AnswerCheckContext) {}

  /** Text emitted so far (markers removed). */
  get streamed() { return this.shown }

  push(delta: string) {
    if (this.blocked || !this.emit) return
    this.pending += delta
    // Release everything up to the last sentence end that is followed by whitespace (the sentence is complete).
    const m = /^([\s\S]*[.!?:;\n])\s/.exec(this.pending)
    if (!m) return
    const ready = m[1]
    if (/\[\[[^\]]*$/.test(ready)) return
    this.pending = this.pending.slice(ready.length)
    this.release(ready)
  }

  /** Releases whatever is left once the model has finished (unless a guardrail already stopped the stream). */
  flush() {
    if (this.blocked || !this.emit || !this.pending) return
    const rest = this.pending
    this.pending = ''
    this.release(rest)
  }

  private release(text: string) {
    const clean = stripMarkers(text)
    if (!clean) return
    if (checkAnswer(clean, this.context()).length) { this.blocked = true; return }
    this.shown += clean
    this.emit!(clean)
  }
}
