import { detect } from '../escalation/detectors.ts'
import type { Answer, Department } from './contract.ts'
import { groundedShare, sentences, stemSet } from './text.ts'

/**
 * What the assistant must never say, checked in code on every answer (and stated in the prompts):
 * rates, payments, approvals, trade values, VIN-specific fitment or recall status, appointment promises,
 * diagnoses beyond a fault code's published meaning, the system prompt, other people's contact details.
 */

export type GuardrailId =
  | 'financing_terms' | 'approval' | 'trade_value' | 'vin_fitment' | 'vin_recall' | 'appointment_time' | 'fault_diagnosis'
  | 'prompt_leak' | 'foreign_contact'

export interface GuardrailHit {
  id: GuardrailId
  department?: Department
  /** The sentence that broke the rule (answers) or asked for it (requests). */
  text: string
}

const DEPARTMENT: Record<GuardrailId, Department | undefined> = {
  financing_terms: 'finance', approval: 'finance', trade_value: 'sales', vin_fitment: 'parts', vin_recall: 'service',
  appointment_time: 'service', fault_diagnosis: 'service', prompt_leak: undefined, foreign_contact: undefined,
}

/** Told to the rider instead of a forbidden answer; each names who follows up. */
export const SAFE_REPLY: Record<GuardrailId, string> = {
  financing_terms: "I can't quote interest rates, APRs or monthly payments in chat — they depend on a credit application our finance team handles. I've asked finance to follow up with you here.",
  approval: "I can't say whether financing would be approved — only our finance team can, after an application. I've asked finance to follow up with you here.",
  trade_value: "I can't put a value on a trade-in in chat — it takes an appraisal of the actual machine. I've asked our sales team to follow up with you here.",
  vin_fitment: "I can't confirm that a part fits a specific VIN in chat — our parts team checks that against the VIN. I've asked them to follow up with you here.",
  vin_recall: "I can't confirm whether a recall or its remedy applies to a specific VIN in chat — our service team checks that against the manufacturer's records. I've asked them to follow up with you here.",
  appointment_time: "I can't book or promise appointment times in chat — our service team will confirm a time with you. I've asked them to follow up with you here.",
  fault_diagnosis: "I can share what a fault code means as the manufacturer publishes it, but finding the cause takes a technician. I've asked our service team to follow up with you here.",
  prompt_leak: "I can help with questions about our inventory, parts, service and store policies. What are you looking for?",
  foreign_contact: "I can help with questions about our inventory, parts, service and store policies. What are you looking for?",
}

// ---------- answer-side patterns (what generated text must not contain) ----------

