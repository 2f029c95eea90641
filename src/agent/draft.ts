import type { SearchHit } from '../search/contract.ts'
import type { Answer, Citation, Focus, Handoff } from './contract.ts'
import { checkRequest, enforce, refusal, SAFE_REPLY, type RequestHit } from './guardrails.ts'
import { hitText } from './retrieve.ts'

/** What an answerer has before guardrails run: the text, what it used, and how sure retrieval was. */
export interface Draft {
  text: string
  citations: Citation[]
  confidence: number
  focus?: Focus
  /** Document text the answer may restate (guardrail grounding). */
  sources: string[]
  handoff?: Handoff
  flagged?: string
}

export const sourcesOf = (hits: SearchHit[], bodies: Map<string, string> = new Map()) => hits.map((h) => hitText(h, bodies.get(h.id)))

export const NO_ANSWER =
  "I couldn't find that in our records, and I'd rather not guess. Someone from our team can answer it — just ask for a person, or leave your question here and they'll pick it up."

export const GREETING = 'Hi! I can answer questions about our bikes, ATVs, side-by-sides and other units in stock, parts, service and store policies. What can I help with?'

const CAVEAT: Partial<Record<RequestHit['id'], string>> = {
  vin_fitment: "I can't confirm fitment for a specific VIN — I've asked our parts team to check it against your VIN and follow up here.",
  vin_recall: "Whether a recall applies to a specific VIN has to be checked against the manufacturer's records — I've asked our service team to check and follow up here.",
  fault_diagnosis: "That's the code's published meaning; finding the actual cause takes a technician, so I've asked our service team to follow up here.",
}

/** Request-side guardrails: a refused topic never reaches retrieval or a model. */
export function refusedRequest(text: string): { hits: RequestHit[]; refused?: Draft } {
  const hits = checkRequest(text)
  const refuse = hits.filter((h) => h.mode === 'refuse')
  if (!refuse.length) return { hits }
  const r = refusal(refuse)
  return {
    hits,
    refused: {
      text: r.text, citations: [], confidence: 1, sources: [],
      handoff: r.department ? { department: r.department, reason: r.reason, via: 'guardrail' } : undefined,
    },
  }
}

/**
 * Turns a draft into the rider's answer: enforces the answer-side guardrails, then appends the caveat of any
 * "answer, but" request (VIN fitment, VIN recall, fault-code diagnosis) with its handoff.
 */
export function finish(draft: Draft, requestHits: RequestHit[], ctx: { riderText: string; source: Answer['source'] }): Answer {
  const guardrails = requestHits.map((h) => h.id)
  const answer: Answer = {
    text: draft.text, citations: draft.citations, confidence: draft.confidence, source: ctx.source,
    ...(draft.handoff ? { handoff: draft.handoff } : {}), ...(draft.focus ? { focus: draft.focus } : {}),
    ...(draft.flagged ? { flagged: draft.flagged } : {}), ...(guardrails.length ? { guardrails } : {}),
  }
  const checked = enforce(answer, { sources: draft.sources, riderText: ctx.riderText })
  if (checked !== answer) return checked
  // Caveats are our own fixed wording, so they are added after the check rather than checked themselves.
  for (const h of requestHits) {
    if (h.mode !== 'caveat' || !CAVEAT[h.id]) continue
    // With nothing published to share, the caveat alone is the answer.
    checked.text = checked.citations.length ? `${checked.text} ${CAVEAT[h.id]}` : SAFE_REPLY[h.id]
    checked.handoff ??= { department: h.department!, reason: refusal([h]).reason, via: 'guardrail' }
  }
  return checked
}
