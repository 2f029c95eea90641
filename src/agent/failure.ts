import Anthropic from '@anthropic-ai/sdk'
import type { Department } from './contract.ts'

/** One line for staff saying why Claude failed: status and type for API errors, the cause otherwise. */
export function describeFailure(err: unknown, budgetExceeded = false): string {
  if (budgetExceeded) return 'timed out'
  if (err instanceof Anthropic.APIConnectionTimeoutError) return 'timed out'
  if (err instanceof Anthropic.APIUserAbortError) return 'aborted'
  if (err instanceof Anthropic.APIConnectionError) return 'connection failed'
  if (err instanceof Anthropic.APIError) {
    const kind = err.status === 429 ? 'rate limited' : err.status === 529 ? 'overloaded' : err.status && err.status >= 500 ? 'server error' : 'API error'
    return `${kind}${err.status ? ` ${err.status}` : ''}`
  }
  return (err as Error)?.message?.slice(0, 160) || 'unknown error'
}

const SERVICE = /\b(?:service|repair|fix|broke|broken|won'?t\s+start|noise|leak|code|light|warranty|recall|maintenance|oil\s+change|tune|inspection|stranded|tow)\w*/i
const PARTS = /\b(?:parts?|filter|plug|belt|tire|tyre|battery|chain|sprocket|brake\s+pads?|gasket|accessor\w+|helmet|gear)\b/i
const FINANCE = /\b(?:financ\w*|loan|credit|apr|payment|lease)\b/i

/** Who should follow up when nobody could answer: a best guess from the rider's words, sales by default. */
export function guessDepartment(text: string): Department {
  if (FINANCE.test(text)) return 'finance'
  if (SERVICE.test(text)) return 'service'
  if (PARTS.test(text)) return 'parts'
  return 'sales'
}