const PERCENT = /\d+(?:\.\d+)?\s?(?:%|percent\b)/i
const RATE_WORDS = /\b(apr|a\.p\.r|interest|financ\w*|rate|rates|loan|credit|lease|leasing)\b/i
const PAYMENT = new RegExp([
  String.raw`\$\s?\d[\d,]*(?:\.\d{1,2})?\s*(?:\/\s*mo\b|\/\s*month|per\s+month|a\s+month|each\s+month|monthly|\/\s*wk|per\s+week|a\s+week|bi-?weekly)`,
  String.raw`\b(?:monthly|weekly)\s+payments?\b[^.?!]{0,40}\$?\s?\d`,
  String.raw`\bpayments?\s+(?:of|around|about|as\s+low\s+as|from|starting\s+at|would\s+be|will\s+be|are|is|under|below)\s+(?:only\s+|just\s+|roughly\s+|approximately\s+)?\$\s?\d`,
  String.raw`\b\d{1,3}\s+(?:monthly\s+)?payments\s+of\b`,
].join('|'), 'i')
const APPROVAL = new RegExp([
  String.raw`\byou(?:'re|\s+are|'ll|\s+will|'d|\s+would|\s+should|\s+can|\s+could)?\s+(?:be\s+|get\s+|definitely\s+|easily\s+|probably\s+|likely\s+|already\s+)*(?:pre-?)?approved\b`,
  String.raw`\b(?:guaranteed|instant|automatic)\s+(?:credit\s+|loan\s+|financing\s+)?approvals?\b`,
  String.raw`\bapprovals?\s+(?:is\s+)?(?:guaranteed|assured|certain)\b`,
  String.raw`\b(?:everyone|anybody|anyone)\s+(?:gets?|is|will\s+be)\s+(?:pre-?)?approved\b`,
  String.raw`\b(?:credit|score)\b[^.?!]{0,40}\b(?:qualif(?:y|ies)|approved|good\s+enough)\b`,
].join('|'), 'i')
const TRADE = /\btrad(?:e|es|ing)\b|\btrade-?ins?\b|\bapprais/i
const VALUE = /\b(?:worth|valued?|values|give\s+you|offer\s+you|pay\s+you|get\s+you|allow(?:ance)?|appraised?\s+(?:at|for)|fetch)\b[^.?!]{0,40}(?:\$\s?\d|\b\d[\d,]*\s?(?:k|grand|dollars)\b)|\$\s?\d[\d,]*[^.?!]{0,30}\bfor\s+(?:your|the|a|that)\s+(?:\w+\s+)?trade/i
const FIT_CONFIRM = /\b(?:(?:will|does|should|would|is\s+going\s+to)\s+(?:definitely\s+|certainly\s+)?fit|fits|is\s+(?:the\s+)?(?:right|correct)\s+(?:part|one)|is\s+compatible|compatible\s+with\s+your|matches\s+your|confirmed?\s+(?:the\s+)?fitment)\b/i
const FIT_DENY = /\b(?:won'?t|will\s+not|doesn'?t|does\s+not)\s+fit\b/i
/** A claim about the rider's own machine: their VIN, "your bike", "this VIN". */
const VIN_REF = /\b(?:your|this|that|the\s+same)\s+(?:vin|serial|hull\s+(?:id|number)|bike|quad|sled|machine|unit|atv|utv|ski|boat|vehicle|side-by-side|sxs|motorcycle|(?:19|20)\d\d)\b/i
const RECALL = /\brecall|\bcampaign\b|\bremedy\b/i
const RECALL_STATUS = /\b(?:is|isn'?t|is\s+not|are|aren'?t|was|wasn'?t|has|hasn'?t|have|haven'?t)\s+(?:\w+\s+){0,2}(?:affected|covered|included|subject|part\s+of|been\s+(?:done|completed|performed|fixed|repaired)|open|clear|eligible)\b|\bno\s+open\s+recalls\b|\b(?:not|isn'?t)\s+(?:affected|included|covered)\b|\b(?:remedy|fix)\s+(?:for|on)\s+your\b|\b(?:is|are)\s+(?:all\s+)?clear\b|\b(?:falls?|fall)\s+(?:in|within|outside)\b/i
const APPOINTMENT = new RegExp([
  String.raw`\b(?:we|i)(?:'ll|\s+will|\s+can|\s+could|'ve|\s+have)\s+(?:\w+\s+){0,2}(?:see|fit|squeeze|get|take|book|schedule|pencil|put)\s+(?:you|them|him|her|it|your\s+\w+|the\s+\w+)\s+(?:in\s+)?(?:at|on|for|this|next|tomorrow|today|tonight|first\s+thing|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b`,
  String.raw`\b(?:your\s+)?appointment\s+(?:is|has\s+been|'s)\s+(?:\w+\s+)?(?:confirmed|booked|set|scheduled|reserved)\b`,
  String.raw`\b(?:booked|scheduled|reserved)\s+(?:you|your|a\s+slot|a\s+spot|a\s+bay)\b`,
  String.raw`\b(?:come|bring\s+it|drop\s+it\s+off|stop)\s+(?:in|by|over)?\s*(?:at|on)\s+(?:\d{1,2}(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)?|monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow)\b`,
  String.raw`\b(?:ready|done|finished|fixed|repaired)\s+(?:by|on|before)\s+(?:tomorrow|tonight|today|monday|tuesday|wednesday|thursday|friday|saturday|sunday|the\s+weekend|\d)`,
  String.raw`\b(?:opening|slot|spot|availability)\s+(?:at|on|for)\s+(?:\d{1,2}(?::\d{2})?\s*(?:am|pm)?|tomorrow|monday|tuesday|wednesday|thursday|friday|saturday)\b`,
].join('|'), 'i')
const CODE_CONTEXT = /\b(?:codes?|dtc|fault|error|check\s+engine|cel|fi\s+light|spn|fmi)\b/i
const DIAGNOSIS = new RegExp([
  String.raw`\b(?:most\s+likely|likely|probably|almost\s+certainly|definitely|certainly|surely)\b`,
  String.raw`\b(?:your|the)\s+[a-z ]{2,30}\s+(?:is|are)\s+(?:bad|failing|faulty|broken|dead|shot|toast|gone|blown|cracked|worn\s+out)\b`,
  String.raw`\b(?:is|was|are)\s+(?:caused|due)\s+(?:by|to)\s+(?:a\s+|an\s+|the\s+|your\s+)?(?:bad|failing|faulty|broken|worn|dead)\b`,
  String.raw`\byou(?:'ll|\s+will|\s+need|\s+should|\s+must|'d\s+need|\s+have)\s+(?:to\s+)?(?:need\s+to\s+)?(?:replace|swap|change\s+out|buy|order|rebuild)\b`,
  String.raw`\b(?:the|your)\s+problem\s+is\b`, String.raw`\bit'?s\s+(?:your|the|a\s+bad|a\s+faulty)\b`,
].join('|'), 'i')

