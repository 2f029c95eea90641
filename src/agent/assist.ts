import type { Answerer, Citation, Focus, HistoryLine } from './contract.ts'
import { NO_ANSWER } from './draft.ts'

/**
 * Staff assist: a suggested reply to the rider's latest message, drafted by the same answerer the widget uses
 * (so it is grounded in DMS content, cited and guarded), for staff to edit and send.
 */

export interface AssistRequest {
  storeId: string
  /** The conversation, oldest first; the last customer line is what the reply answers. */
  history: HistoryLine[]
  focus?: Focus
  now: Date
  signal?: AbortSignal
}

export interface Suggestion {
  /** Empty when there is nothing in the DMS content to draft from. */
  text: string
  citations: Citation[]
  source: 'claude' | 'local' | 'fallback'
  /** Shown beside the draft: why it is empty or what staff must add themselves. */
  note?: string
}

export async function suggestReply(answerer: Answerer, req: AssistRequest): Promise<Suggestion> {
  const last = req.history.map((h) => h.author).lastIndexOf('customer')
  if (last < 0) return { text: '', citations: [], source: answerer.mode, note: 'The rider has not asked anything yet.' }
  const a = await answerer.answer({
    storeId: req.storeId, text: req.history[last].text, history: req.history.slice(0, last), focus: req.focus, now: req.now, signal: req.signal,
  })
  if (a.text === NO_ANSWER) return { text: '', citations: [], source: a.source, note: 'Nothing in the DMS content answers this; reply in your own words.' }
  const note = a.handoff?.via === 'guardrail'
    ? `The assistant won't quote this (${a.guardrails?.join(', ') ?? a.handoff.reason}); add the specifics yourself if you can give them.`
    : a.flagged
  return { text: a.text, citations: a.citations, source: a.source, ...(note ? { note } : {}) }
}
