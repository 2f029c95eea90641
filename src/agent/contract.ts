import type { SearchService } from '../search/service.ts'
import type { DocType } from '../search/types.ts'

/** Who wrote an earlier line of the conversation. */
export type Author = 'customer' | 'bot' | 'staff' | 'system'

/** The departments answers and guardrails hand off to (the rules file may name more; these are the ones the agent knows). */
export const DEPARTMENTS = ['sales', 'service', 'parts', 'finance'] as const
export type Department = (typeof DEPARTMENTS)[number]

/** The unit or part under discussion, carried across turns so "is that one in stock?" has a subject. */
export interface Focus {
  kind: 'unit' | 'part'
  /** Document id in the DMS index (absent when the focus was recovered from transcript text). */
  id?: string
  /** Stock number (unit) or part number (part), shown to the rider. */
  ref: string
  /** "2024 Yamaha Grizzly EPS" or "Oil filter (Honda 15410-MFJ-D01)". */
  label: string
  make?: string
  model?: string
  year?: number
}

/** What a citation card needs: the widget renders units with a photo placeholder, price and data-as-of date. */
export interface Citation {
  id: string
  type: DocType
  title: string
  price?: number
  status?: string
  stockNumber?: string
  partNumber?: string
  onHand?: number
  /** Day the DMS data was exported (units). */
  dataAsOf?: string
  /** Service bulletin number. */
  bulletinNumber?: string
  /** Recall campaign number (and agency number when known). */
  campaignId?: string
  agencyId?: string
  /** Policy, FAQ or guide topic. */
  topic?: string
  /** Where the document came from (file name, feed). */
  source?: string
  /** ISO date after which the document no longer applies. */
  expiresAt?: string | null
}

export interface Handoff {
  department: Department
  /** One line for staff ("asked for a monthly payment"). */
  reason: string
  /** Which guardrail or tool asked for it. */
  via: 'guardrail' | 'tool' | 'no_answer' | 'failure'
}

export interface HistoryLine { author: Author; text: string }

export interface AnswerRequest {
  storeId: string
  /** The rider's message, already redacted. */
  text: string
  /** Earlier messages in the conversation, oldest first (already redacted). */
  history: HistoryLine[]
  /** The unit or part the last answer was about (from the previous Answer or its citations). */
  focus?: Focus
  now: Date
  /** Receives answer text as it is produced; provisional until the returned Answer (whose text is authoritative). */
  onText?: (delta: string) => void
  signal?: AbortSignal
}

export interface Answer {
  /** What the rider sees; replaces anything streamed through onText. */
  text: string
  citations: Citation[]
  /** 0..1 how well retrieval matched the question; feeds the escalation engine's low_confidence condition. */
  confidence: number
  handoff?: Handoff
  /** The unit or part this answer is about, to pass back as `focus` on the next turn. */
  focus?: Focus
  source: 'claude' | 'local' | 'fallback'
  /** Why staff should look at this conversation (Claude failed, a guardrail replaced the answer, …). */
  flagged?: string
  /** Guardrails that fired on the request or the generated text. */
  guardrails?: string[]
}

/** Answers a rider's message from the dealer's DMS content. */
export interface Answerer {
  readonly mode: 'claude' | 'local'
  answer(req: AnswerRequest): Promise<Answer>
}

/** The agent's port onto search: the search service (`createSearch(...)`) satisfies it; tests may pass a stub. */
export type DmsSource = Pick<SearchService, 'search'>

/** Department hours for replies and the store_hours tool. */
export interface HoursSource {
  /** One line per department: "Sales: Mon-Fri 9:00 AM-7:00 PM; … (open now)". */
  describe(now: Date): string[]
}

/** Full text of documents a search returned (hits carry only a snippet); backed by the `documents` table. */
export interface DocumentBodies {
  bodies(storeId: string, ids: string[]): Promise<Map<string, string>>
}