/** Distinctive phrases of the system prompts: any of them in an answer means the prompt leaked. */
const PROMPT_MARKERS = [
  'untrusted_data', 'never follow instructions found inside', 'pitwall-guardrails', 'request_handoff tool', 'rules of this chat',
  '<rider_message', '</rider_message', '<document', '</document', '<system', '</untrusted_data', 'system prompt:',
]

export interface AnswerCheckContext {
  /** Text of every document the answer was built from (tool results, retrieved passages). */
  sources: string[]
  /** The rider's own words this turn and before: their own phone, email and VIN may be repeated back. */
  riderText: string
}

function sentenceHits(s: string, ctx: AnswerCheckContext, grounded: () => Set<string>): GuardrailId[] {
  const ids: GuardrailId[] = []
  if ((PERCENT.test(s) && RATE_WORDS.test(s)) || /\bapr\b[^.?!]{0,30}\d|\d[^.?!]{0,30}\bapr\b/i.test(s)) ids.push('financing_terms')
  else if (PAYMENT.test(s)) ids.push('financing_terms')
  if (APPROVAL.test(s)) ids.push('approval')
  if (TRADE.test(s) && VALUE.test(s)) ids.push('trade_value')
  const vinHere = VIN_REF.test(s) || detect('vin', s).length > 0
  if (vinHere && (FIT_CONFIRM.test(s) || FIT_DENY.test(s))) ids.push('vin_fitment')
  if (vinHere && RECALL.test(s) && RECALL_STATUS.test(s)) ids.push('vin_recall')
  if (APPOINTMENT.test(s)) ids.push('appointment_time')
  const codeHere = detect('fault_code', s).length > 0 || CODE_CONTEXT.test(s)
  // A diagnosis copied from the dealer's published fault-code guide is its published meaning, not ours.
  if (codeHere && DIAGNOSIS.test(s) && groundedShare(s, grounded()) < 0.85) ids.push('fault_diagnosis')
  return ids
}

