import type { ConversationStatus } from '../db/schema.ts'

/**
 * The conversation state machine, as data: bot -> waiting -> claimed -> closed, with hand back and
 * reopen. Pure, so the table of allowed moves is tested without a database.
 */
export type ConversationAction = 'handoff' | 'claim' | 'reply' | 'transfer' | 'hand_back' | 'close' | 'reopen'

const MOVES: Record<ConversationAction, Partial<Record<ConversationStatus, ConversationStatus>>> = {
  handoff: { bot: 'waiting', waiting: 'waiting' },
  claim: { bot: 'claimed', waiting: 'claimed' },
  reply: { bot: 'claimed', waiting: 'claimed', claimed: 'claimed' },
  transfer: { waiting: 'waiting', claimed: 'waiting', bot: 'waiting' },
  hand_back: { waiting: 'bot', claimed: 'bot' },
  close: { bot: 'closed', waiting: 'closed', claimed: 'closed' },
  reopen: { closed: 'bot' },
}

export class InvalidTransition extends Error {
  constructor(readonly action: ConversationAction, readonly from: ConversationStatus) {
    super(`cannot ${action.replace('_', ' ')} a conversation that is ${from}`)
  }
}

export function nextStatus(from: ConversationStatus, action: ConversationAction): ConversationStatus {
  const to = MOVES[action][from]
  if (!to) throw new InvalidTransition(action, from)
  return to
}

export const canDo = (from: ConversationStatus, action: ConversationAction) => MOVES[action][from] !== undefined

/** The statuses an action may start from (for atomic `where status in (...)` updates). */
export const fromStatuses = (action: ConversationAction) => Object.keys(MOVES[action]) as ConversationStatus[]

/** While a person owns or awaits the chat, the AI stays quiet. */
export const aiAnswers = (status: ConversationStatus) => status === 'bot'