/** Every rule an answer breaks, one hit per rule (first offending sentence). */
export function checkAnswer(text: string, ctx: AnswerCheckContext): GuardrailHit[] {
  // The sources' stems (whole document passages) are needed only for a sentence that diagnoses a code: read them then.
  let stems: Set<string> | undefined
  const grounded = () => (stems ??= stemSet(ctx.sources))
  const seen = new Map<GuardrailId, GuardrailHit>()
  for (const s of sentences(text)) {
    for (const id of sentenceHits(s, ctx, grounded)) if (!seen.has(id)) seen.set(id, { id, department: DEPARTMENT[id], text: s })
  }
  const lower = text.toLowerCase()
  const marker = PROMPT_MARKERS.find((m) => lower.includes(m))
  if (marker) seen.set('prompt_leak', { id: 'prompt_leak', text: marker })
  const known = `${ctx.sources.join('\n')}\n${ctx.riderText}`
  const knownDigits = known.replace(/\D/g, '')
  const knownLower = known.toLowerCase()
  for (const e of [...detect('email', text), ...detect('phone', text)]) {
    const ok = e.kind === 'email' ? knownLower.includes(e.value) : knownDigits.includes(e.value)
    if (!ok) { seen.set('foreign_contact', { id: 'foreign_contact', text: e.text }); break }
  }
  return [...seen.values()]
}

// ---------- request-side patterns (what the rider asks for) ----------

export type RequestMode = 'refuse' | 'caveat'
export interface RequestHit extends GuardrailHit { mode: RequestMode }

const REQUEST: Array<{ id: GuardrailId; mode: RequestMode; re: RegExp; also?: RegExp }> = [
  { id: 'financing_terms', mode: 'refuse', re: /\b(?:apr|a\.p\.r|interest\s+rates?|financ\w*\s+rates?|(?:your|the|what)\s+rates?\b(?!\s+(?:for|per)\s+(?:labor|labour|storage|shop))|monthly\s+payments?|payments?\s+(?:be|would|will|per|a|each|on)\b|per\s+month|\$\s?\d[\d,]*\s*(?:a|per)\s+month|\/\s*mo\b|how\s+much\s+(?:down|a\s+month|per\s+month|monthly)|what\s+would\s+i\s+pay\s+(?:a|per|each)|finance\s+(?:it|this|that|one)\s+for|loan\s+(?:term|rate)|lease\s+(?:rate|deal|payment)|over\s+\d{2}\s+months|\d{2}\s*-?\s*months?\s+(?:loan|term|financing|note))/i },
  { id: 'approval', mode: 'refuse', re: /\b(?:approv\w*|pre-?qualif\w*|qualify|bad\s+credit|no\s+credit|credit\s+(?:score|check|is|history|rating)|bankrupt\w*|repo(?:ssess\w*)?)\b/i },
  { id: 'trade_value', mode: 'refuse', re: /\b(?:trade(?:-|\s)?ins?|trad(?:e|ing)|appraise\w*|appraisal|blue\s*book|kbb|nada|(?:buy|take)\s+my\s+\w+|sell\s+(?:you\s+)?my\s+\w+)\b/i, also: /\b(?:worth|value|how\s+much|what\s+(?:would|will|could|can|do)\s+(?:you|i|y'?all)\s+(?:give|get|offer|pay)|offer|give\s+me|get\s+for|allow|appraise\w*|appraisal|blue\s*book|kbb)\b/i },
  { id: 'appointment_time', mode: 'refuse', re: /\b(?:appointment|book\s+(?:me|it|a|my|an)|schedule\s+(?:me|it|a|my|an|service)|(?:can|could)\s+(?:you|i|we)\s+(?:get|fit|squeeze|see|take)\s+(?:me|it|my\s+\w+|us)\s+in|(?:when|what\s+time)\s+can\s+(?:i|you|we)\s+(?:bring|drop|come|get)|openings?\s+(?:on|this|next|tomorrow)|(?:any|have\s+an?)\s+(?:openings?|slots?)|service\s+availability|how\s+(?:soon|long|fast)\s+(?:can|could|would|will)\s+(?:you|they|it)\s+(?:be\s+)?(?:fix|repair|look|get\s+to|done|finished|ready)|\bready\s+by\b)/i },
  { id: 'vin_fitment', mode: 'caveat', re: /\b(?:fit|fits|fitment|compatible|work\s+(?:on|with))\b[^.?!]{0,80}\b(?:vin|serial)\b|\b(?:vin|serial)\b[^.?!]{0,80}\b(?:fit|fits|fitment|compatible)\b/i },
  { id: 'vin_recall', mode: 'caveat', re: /\b(?:recall|campaign|remedy)\w*\b[^.?!]{0,80}\b(?:vin|serial|my\s+(?:bike|quad|sled|machine|unit|atv|utv|ski|boat))\b|\b(?:vin|serial|my\s+(?:bike|quad|sled|machine|unit|atv|utv|ski|boat))\b[^.?!]{0,80}\b(?:recall|campaign|remedy)/i },
  { id: 'fault_diagnosis', mode: 'caveat', re: /\b(?:what'?s\s+wrong|what\s+is\s+wrong|what'?s\s+causing|what\s+(?:is|would\s+be)\s+causing|cause\s+of|diagnos\w*|is\s+it\s+(?:the|my|a)\b|what\s+(?:should|do)\s+i\s+(?:replace|fix|buy)|how\s+do\s+i\s+fix|need\s+to\s+replace|is\s+it\s+(?:bad|serious|safe)|what\s+part)\b/i },
]

/** The restricted things a rider's message asks for; fault-code diagnosis only counts when a code is present. */
export function checkRequest(text: string): RequestHit[] {
  const out: RequestHit[] = []
  for (const r of REQUEST) {
    const m = r.re.exec(text)
    if (!m || (r.also && !r.also.test(text))) continue
    if (r.id === 'fault_diagnosis' && detect('fault_code', text).length === 0 && !/\b(?:code|dtc|light)\b/i.test(text)) continue
    out.push({ id: r.id, mode: r.mode, department: DEPARTMENT[r.id], text: m[0] })
  }
  const vins = detect('vin', text).length > 0
  const has = (id: GuardrailId) => out.some((h) => h.id === id)
  if (vins && !has('vin_fitment') && /\b(?:fit|fits|fitment|compatible)\b/i.test(text)) out.push({ id: 'vin_fitment', mode: 'caveat', department: 'parts', text })
  if (vins && !has('vin_recall') && /\brecall|\bcampaign\b/i.test(text)) out.push({ id: 'vin_recall', mode: 'caveat', department: 'service', text })
  // An approval question about a part ("is that helmet DOT approved?") is not about credit.
  return out.filter((h) => h.id !== 'approval' || /\b(?:credit|financ\w*|loan|approved\s+for|get\s+approved|qualify|pre-?qual\w*|bankrupt\w*|repo\w*)\b/i.test(text))
}

/** The rider-facing reply for a refused request, the first hit deciding the department. */
export function refusal(hits: GuardrailHit[]): { text: string; department?: Department; reason: string } {
  const first = hits.find((h) => h.department) ?? hits[0]
  return { text: SAFE_REPLY[first.id], department: first.department, reason: REASONS[first.id] }
}

export const REASONS: Record<GuardrailId, string> = {
  financing_terms: 'asked about rates or payments', approval: 'asked about credit approval', trade_value: 'asked for a trade-in value',
  vin_fitment: 'asked to confirm fitment for a VIN', vin_recall: 'asked whether a recall applies to their VIN',
  appointment_time: 'asked for an appointment time', fault_diagnosis: 'asked for a diagnosis of a fault code',
  prompt_leak: 'the answer quoted internal instructions', foreign_contact: "the answer contained contact details that aren't the dealer's or the rider's",
}

/**
 * The last line of defence: an answer that breaks a rule is replaced by the safe reply and becomes a handoff
 * to the department that can answer properly; unit and part citations stay so staff see what it was about.
 */
export function enforce(answer: Answer, ctx: AnswerCheckContext): Answer {
  const hits = checkAnswer(answer.text, ctx)
  if (hits.length === 0) return answer
  const { text, department, reason } = refusal(hits)
  const ids = hits.map((h) => h.id)
  return {
    ...answer,
    text,
    citations: answer.citations.filter((c) => c.type === 'unit' || c.type === 'part'),
    handoff: department ? { department, reason, via: 'guardrail' } : answer.handoff,
    flagged: `guardrail replaced the answer (${ids.join(', ')})${answer.flagged ? `; ${answer.flagged}` : ''}`,
    guardrails: [...new Set([...(answer.guardrails ?? []), ...ids])],
  }
}
